"""Races and crashes around decisions and award reports, reproduced the way they happened: real threads and a real
task worker process against PostgreSQL."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accreditation.models import Assessment
from accreditation.services.assessments import assessment_start
from awards.models import Award, AwardReport
from awards.services import PanelSeat, decision_record, report_retry
from awards.tasks import recover_stuck_reports
from tests.conftest import PANEL
from tests.factories import MembershipFactory, UserFactory
from tests.workers import DATABASE_BACKEND, kill_when, run_worker_until_idle, start_worker
from workflow.models import AuditEvent

R = AwardReport.Status

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions and row locks need PostgreSQL"
)


def report_final_portfolio():
    """A portfolio of a service of its own whose review report is final (set directly: the review is not the point)."""
    lead = MembershipFactory(role="lead").user
    assessment = assessment_start(service=lead.memberships.get().service, by=lead)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.REPORT_FINAL)
    return assessment


def award_at_once(assessments, administrator, today):
    """Each assessment decided Awarded in its own thread, all released at the same moment. Returns the errors."""
    start = threading.Barrier(len(assessments))
    errors = []

    def award(assessment):
        try:
            start.wait(timeout=10)
            decision_record(
                assessment=assessment,
                by=administrator,
                outcome="awarded",
                decided_on=today,
                rationale="Meets the standards.",
                override_reason="The panel read the evidence itself.",
                panel=[PanelSeat(*seat) for seat in PANEL],
            )
        except Exception as error:  # what a web worker would have turned into a 500
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(assessment,)) for assessment in assessments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_services_awarded_at_the_same_moment_get_different_references(edition, settings):
    """30 attempts, each two decisions for different services at once: before, 16 of 30 ended in a 500 (duplicate
    reference; 27 of 30 when measured again). Every award now gets the next reference of its year, none twice."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    administrator = UserFactory(is_administrator=True)
    today = timezone.localdate()
    attempts, collisions = 30, 0
    for _ in range(attempts):
        pair = [report_final_portfolio() for _ in range(2)]
        if award_at_once(pair, administrator, today):
            collisions += 1
    print(f"\nreference collisions: {collisions}/{attempts}")
    assert collisions == 0
    references = list(Award.objects.values_list("reference", flat=True))
    assert len(references) == 2 * attempts
    assert sorted(references) == [f"EE-{today.year}-{number:04d}" for number in range(1, 2 * attempts + 1)]


def stuck_reports(administrator, media_root, count: int) -> list[AwardReport]:
    """`count` awards, each of whose report a real task worker was making when it was killed (SIGKILL)."""
    for _ in range(count):
        assert not award_at_once([report_final_portfolio()], administrator, timezone.localdate())
    reports = list(AwardReport.objects.order_by("pk"))
    for report in reports:
        worker = start_worker(media_root)
        kill_when(worker, lambda report=report: AwardReport.objects.get(pk=report.pk).status == R.GENERATING)
    return reports


def let_the_leases_run_out() -> None:
    """What ten minutes do: every lease is over, and the dead workers' task rows started before it ran out (the test
    does not wait; moving only the lease could leave it ending before a row that started under a second ago)."""
    AwardReport.objects.filter(status=R.GENERATING).update(
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    DBTaskResult.objects.running().update(started_at=F("started_at") - datetime.timedelta(minutes=11))


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_reports_whose_worker_was_killed_while_making_them_are_recovered(edition, settings, tmp_path, client):
    """Before: a worker killed while making a report left it generating for ever (2 of 2), its task row RUNNING, the
    page polling, and a retry refused. Now the recovery task, run by a real worker, queues each again and the
    reports are made; the dead worker's task rows are failed."""
    settings.TASKS = DATABASE_BACKEND
    media = tmp_path / "media"
    administrator = UserFactory(is_administrator=True)
    reports = stuck_reports(administrator, media, 2)
    dead_rows = set(DBTaskResult.objects.running().values_list("pk", flat=True))
    assert len(dead_rows) == 2
    # While the lease runs, the page says it is being made and the report cannot be taken from its worker.
    client.force_login(administrator)
    page = client.get(reverse("awards:award", args=[reports[0].award.reference])).content.decode()
    assert "Being made" in page and 'hx-trigger="every 2s"' in page
    with pytest.raises(ValidationError, match="still being made"):
        report_retry(report=reports[0], by=administrator)

    let_the_leases_run_out()
    page = client.get(reverse("awards:award", args=[reports[0].award.reference])).content.decode()
    assert "This is taking longer than it should" in page and "You can also try again now" in page
    assert "hx-trigger" not in page and "Try again" in page

    recover_stuck_reports.enqueue()
    run_worker_until_idle(media)
    stuck = AwardReport.objects.filter(status=R.GENERATING).count()
    print(f"\nstuck reports after: {stuck}/{len(reports)}")
    assert stuck == 0
    assert set(AwardReport.objects.values_list("status", flat=True)) == {R.READY}
    for report in AwardReport.objects.all():
        assert report.file and report.attempts == 2 and report.lease_expires_at is None
    for row in DBTaskResult.objects.filter(pk__in=dead_rows):
        assert row.status == "FAILED" and row.exception_class_path == "awards.tasks.WorkerStopped"
    assert not DBTaskResult.objects.running().exists()
    assert AuditEvent.objects.filter(action="accreditation.award_report.requeued", actor=None).count() == 2


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_recoveries_at_once_recover_each_report_once(edition, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    administrator = UserFactory(is_administrator=True)
    for _ in range(6):
        assert not award_at_once([report_final_portfolio()], administrator, timezone.localdate())
    AwardReport.objects.update(status=R.GENERATING, attempts=1)
    let_the_leases_run_out()
    start = threading.Barrier(2)
    results = []

    def recover():
        try:
            start.wait(timeout=10)
            results.append(recover_stuck_reports.call())
        finally:
            connection.close()

    threads = [threading.Thread(target=recover) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    assert set(AwardReport.objects.values_list("status", flat=True)) == {R.QUEUED}
    assert AuditEvent.objects.filter(action="accreditation.award_report.requeued").count() == 6


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_administrators_deciding_the_same_portfolio_at_once_record_one_decision(report_final, administrator):
    """The second is told whose decision was recorded, not "a decision can be recorded once the report is final"."""
    from django.test import Client

    from tests.awards.test_decision_views import decision_data

    colleague = UserFactory(is_administrator=True, full_name="Cleo Colleague")
    url = reverse("awards:decision", args=[report_final.pk])
    clients = []
    for person in (administrator, colleague):
        client = Client()
        client.force_login(person)
        clients.append(client)
    start = threading.Barrier(2)
    responses = {}

    def record(client, outcome):
        try:
            start.wait(timeout=10)
            responses[outcome] = client.post(url, decision_data(outcome=outcome, override_reason="Because."))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=record, args=(client, outcome))
        for client, outcome in zip(clients, ("awarded", "not_awarded"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    decision = report_final.decisions.select_related("recorded_by").get()
    assert {response.status_code for response in responses.values()} == {302}
    loser = clients[1] if decision.outcome == "awarded" else clients[0]
    page = loser.get(url).content.decode()
    assert f"{decision.recorded_by.full_name} recorded the panel" in page and "Yours was not recorded" in page
    assert f"#decision-{decision.pk}" in page
