"""Check before suspending, revoking, reinstating or recording the interim review of an award, and a confirmation
page after it (accreditation/views/confirm.py): the check page changes nothing, the confirmation does it once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Award, AwardReport
from tests.dates import date_fields
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db

REASON = "Safeguarding investigation under way."


def world_now(award):
    """What an action could change: the award's row, its report versions, the audit trail."""
    award = Award.objects.get(pk=award.pk)
    return (
        award.state,
        award.interim_completed_on,
        award.suspension_reason,
        AwardReport.objects.filter(award=award).count(),
        AuditEvent.objects.count(),
    )


def action(award, name):
    return reverse("awards:action", args=[award.reference, name])


def done(award, name):
    return reverse("awards:action_done", args=[award.reference, name])


def test_suspending_shows_what_will_happen_first_and_changes_nothing_until_confirmed(
    client, awarded, administrator, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    before = world_now(awarded)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(action(awarded, "suspend"), {"reason": REASON})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Check before you suspend the award</h1>" in page
    assert f"Award {awarded.reference} will be suspended." in page
    assert "You can lift the suspension later" in page
    assert REASON in page and 'class="summary-list"' in page
    assert f'<input type="hidden" name="reason" value="{REASON}">' in page
    assert 'name="confirmed" value="yes"' in page and "Confirm and suspend the award" in page
    assert f'formaction="{action(awarded, "suspend")}#id_reason"' in page, "Change goes back to the reason"
    assert world_now(awarded) == before and not queued, "the check page changed nothing and queued nothing"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action(awarded, "suspend"), {"reason": REASON, "confirmed": "yes"})
    assert response["Location"] == done(awarded, "suspend")
    awarded.refresh_from_db()
    assert awarded.state == "suspended" and awarded.suspension_reason == REASON
    assert AuditEvent.objects.filter(action="accreditation.award.suspended").count() == 1

    page = client.get(response["Location"]).content.decode()
    assert '<h1 class="confirmation-panel-title">Award suspended</h1>' in page
    assert f"<strong>{awarded.reference}</strong>" in page and REASON in page
    assert "What happens next" in page and reverse("awards:award", args=[awarded.reference]) in page


