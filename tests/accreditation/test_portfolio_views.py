"""The portfolio pages as the team uses them."""

import pytest
from django.urls import reverse

from accreditation.models import Assessment, Response
from accreditation.services.assessments import assessment_start, response_save
from accreditation.services.evidence import evidence_create, evidence_link
from tests.conftest import complete
from tests.factories import MembershipFactory, edition_with
from tests.files import upload
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def portfolio_of_size(standards_per_value: int, evidence_items: int):
    """A draft portfolio where every standard is answered and linked to `evidence_items` items."""
    edition_with(standards_per_value=standards_per_value)
    lead = MembershipFactory(role="lead").user
    service = lead.memberships.get().service
    assessment = assessment_start(service=service, by=lead)
    items = [
        evidence_create(service=service, by=lead, owner=lead, no_personal_data=True, title=f"Item {n}")
        for n in range(evidence_items)
    ]
    for response in assessment.responses.select_related("assessment", "standard"):
        response_save(response=response, rating="met", narrative="Done.", expected_version=0, by=lead)
        for item in items:
            evidence_link(response=response, evidence=item, by=lead)
    return assessment, lead


# Session, user, the assessment, the person's memberships (for permissions), then the page's own reads:
# overview, value and submit read the responses once (once a report can exist, the overview also asks whether it is
# out: one more);
# the standard page reads the response, its links, the
# neighbouring standards, and the library items that could still be linked (exists + list).
PAGES = {
    "overview": (lambda a: reverse("portfolio:overview", args=[a.pk]), 5),
    "value": (lambda a: reverse("portfolio:value", args=[a.pk, "BOU"]), 5),
    "standard": (lambda a: reverse("portfolio:standard", args=[a.pk, "BOU.1"]), 8),
    "submit": (lambda a: reverse("portfolio:submit", args=[a.pk]), 5),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("standards_per_value", "evidence_items"), [(1, 2), (10, 20)])
def test_portfolio_pages_have_a_fixed_number_of_queries(
    client, django_assert_num_queries, page, standards_per_value, evidence_items
):
    assessment, lead = portfolio_of_size(standards_per_value, evidence_items)
    url, queries = PAGES[page]
    client.force_login(lead)
    with django_assert_num_queries(queries):
        response = client.get(url(assessment))
    assert response.status_code == 200


def test_the_overview_shows_progress_per_value_and_what_is_missing(client, assessment, team_member, make_evidence):
    evidence = make_evidence()
    response = assessment.responses.select_related("assessment", "standard").get(standard__code="BEL.1")
    response_save(response=response, rating="partly_met", narrative="We do.", expected_version=0, by=team_member)
    evidence_link(response=response, evidence=evidence, by=team_member)
    client.force_login(team_member)
    page = client.get(reverse("portfolio:overview", args=[assessment.pk])).content.decode()
    assert "1 of 20 standards complete" in page
    assert f'aria-label="{response.standard.value.name}: 1 of 2 complete"' in page
    assert "0 met, 1 partly met, 0 not met" in page
    assert reverse("portfolio:standard", args=[assessment.pk, "BEL.2"]) in page
    assert "days left" in page


def test_saving_a_response_from_the_standard_page(client, assessment, team_member):
    client.force_login(team_member)
    url = reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    response = client.post(url, {"rating": "met", "narrative": "First line\r\nSecond line", "version": 0}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "BEL.1 saved." in response.content.decode()
    saved = Response.objects.get(assessment=assessment, standard__code="BEL.1")
    assert (saved.rating, saved.narrative, saved.version) == ("met", "First line\nSecond line", 1)


def test_save_and_next_goes_to_the_next_standard(client, assessment, team_member):
    client.force_login(team_member)
    response = client.post(
        reverse("portfolio:standard", args=[assessment.pk, "BEL.2"]),
        {"rating": "met", "narrative": "x", "version": 0, "save_next": "1"},
    )
    assert response["Location"] == reverse("portfolio:standard", args=[assessment.pk, "BOU.1"])


def test_a_narrative_that_is_too_long_is_shown_again_with_the_text_intact(client, assessment, team_member):
    client.force_login(team_member)
    text = "Our story. " * 1000
    response = client.post(
        reverse("portfolio:standard", args=[assessment.pk, "BEL.1"]), {"rating": "met", "narrative": text, "version": 0}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert text.strip() in page
    assert Response.objects.get(assessment=assessment, standard__code="BEL.1").version == 0


def test_a_concurrent_edit_is_refused_and_shows_both_versions(client, assessment, team_member, team_lead):
    url = reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    client.force_login(team_lead)
    client.post(url, {"rating": "met", "narrative": "The lead's version", "version": 0})
    client.force_login(team_member)
    response = client.post(url, {"rating": "not_met", "narrative": "The member's version", "version": 0})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this standard while you were editing" in page
    assert "Lena Lead" in page
    assert "The lead&#x27;s version" in page
    assert "The member&#x27;s version" in page
    assert 'name="version" value="1"' in page
    saved = Response.objects.get(assessment=assessment, standard__code="BEL.1")
    assert (saved.narrative, saved.version) == ("The lead's version", 1)
    client.post(url, {"rating": "not_met", "narrative": "Merged version", "version": 1})
    saved.refresh_from_db()
    assert (saved.narrative, saved.version) == ("Merged version", 2)


def test_linking_and_unlinking_evidence_from_the_standard_page(client, assessment, team_member, make_evidence):
    evidence = make_evidence(title="Minutes of May")
    client.force_login(team_member)
    page = client.get(reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])).content.decode()
    assert "Minutes of May" in page
    client.post(reverse("portfolio:link", args=[assessment.pk, "BEL.1"]), {"evidence": evidence.pk})
    response = Response.objects.get(assessment=assessment, standard__code="BEL.1")
    assert list(response.evidence.all()) == [evidence]
    client.post(reverse("portfolio:unlink", args=[assessment.pk, "BEL.1", evidence.pk]))
    assert not response.evidence.exists()


