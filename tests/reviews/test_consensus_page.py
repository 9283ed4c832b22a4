"""Issue 13: the consensus page starts from what the reviewers agree on, shows each problem on its row, and is
split by value with a summary at the top."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.models import ConsensusScore
from reviews.services.report import consensus_save, report_release_problems
from reviews.services.scoring import review_submit

from .test_workflow import score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(in_review, lead_reviewer, second_reviewer):
    """Both reviewers submitted: Met everywhere, except that the second scored BEL.1 and SAF.2 Partly met."""
    for person, exceptions in ((lead_reviewer, {}), (second_reviewer, {"BEL.1": "partly_met", "SAF.2": "partly_met"})):
        assignment = in_review.assignments.get(reviewer=person)
        score_all(assignment, person, exceptions=exceptions)
        review_submit(assignment=assignment, by=person)
    return in_review


def response(assessment, code):
    return assessment.responses.get(standard__code=code)


def selected(page, pk) -> str:
    """The score chosen in the consensus drop-down of response `pk`, or ""."""
    select = re.search(rf'<select[^>]*name="consensus-{pk}".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option value="(\w*)" selected>', select)
    return chosen.group(1) if chosen else ""


def entries_from(page, assessment) -> dict[str, str]:
    """The consensus form as the page fills it in: what pressing Save without changing anything would post."""
    data = {}
    for item in assessment.responses.all():
        data[f"consensus-{item.pk}"] = selected(page, item.pk)
        reason = re.search(rf'<textarea[^>]*name="reason-{item.pk}"[^>]*>(.*?)</textarea>', page, re.S).group(1)
        data[f"reason-{item.pk}"] = reason
    return data


def test_the_scores_every_reviewer_agrees_on_are_filled_in_but_not_saved(client, scored, lead_reviewer):
    client.force_login(lead_reviewer)
    page = client.get(reverse("reviews:consensus", args=[scored.pk])).content.decode()
    assert selected(page, response(scored, "BEL.2").pk) == "met"
    assert selected(page, response(scored, "BEL.1").pk) == "", "where the reviewers disagree the lead chooses"
    assert selected(page, response(scored, "SAF.2").pk) == ""
    assert page.count("Agreed by all reviewers</span>") == scored.responses.count() - 2
    assert page.count("Filled in from the reviewers' scores") == scored.responses.count() - 2
    assert not ConsensusScore.objects.exists(), "a page view stores nothing"


def test_a_saved_consensus_wins_over_the_reviewers_agreement(client, scored, lead_reviewer):
    bel2 = response(scored, "BEL.2")
    consensus_save(assessment=scored, entries={bel2.pk: ("not_met", "The visit showed otherwise.")}, by=lead_reviewer)
    client.force_login(lead_reviewer)
    page = client.get(reverse("reviews:consensus", args=[scored.pk])).content.decode()
    assert selected(page, bel2.pk) == "not_met"
    assert "The visit showed otherwise." in page
    assert page.count("Filled in from the reviewers' scores") == scored.responses.count() - 3


def test_saving_the_filled_in_page_leaves_the_disagreements_to_do(client, scored, lead_reviewer):
    client.force_login(lead_reviewer)
    url = reverse("reviews:consensus", args=[scored.pk])
    response_ = client.post(url, entries_from(client.get(url).content.decode(), scored))
    assert response_.status_code == 302
    assert ConsensusScore.objects.count() == scored.responses.count() - 2
    assert "2 standards still need a consensus score." in report_release_problems(scored)
    page = client.get(url).content.decode()
    assert "Filled in from the reviewers' scores" not in page
    summary = page[page.index('id="values-heading"') : page.index('id="agreement-heading"')]
    assert '<a href="#value-BEL">' in summary and 'id="value-BEL"' in page
    bel = summary[summary.index("#value-BEL") : summary.index("#value-BOU")]
    assert "Reviewers agree on 1 · disagree on <strong>1</strong> · consensus saved for 1 of 2" in bel


def test_a_missing_reason_shows_on_its_row_and_the_summary_links_to_it(client, scored, lead_reviewer):
    client.force_login(lead_reviewer)
    url = reverse("reviews:consensus", args=[scored.pk])
    data = entries_from(client.get(url).content.decode(), scored)
    bel1, saf2, bel2 = (response(scored, code) for code in ("BEL.1", "SAF.2", "BEL.2"))
    data[f"consensus-{bel1.pk}"] = "partly_met"
    data[f"consensus-{saf2.pk}"] = "met"
    data[f"reason-{saf2.pk}"] = "Seen at the visit."
    data[f"reason-{bel2.pk}"] = "Typed and not yet saved."
    page = client.post(url, data)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'<a href="#reason-{bel1.pk}" class="alert-link">Reason for BEL.1: ' in body
    assert body.count('class="alert-link"') == 1, "only the row without its reason"
    error = f'<p class="invalid-feedback d-block mb-1" id="reason-{bel1.pk}-error">'
    assert error in body and "The reviewers disagreed, so give the reason for this consensus score." in body
    assert f'id="reason-{bel1.pk}" rows="2" maxlength="3000" aria-describedby="reason-{bel1.pk}-error"' in body
    assert selected(body, bel1.pk) == "partly_met" and selected(body, saf2.pk) == "met"
    assert "Seen at the visit." in body and "Typed and not yet saved." in body, "nothing typed is lost"
    assert not ConsensusScore.objects.exists()


def test_the_service_names_the_reason_of_each_standard_missing_one(scored, lead_reviewer):
    bel1, saf2 = response(scored, "BEL.1"), response(scored, "SAF.2")
    entries = {bel1.pk: ("met", " "), saf2.pk: ("not_met", ""), response(scored, "BEL.2").pk: ("met", "")}
    with pytest.raises(ValidationError) as raised:
        consensus_save(assessment=scored, entries=entries, by=lead_reviewer)
    assert set(raised.value.error_dict) == {f"reason-{bel1.pk}", f"reason-{saf2.pk}"}
    assert raised.value.message_dict[f"reason-{saf2.pk}"] == [
        "The reviewers disagreed, so give the reason for this consensus score."
    ]
