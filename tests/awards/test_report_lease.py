"""Award reports whose worker stopped: the lease, the recovery task, a later worker taking over, and what the award
page says. (A real worker killed with SIGKILL is in test_races.py, on PostgreSQL.)"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardReport
from awards.services import REPORT_LEASE, report_retry
from awards.tasks import recover_stuck_reports, render_award_report
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db
R = AwardReport.Status


def left_generating(award, *, attempts=1, lease_left=datetime.timedelta(seconds=-1)) -> AwardReport:
    """The award's report as a worker that stopped while making it left it."""
    AwardReport.objects.filter(award=award).update(
        status=R.GENERATING, attempts=attempts, lease_expires_at=timezone.now() + lease_left, file=""
    )
    return award.reports.get()


def test_a_worker_takes_a_report_for_the_length_of_a_lease(awarded):
    report = awarded.reports.get()
    assert report.status == R.READY and report.attempts == 1 and report.lease_expires_at is None
    moves = AuditEvent.objects.filter(action="accreditation.award_report.generating", target_id=str(report.pk))
    assert moves.count() == 1


def test_while_the_lease_runs_nobody_takes_the_report_from_its_worker(awarded, administrator):
    report = left_generating(awarded, lease_left=REPORT_LEASE)
    assert render_award_report.call(report.pk) == "not queued"
    assert recover_stuck_reports.call() == "0 queued again, 0 failed"
    with pytest.raises(ValidationError, match=r"This report is still being made\. Wait until"):
        report_retry(report=report, by=administrator)
    report.refresh_from_db()
    assert report.status == R.GENERATING and report.attempts == 1


def test_the_first_stop_queues_the_report_again_and_the_second_fails_it_for_a_person_to_retry(
    awarded, administrator, django_capture_on_commit_callbacks
):
    report = left_generating(awarded, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_reports.call() == "1 queued again, 0 failed"
    report.refresh_from_db()
    assert report.status == R.READY and report.attempts == 2, "queued again, then made by the next worker"
    event = AuditEvent.objects.get(action="accreditation.award_report.requeued")
    assert event.actor is None and event.from_state == R.GENERATING and event.to_state == R.QUEUED

    report = left_generating(awarded, attempts=2)
    assert recover_stuck_reports.call() == "0 queued again, 1 failed"
    report.refresh_from_db()
    assert report.status == R.FAILED and "Try again" in report.error and report.lease_expires_at is None
    report_retry(report=report, by=administrator)
    report.refresh_from_db()
    assert report.status == R.QUEUED and report.attempts == 0 and report.error == ""


def test_a_later_worker_asked_to_make_the_report_takes_it_over(awarded):
    report = left_generating(awarded, attempts=1)
    assert render_award_report.call(report.pk) == "ready"
    report.refresh_from_db()
    assert report.status == R.READY and report.file and report.attempts == 2
    assert AuditEvent.objects.filter(action="accreditation.award_report.requeued", actor=None).count() == 1


def test_a_worker_that_overran_its_lease_does_not_record_over_the_one_that_took_over(awarded, monkeypatch):
    """The slow worker finishes after another took its report: its file is dropped, the other's work stands."""
    import awards.pdf

    report = awarded.reports.get()
    AwardReport.objects.filter(pk=report.pk).update(status=R.QUEUED, file="")
    real = awards.pdf.render_award_report

    def slow(award, version):
        rendered = real(award, version=version)
        AwardReport.objects.filter(pk=report.pk).update(attempts=5)  # another worker took it meanwhile
        return rendered

    monkeypatch.setattr(awards.pdf, "render_award_report", slow)
    assert render_award_report.call(report.pk) == "taken over"
    report.refresh_from_db()
    assert report.status == R.GENERATING and not report.file


def test_the_page_stops_polling_and_says_what_is_happening_once_the_lease_is_over(
    client, awarded, administrator, team_member
):
    url = reverse("awards:award", args=[awarded.reference])
    retry = reverse("awards:report_retry", args=[awarded.reference, 1])
    left_generating(awarded, lease_left=REPORT_LEASE)
    client.force_login(administrator)
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Being made" in page and retry not in page

    left_generating(awarded)
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page
    assert "This is taking longer than it should" in page and "You can also try again now" in page
    assert f'action="{retry}"' in page
    response = client.post(retry, follow=True)
    assert "The report is queued again." in response.content.decode()
    assert awarded.reports.get().status == R.QUEUED

    left_generating(awarded)
    client.force_login(team_member)
    page = client.get(url).content.decode()
    assert "This is taking longer than it should" in page and "try again now" not in page and retry not in page