def test_the_submit_page_lists_exactly_what_is_missing(client, assessment, team_lead, make_evidence):
    client.force_login(team_lead)
    response = client.get(reverse("portfolio:submit", args=[assessment.pk]))
    page = response.content.decode()
    assert "20 standards still need something" in page
    for response_ in assessment.responses.select_related("standard"):
        assert reverse("portfolio:standard", args=[assessment.pk, response_.standard.code]) in page
    assert "self-rating, narrative, evidence" in page
    client.post(reverse("portfolio:submit", args=[assessment.pk]), {"confirm": "on"})
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def test_submitting_needs_confirmation_then_freezes_the_portfolio(
    client, assessment, team_lead, administrator, mailoutbox, django_capture_on_commit_callbacks
):
    complete(assessment, team_lead)
    client.force_login(team_lead)
    url = reverse("portfolio:submit", args=[assessment.pk])
    response = client.post(url, {})
    assert "Tick the box to confirm" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "on"}, follow=True)
    assert "Portfolio submitted" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert len(mailoutbox) == 1
    page = client.get(reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])).content.decode()
    assert "Status: submitted" in page
    assert 'name="narrative"' not in page


def test_a_team_member_cannot_submit(client, assessment, team_member, team_lead):
    complete(assessment, team_lead)
    client.force_login(team_member)
    assert client.get(reverse("portfolio:submit", args=[assessment.pk])).status_code == 403
    assert client.post(reverse("portfolio:submit", args=[assessment.pk]), {"confirm": "on"}).status_code == 403


def test_a_submitted_portfolio_cannot_be_changed_through_any_url(client, assessment, team_lead, make_evidence):
    sent = complete(assessment, team_lead)
    client.force_login(team_lead)
    client.post(reverse("portfolio:submit", args=[assessment.pk]), {"confirm": "on"})
    spare = make_evidence(by=team_lead, title="Spare", upload=upload("minutes.txt"))
    events = AuditEvent.objects.count()
    attempts = [
        (
            reverse("portfolio:standard", args=[assessment.pk, "BEL.1"]),
            {"rating": "not_met", "narrative": "x", "version": 1},
        ),
        (reverse("portfolio:link", args=[assessment.pk, "BEL.1"]), {"evidence": spare.pk}),
        (reverse("portfolio:unlink", args=[assessment.pk, "BEL.1", sent.pk]), {}),
        (reverse("portfolio:submit", args=[assessment.pk]), {"confirm": "on"}),
        (reverse("evidence:links", args=[sent.pk]), {"responses": []}),
        (reverse("evidence:delete", args=[sent.pk]), {}),
        (reverse("services:start", args=[assessment.service_id]), {}),
    ]
    for url, data in attempts:
        response = client.post(url, data)
        assert response.status_code in (200, 302, 403), url
    assert AuditEvent.objects.count() == events, "nothing changed"
    saved = Response.objects.get(assessment=assessment, standard__code="BEL.1")
    assert (saved.rating, saved.version) == ("met", 1)
    assert saved.evidence.count() == 1
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_the_team_lead_starts_a_portfolio_from_the_service_page(client, edition, team_lead, service):
    client.force_login(team_lead)
    page = client.get(reverse("services:detail", args=[service.pk])).content.decode()
    assert "Start the portfolio" in page
    response = client.post(reverse("services:start", args=[service.pk]))
    assessment = Assessment.objects.get(service=service)
    assert response["Location"] == reverse("portfolio:overview", args=[assessment.pk])


def test_a_team_member_sees_the_portfolio_on_the_home_page(client, assessment, team_member):
    client.force_login(team_member)
    page = client.get(reverse("home")).content.decode()
    assert "0 of 20 standards complete" in page
    assert reverse("portfolio:overview", args=[assessment.pk]) in page