def test_a_second_confirm_does_not_suspend_twice_and_says_so(client, awarded, administrator):
    client.force_login(administrator)
    client.post(action(awarded, "suspend"), {"reason": REASON, "confirmed": "yes"})
    after_first = world_now(awarded)
    response = client.post(action(awarded, "suspend"), {"reason": REASON, "confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == done(awarded, "suspend")
    assert f"Award {awarded.reference} is already suspended; nothing was changed." in response.content.decode()
    assert world_now(awarded) == after_first


def test_change_goes_back_to_the_reason_with_what_was_typed(client, awarded, administrator):
    client.force_login(administrator)
    before = world_now(awarded)
    page = client.post(action(awarded, "suspend"), {"reason": REASON, "change": "id_reason"}).content.decode()
    assert "<h1>Suspend the award</h1>" in page and f">{REASON}</textarea>" in page
    assert "There is a problem" not in page
    assert world_now(awarded) == before


def test_revoking_warns_it_cannot_be_undone_and_confirms_with_the_reference(client, awarded, administrator):
    client.force_login(administrator)
    before = world_now(awarded)
    page = client.post(action(awarded, "revoke"), {"reason": "Fraud."}).content.decode()
    assert "You cannot undo this: a revoked award cannot be reinstated." in page
    assert "Confirm and revoke the award" in page
    assert world_now(awarded) == before
    response = client.post(action(awarded, "revoke"), {"reason": "Fraud.", "confirmed": "yes"}, follow=True)
    page = response.content.decode()
    assert "Award revoked" in page and awarded.reference in page
    awarded.refresh_from_db()
    assert awarded.state == "revoked"
    again = client.post(action(awarded, "revoke"), {"reason": "Fraud.", "confirmed": "yes"}, follow=True)
    assert "is already revoked; nothing was changed." in again.content.decode()
    assert AuditEvent.objects.filter(action="accreditation.award.revoked").count() == 1


def test_lifting_a_suspension_is_checked_and_confirmed(client, awarded, administrator):
    client.force_login(administrator)
    client.post(action(awarded, "suspend"), {"reason": REASON, "confirmed": "yes"})
    before = world_now(awarded)
    page = client.post(action(awarded, "reinstate"), {"reason": "Investigation closed."}).content.decode()
    assert "<h1>Check before you lift the suspension</h1>" in page and "Confirm and lift the suspension" in page
    assert world_now(awarded) == before
    response = client.post(action(awarded, "reinstate"), {"reason": "Investigation closed.", "confirmed": "yes"})
    assert response["Location"] == done(awarded, "reinstate")
    assert "Suspension lifted" in client.get(response["Location"]).content.decode()
    awarded.refresh_from_db()
    assert awarded.state == "in_force"


def test_the_interim_review_check_page_asks_its_date_and_refuses_a_future_one(client, awarded, administrator):
    """It used to be recorded as completed "today" on one click."""
    client.force_login(administrator)
    before = world_now(awarded)
    page = client.get(action(awarded, "interim")).content.decode()
    assert "<h1>Check before you record the interim review</h1>" in page
    assert "Date the interim review was completed" in page
    today = timezone.localdate()
    assert f'name="completed_on_day" value="{today.day}"' in page, "today is offered, and can be changed"
    tomorrow = today + datetime.timedelta(days=1)
    response = client.post(action(awarded, "interim"), {"confirmed": "yes", **date_fields("completed_on", tomorrow)})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and "cannot be in the future" in page
    assert 'href="#id_completed_on_0"' in page
    empty = client.post(action(awarded, "interim"), {"confirmed": "yes"}).content.decode()
    assert "Enter the date the interim review was completed" in empty
    assert world_now(awarded) == before
    response = client.post(action(awarded, "interim"), {"confirmed": "yes", **date_fields("completed_on", today)})
    assert response["Location"] == done(awarded, "interim")
    page = client.get(response["Location"]).content.decode()
    assert "Interim review recorded" in page and awarded.reference in page and f"{today:%-d %B %Y}" in page
    again = client.post(action(awarded, "interim"), {"confirmed": "yes", **date_fields("completed_on", today)})
    assert again["Location"] == done(awarded, "interim")
    assert "already recorded as completed on" in client.get(again["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="accreditation.award.interim_review_completed").count() == 1


def test_confirmation_pages_are_for_those_who_manage_the_award(client, awarded, administrator, team_lead, other_member):
    client.force_login(administrator)
    client.post(action(awarded, "suspend"), {"reason": REASON, "confirmed": "yes"})
    assert client.get(done(awarded, "suspend")).status_code == 200
    assert client.get(done(awarded, "revoke"))["Location"] == reverse("awards:award", args=[awarded.reference])
    assert client.get(done(awarded, "unknown")).status_code == 404
    client.force_login(team_lead)
    assert client.get(done(awarded, "suspend"))["Location"] == reverse("awards:award", args=[awarded.reference])
    client.force_login(other_member)
    assert client.get(done(awarded, "suspend")).status_code == 404


def test_the_check_and_confirmation_pages_have_a_fixed_number_of_queries(
    client, awarded, administrator, django_assert_num_queries
):
    client.force_login(administrator)
    for version in range(2, 6):
        AwardReport.objects.create(award=awarded, version=version, reason="More", status="ready")
    # Session, user, the award with its service and organisation (the permissions read no more).
    with django_assert_num_queries(3):
        assert client.get(action(awarded, "interim")).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(action(awarded, "suspend")).status_code == 200
    client.post(action(awarded, "suspend"), {"reason": REASON, "confirmed": "yes"})
    with django_assert_num_queries(3):
        assert client.get(done(awarded, "suspend")).status_code == 200
