"""A reviewer scores one value at a time; the overview shows progress per value and is where scores are submitted."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import ReviewerScore
from workflow.engine import transition

from .test_workflow import score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(in_review, lead_reviewer, client):
    client.force_login(lead_reviewer)
    return in_review.assignments.get(reviewer=lead_reviewer)


def fields(assignment, value_code, score="met"):
    responses = assignment.assessment.responses.filter(standard__value__code=value_code).order_by("standard__order")
    data = {}
    for response in responses:
        data[f"score-{response.pk}"] = score
        data[f"comment-{response.pk}"] = f"Seen on the visit: {response.standard.code}."
    return responses, data


def test_saving_a_value_saves_only_its_standards_and_goes_on_to_the_next(client, lead):
    responses, data = fields(lead, "BEL")
    url = reverse("reviews:score_value", args=[lead.pk, "BEL"])
    page = client.post(url, data | {"then": "BOU"})
    assert page["Location"] == reverse("reviews:score_value", args=[lead.pk, "BOU"])
    saved = dict(lead.scores.values_list("response__standard__code", "score"))
    assert saved == {response.standard.code: "met" for response in responses}
    # Saving another value leaves the first alone: its fields are not in that form.
    _, data = fields(lead, "BOU", score="not_met")
    client.post(reverse("reviews:score_value", args=[lead.pk, "BOU"]), data)
    assert lead.scores.filter(response__standard__value__code="BEL", score="met").count() == len(responses)
    assert lead.scores.filter(response__standard__value__code="BOU", score="not_met").count() == 2


def test_a_bad_score_saves_nothing_and_keeps_what_was_typed(client, lead):
    responses, data = fields(lead, "BEL")
    data[f"score-{responses[0].pk}"] = "brilliant"
    page = client.post(reverse("reviews:score_value", args=[lead.pk, "BEL"]), data)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Your scores have not been saved" in body
    assert "Seen on the visit: BEL.2." in body, "the typed comment is still in the form"
    assert not ReviewerScore.objects.filter(assignment=lead).exists()


def test_the_overview_shows_progress_and_offers_submitting_only_when_all_is_scored(client, lead, lead_reviewer):
    url = reverse("reviews:score", args=[lead.pk])
    body = client.get(url).content.decode()
    assert "20 still to score" in body
    assert "Start scoring: " in body
    assert "Submit my scores" not in body
    _, data = fields(lead, "BEL")
    client.post(reverse("reviews:score_value", args=[lead.pk, "BEL"]), data)
    body = client.get(url).content.decode()
    assert "18 still to score" in body
    assert "Continue scoring: " in body
    score_all(lead, lead_reviewer)
    body = client.get(url).content.decode()
    assert "Submit my scores" in body
    assert "Every standard is scored" in body


def test_the_last_value_leads_back_to_submitting_and_an_unknown_value_is_404(client, lead):
    last = lead.assessment.responses.order_by("-standard__value__order").first().standard.value.code
    body = client.get(reverse("reviews:score_value", args=[lead.pk, last])).content.decode()
    assert "Save and go to submitting" in body
    _, data = fields(lead, last)
    page = client.post(reverse("reviews:score_value", args=[lead.pk, last]), data | {"then": "overview"})
    assert page["Location"] == reverse("reviews:score", args=[lead.pk])
    assert client.get(reverse("reviews:score_value", args=[lead.pk, "XYZ"])).status_code == 404


def test_after_submitting_the_value_page_is_read_only(client, lead, lead_reviewer):
    from reviews.services.scoring import review_submit

    score_all(lead, lead_reviewer)
    review_submit(assignment=lead, by=lead_reviewer)
    url = reverse("reviews:score_value", args=[lead.pk, "BEL"])
    body = client.get(url).content.decode()
    assert "Your score:" in body
    assert 'type="radio"' not in body
    _, data = fields(lead, "BEL", score="not_met")
    assert client.post(url, data).status_code == 403
    assert not lead.scores.filter(score="not_met").exists()


@pytest.mark.parametrize("then", ["ZZZ", "BEL.1", "../x", "a b", "x" * 40])
def test_an_unknown_next_step_still_saves_and_stays_on_the_value(client, lead, then):
    responses, data = fields(lead, "BEL")
    url = reverse("reviews:score_value", args=[lead.pk, "BEL"])
    page = client.post(url, data | {"then": then})
    assert page.status_code == 302
    assert page["Location"] == url
    assert lead.scores.filter(score="met").count() == len(responses)


def test_the_overview_takes_no_scores(client, lead):
    """Scores are saved one value at a time, on the value's page; the overview only shows progress."""
    responses, data = fields(lead, "BOU")
    page = client.post(reverse("reviews:score", args=[lead.pk]), data)
    assert page.status_code == 405
    assert not lead.scores.exists()
    page = client.post(reverse("reviews:score_value", args=[lead.pk, "BOU"]), data, follow=True)
    assert "Saved. 2 standards changed." in page.content.decode()
    assert lead.scores.filter(score="met").count() == len(responses)