def test_the_overview_links_to_the_report_once_it_is_released(
    client, report_final, team_member, django_assert_num_queries
):
    client.force_login(team_member)
    url = reverse("portfolio:overview", args=[report_final.pk])
    with django_assert_num_queries(PAGES["overview"][1] + 1):  # the report can exist now: one more read
        page = client.get(url).content.decode()
    assert reverse("reviews:team_report", args=[report_final.pk]) in page


def test_a_returned_portfolio_offers_the_team_lead_a_resubmission(client, submitted, team_lead, team_member):
    Assessment.objects.filter(pk=submitted.pk).update(status="returned")  # as if the reviewers had sent it back
    overview = reverse("portfolio:overview", args=[submitted.pk])
    submit = reverse("portfolio:submit", args=[submitted.pk])
    client.force_login(team_member)
    page = client.get(overview).content.decode()
    assert submit not in page and "your team lead submits the portfolio" in page
    assert client.get(submit).status_code == 403
    client.force_login(team_lead)
    page = client.get(overview).content.decode()
    assert f'href="{submit}">Resubmit the portfolio</a>' in page
    page = client.get(submit).content.decode()
    assert "<h1>Check your portfolio before you resubmit it</h1>" in page
    response = client.post(submit, {"confirm": "on"}, follow=True)
    assert "Portfolio resubmitted" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.RESUBMITTED
    assert submit not in client.get(overview).content.decode()


def test_the_overview_links_to_the_decision_once_the_panel_has_decided(
    client, report_final, administrator, team_member
):
    from tests.conftest import decide

    client.force_login(team_member)
    url = reverse("portfolio:overview", args=[report_final.pk])
    decision = reverse("awards:decision", args=[report_final.pk])
    assert decision not in client.get(url).content.decode()
    decide(report_final, administrator)
    page = client.get(url).content.decode()
    assert f'href="{decision}">read the decision</a>' in page


def tags(page: str) -> dict[str, str]:
    """The task list's tag per value code, as the overview shows it."""
    import re

    return dict(re.findall(r'<strong class="badge task-tag[^"]*" id="task-status-(\w+)">([^<]+)</strong>', page))


def test_the_overview_is_a_task_list_with_a_status_per_value(client, assessment, team_member, make_evidence):
    """Before: a table of counts, with nothing that said which values were done, started or untouched."""
    evidence = make_evidence()
    complete_value = assessment.responses.select_related("assessment", "standard").filter(standard__value__code="BEL")
    for response in complete_value:
        response_save(response=response, rating="met", narrative="Done.", expected_version=0, by=team_member)
        evidence_link(response=response, evidence=evidence, by=team_member)
    started = assessment.responses.select_related("assessment", "standard").get(standard__code="BOU.2")
    response_save(response=started, rating="", narrative="A first thought.", expected_version=0, by=team_member)
    client.force_login(team_member)
    page = client.get(reverse("portfolio:overview", args=[assessment.pk])).content.decode()
    status = tags(page)
    assert (status["BEL"], status["BOU"], status["COM"]) == ("Completed", "In progress", "Not started")
    assert len(status) == 10
    assert 'aria-describedby="task-status-BOU"' in page
    assert "Still missing: " in page and reverse("portfolio:standard", args=[assessment.pk, "BOU.1"]) in page


def test_a_returned_portfolio_tags_the_values_that_need_action(
    client, in_review, lead_reviewer, team_member, django_assert_num_queries
):
    from reviews.services.rounds import portfolio_return

    bel = in_review.responses.select_related("standard").get(standard__code="BEL.1")
    portfolio_return(assessment=in_review, by=lead_reviewer, overall="Involve residents.", per_standard=[(bel, "Do.")])
    client.force_login(team_member)
    # The overview's reads, and the action points of the return (which round, then its points).
    with django_assert_num_queries(PAGES["overview"][1] + 2):
        page = client.get(reverse("portfolio:overview", args=[in_review.pk])).content.decode()
    status = tags(page)
    assert status["BEL"] == "Returned: action needed"
    assert status["BOU"] == "Completed"


@pytest.mark.parametrize(("standards_per_value", "evidence_items"), [(1, 2), (10, 20)])
def test_linking_with_htmx_has_a_fixed_number_of_queries(
    client, django_assert_num_queries, standards_per_value, evidence_items
):
    """The evidence part that comes back to htmx after a link: its reads do not grow with the library."""
    assessment, lead = portfolio_of_size(standards_per_value, evidence_items)
    extra = evidence_create(
        service=assessment.service, by=lead, owner=lead, no_personal_data=True, title="One more item"
    )
    client.force_login(lead)
    url = reverse("portfolio:link", args=[assessment.pk, "BOU.1"])
    from django.db import connection

    # On PostgreSQL the write takes its locks with two statements more than on SQLite.
    with django_assert_num_queries(21 if connection.vendor == "postgresql" else 19):
        response = client.post(url, {"evidence": extra.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "“One more item” now supports BOU.1." in response.content.decode()
