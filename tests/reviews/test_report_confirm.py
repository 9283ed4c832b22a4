"""Check before releasing the draft report or finalising it, and a confirmation page after each
(accreditation/views/confirm.py): the check page changes nothing; the confirmation does it once."""

import pytest
from django.urls import reverse

from accreditation.models import Assessment
from reviews.models import ReviewReport
from reviews.services.report import consensus_save, report_comments_send, report_save, visit_save
from reviews.services.scoring import review_submit, scores_save
from tests.conftest import due
from workflow.engine import transition
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_to_release(in_review, lead_reviewer):
    """Scores, consensus, visit and report in: the draft can go to the team."""
    for assignment in in_review.assignments.select_related("reviewer"):
        entries = {response.pk: ("met", "Good.") for response in in_review.responses.all()}
        scores_save(assignment=assignment, entries=entries, by=assignment.reviewer)
        review_submit(assignment=assignment, by=assignment.reviewer)
    consensus_save(
        assessment=in_review, entries={r.pk: ("met", "") for r in in_review.responses.all()}, by=lead_reviewer
    )
    visit_save(assessment=in_review, by=lead_reviewer, visited_on=due(), mode="online", met="Staff", findings="Good.")
    report_save(
        assessment=in_review, by=lead_reviewer, strengths="Warm.", areas_for_development="More.", action_points="Do."
    )
    return in_review


def state(assessment):
    report = ReviewReport.objects.get(assessment=assessment)
    return (
        Assessment.objects.get(pk=assessment.pk).status,
        report.released_at,
        report.finalised_at,
        AuditEvent.objects.count(),
    )


def test_the_report_page_links_to_the_check_page_which_changes_nothing(
    client, ready_to_release, lead_reviewer, django_capture_on_commit_callbacks
):
    """Releasing used to be one click on the report page, with no check of what would go to the team."""
    client.force_login(lead_reviewer)
    release = reverse("reviews:release", args=[ready_to_release.pk])
    page = client.get(reverse("reviews:report", args=[ready_to_release.pk])).content.decode()
    assert f'href="{release}">Release the draft report</a>' in page
    before = state(ready_to_release)
    with django_capture_on_commit_callbacks() as queued:
        page = client.get(release).content.decode()
        assert "Check the draft report before it goes to the team" in client.post(release).content.decode()
    assert "<h1>Check the draft report before it goes to the team</h1>" in page
    assert "20 standards of 20: 20 met" in page and "Warm." in page
    assert f'href="{reverse("reviews:report", args=[ready_to_release.pk])}#id_strengths"' in page
    assert "Confirm and release the draft report" in page and 'name="confirmed" value="yes"' in page
    assert state(ready_to_release) == before and not queued


def test_confirming_releases_once_and_shows_the_confirmation(
    client, ready_to_release, lead_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(lead_reviewer)
    release = reverse("reviews:release", args=[ready_to_release.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(release, {"confirmed": "yes"})
    released = reverse("reviews:released", args=[ready_to_release.pk])
    assert response["Location"] == released
    assert Assessment.objects.get(pk=ready_to_release.pk).status == "report_draft"
    page = client.get(released).content.decode()
    assert '<h1 class="confirmation-panel-title">Draft report released</h1>' in page
    assert f"<strong>{ready_to_release.reference}</strong>" in page and "What happens next" in page
    mails = len(mailoutbox)
    after = state(ready_to_release)
    again = client.post(release, {"confirmed": "yes"}, follow=True)
    assert again.redirect_chain[-1][0] == released
    assert "The draft report was already released to the team on" in again.content.decode()
    assert state(ready_to_release) == after and len(mailoutbox) == mails


def test_finalising_is_checked_warned_confirmed_once(client, ready_to_release, lead_reviewer, team_lead):
    transition(ready_to_release, to="report_draft", by=lead_reviewer)
    report_comments_send(assessment=ready_to_release, by=team_lead)
    client.force_login(lead_reviewer)
    finalise = reverse("reviews:finalise", args=[ready_to_release.pk])
    before = state(ready_to_release)
    page = client.get(finalise).content.decode()
    assert "<h1>Check the report before you finalise it</h1>" in page and "You cannot undo this." in page
    assert state(ready_to_release) == before
    response = client.post(finalise, {"confirmed": "yes"})
    assert response["Location"] == reverse("reviews:finalised", args=[ready_to_release.pk])
    assert "Report finalised" in client.get(response["Location"]).content.decode()
    assert Assessment.objects.get(pk=ready_to_release.pk).status == "report_final"
    again = client.post(finalise, {"confirmed": "yes"}, follow=True)
    assert "The report was already finalised on" in again.content.decode()
    assert AuditEvent.objects.filter(action="accreditation.assessment.report_finalised").count() == 1


def test_what_stands_in_the_way_shows_on_the_check_page_without_a_button(client, in_review, lead_reviewer):
    client.force_login(lead_reviewer)
    page = client.get(reverse("reviews:release", args=[in_review.pk])).content.decode()
    assert "Before you can do this" in page and 'name="confirmed"' not in page
    client.post(reverse("reviews:release", args=[in_review.pk]), {"confirmed": "yes"})
    assert Assessment.objects.get(pk=in_review.pk).status == "in_review"


def test_only_the_lead_reviewer_releases_and_confirmations_wait_for_the_move(
    client, ready_to_release, second_reviewer, lead_reviewer
):
    client.force_login(second_reviewer)
    release = reverse("reviews:release", args=[ready_to_release.pk])
    assert client.get(release).status_code == 403
    assert client.post(release, {"confirmed": "yes"}).status_code == 403
    released = reverse("reviews:released", args=[ready_to_release.pk])
    assert client.get(released)["Location"] == reverse("reviews:report", args=[ready_to_release.pk])
    assert Assessment.objects.get(pk=ready_to_release.pk).status == "in_review"


def test_the_check_and_confirmation_pages_have_a_fixed_number_of_queries(
    client, ready_to_release, lead_reviewer, django_assert_num_queries
):
    client.force_login(lead_reviewer)
    release = reverse("reviews:release", args=[ready_to_release.pk])
    # Session, user, the assessment, the permissions' reads, the report, the results (one query for every standard).
    with django_assert_num_queries(11):
        assert client.get(release).status_code == 200
    client.post(release, {"confirmed": "yes"})
    with django_assert_num_queries(6):
        assert client.get(reverse("reviews:released", args=[ready_to_release.pk])).status_code == 200