def test_another_reviewer_on_the_same_review_cannot_open_or_post_my_value_page(
    client, lead, in_review, second_reviewer
):
    client.force_login(second_reviewer)
    url = reverse("reviews:score_value", args=[lead.pk, "BEL"])
    assert client.get(url).status_code == 404
    _, data = fields(lead, "BEL", score="not_met")
    assert client.post(url, data).status_code == 404
    assert not lead.scores.exists()


def test_an_unanswered_invitation_is_sent_to_answer_it_first(client, submitted, administrator, lead_reviewer):
    from reviews.services.assignments import assignment_create

    from .conftest import due

    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    client.force_login(lead_reviewer)
    page = client.get(reverse("reviews:score_value", args=[assignment.pk, "BEL"]))
    assert page["Location"] == reverse("reviews:assignment", args=[assignment.pk])


def test_value_codes_are_read_in_either_case(client, lead):
    page = client.get(reverse("reviews:score_value", args=[lead.pk, "bel"]))
    assert page.status_code == 200
    assert "BEL.1" in page.content.decode()


def test_after_a_return_each_value_page_shows_the_overall_points_and_its_own(
    client, lead, in_review, lead_reviewer, team_lead
):
    from reviews.services.rounds import portfolio_return

    bel = in_review.responses.get(standard__code="BEL.1")
    bou = in_review.responses.get(standard__code="BOU.1")
    portfolio_return(
        assessment=in_review,
        by=lead_reviewer,
        overall="Show more involvement of residents.",
        per_standard=[(bel, "Add the BEL minutes."), (bou, "Add the BOU minutes.")],
    )
    transition(in_review, to="resubmitted", by=team_lead)
    transition(in_review, to="in_review", by=lead_reviewer)
    body = client.get(reverse("reviews:score_value", args=[lead.pk, "BEL"])).content.decode()
    assert "Show more involvement of residents." in body
    assert "Add the BEL minutes." in body
    assert "Add the BOU minutes." not in body


def test_scores_for_standards_of_other_portfolios_are_ignored(client, lead, lead_reviewer):
    from accreditation.models import Response
    from accreditation.services.assessments import assessment_start
    from reviews.services.scoring import scores_save
    from tests.factories import MembershipFactory

    other_lead = MembershipFactory(role="lead").user
    other = assessment_start(service=other_lead.memberships.get().service, by=other_lead)
    foreign = Response.objects.filter(assessment=other).first()
    client.post(
        reverse("reviews:score_value", args=[lead.pk, "BEL"]), {f"score-{foreign.pk}": "met", "comment-99999999": "x"}
    )
    assert not lead.scores.exists()
    assert scores_save(assignment=lead, entries={foreign.pk: ("met", "x")}, by=lead_reviewer) == 0
    assert not lead.scores.exists()


def versions(page: str, responses) -> dict:
    """The hidden version of each standard's saved score, as the page sent it."""
    import re

    return {
        f"version-{response.pk}": re.search(rf'name="version-{response.pk}" value="(\d*)"', page).group(1)
        for response in responses
    }


def test_a_stale_tab_does_not_overwrite_a_newer_save_and_keeps_what_was_typed(client, lead):
    """Two tabs opened on the same value; the second saves, then the first: nothing of the first is saved, its typed
    values are still in the form beside what is saved now, and the message says what changed, when and what to do."""
    responses, data = fields(lead, "BEL")
    url = reverse("reviews:score_value", args=[lead.pk, "BEL"])
    first_tab = versions(client.get(url).content.decode(), responses)
    second_tab = versions(client.get(url).content.decode(), responses)
    assert client.post(url, data | second_tab).status_code == 302
    bel1 = responses[0]
    newer = ReviewerScore.objects.get(assignment=lead, response=bel1)

    stale = data | first_tab | {f"score-{bel1.pk}": "not_met", f"comment-{bel1.pk}": "Typed in the old tab."}
    page = client.post(url, stale)
    assert page.status_code == 200
    body = html.unescape(page.content.decode())
    assert (
        f"You saved BEL.1 again at {timezone.localtime(newer.updated_at):%H:%M on %-d %B %Y}, after this page was "
        "opened (in another tab or window, or on another device). Nothing was saved from this page."
    ) in body
    assert "check each, then save again to keep yours" in body
    assert "Typed in the old tab." in body, "what was typed is still in the field"
    assert "Saved now, since you opened this page" in body
    assert ReviewerScore.objects.get(pk=newer.pk).score == "met", "the newer save stands"
    # BEL.2 was typed the same as what is saved now: no conflict there, and nothing lost by refusing.
    assert "BEL.2 again" not in body

    # Having read it, saving again from the page as it now is keeps what they typed.
    again = data | versions(body, responses) | {f"score-{bel1.pk}": "not_met", f"comment-{bel1.pk}": "Typed again."}
    assert client.post(url, again).status_code == 302
    assert ReviewerScore.objects.get(pk=newer.pk).score == "not_met"


def test_a_form_posted_without_versions_still_saves(client, lead):
    """A page from before versions (or a client that sends none) is not refused."""
    responses, data = fields(lead, "BEL")
    assert client.post(reverse("reviews:score_value", args=[lead.pk, "BEL"]), data).status_code == 302
    assert lead.scores.count() == len(responses)
