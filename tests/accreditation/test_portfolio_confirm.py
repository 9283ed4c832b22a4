"""Check your portfolio before submitting it, and a confirmation page after (accreditation/views/confirm.py)."""

import pytest
from django.urls import reverse

from accreditation.models import Assessment, Submission
from tests.conftest import complete
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_submit_page_is_a_check_page_that_changes_nothing(
    client, assessment, team_lead, django_capture_on_commit_callbacks
):
    complete(assessment, team_lead)
    client.force_login(team_lead)
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks() as queued:
        page = client.get(reverse("portfolio:submit", args=[assessment.pk])).content.decode()
    assert "<h1>Check your portfolio before you submit it</h1>" in page
    assert 'class="summary-list"' in page and assessment.reference in page
    assert "All 20 standards have a self-rating, a narrative and evidence" in page
    assert "20 met, 0 partly met, 0 not met" in page
    assert f'href="{reverse("portfolio:overview", args=[assessment.pk])}">Change' in page
    assert "What will happen" in page and "Confirm and submit the portfolio" in page
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"
    assert AuditEvent.objects.count() == events and not queued


def test_confirming_submits_once_and_shows_the_reference_and_what_happens_next(
    client, assessment, team_lead, mailoutbox, django_capture_on_commit_callbacks
):
    complete(assessment, team_lead)
    client.force_login(team_lead)
    url = reverse("portfolio:submit", args=[assessment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "on"})
    submitted = reverse("portfolio:submitted", args=[assessment.pk])
    assert response["Location"] == submitted
    page = client.get(submitted).content.decode()
    assert '<h1 class="confirmation-panel-title">Portfolio submitted</h1>' in page
    assert f"<strong>{assessment.reference}</strong>" in page and "What happens next" in page
    assert team_lead.full_name in page
    mails = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"confirm": "on"}, follow=True)
    assert again.redirect_chain[-1][0] == submitted
    assert "This portfolio was already sent to the reviewers on" in again.content.decode()
    assert Submission.objects.filter(assessment=assessment).count() == 1 and len(mailoutbox) == mails
    assert AuditEvent.objects.filter(action="accreditation.assessment.submitted").count() == 1


def test_the_confirmation_page_is_the_teams_only(client, assessment, team_lead, team_member, other_member):
    submitted = reverse("portfolio:submitted", args=[assessment.pk])
    client.force_login(team_lead)
    assert client.get(submitted)["Location"] == reverse("portfolio:overview", args=[assessment.pk]), "not yet sent"
    complete(assessment, team_lead)
    client.post(reverse("portfolio:submit", args=[assessment.pk]), {"confirm": "on"})
    client.force_login(team_member)
    assert client.get(submitted).status_code == 200
    client.force_login(other_member)
    assert client.get(submitted).status_code == 404


def test_the_confirmation_page_has_a_fixed_number_of_queries(client, assessment, team_lead, django_assert_num_queries):
    complete(assessment, team_lead)
    client.force_login(team_lead)
    client.post(reverse("portfolio:submit", args=[assessment.pk]), {"confirm": "on"})
    # Session, user, the assessment, the person's memberships, the latest submission.
    with django_assert_num_queries(5):
        assert client.get(reverse("portfolio:submitted", args=[assessment.pk])).status_code == 200
