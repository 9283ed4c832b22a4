"""Task rows a killed worker left RUNNING are failed by workflow.tasks.recover_abandoned_tasks, whatever the task."""

import datetime
import signal
import subprocess
import sys
import threading
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.workers import worker_environment
from workflow.models import WorkerHeartbeat
from workflow.scheduler import UNKNOWN_WORKER_GRACE, fail_abandoned_tasks
from workflow.tasks import recover_abandoned_tasks

from .slow_tasks import sleep

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL): real threads and processes"
)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKER_STALE_SECONDS = 60


def running_row(worker_id: str, *, started_ago: datetime.timedelta = datetime.timedelta(0)) -> DBTaskResult:
    row = DBTaskResult.objects.get(pk=sleep.enqueue(1).id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - started_ago)
    return row


def beat(worker_id: str, *, ago: datetime.timedelta) -> None:
    WorkerHeartbeat.objects.create(worker_id=worker_id, seen_at=timezone.now() - ago)


def status(row: DBTaskResult) -> str:
    row.refresh_from_db()
    return row.status


def test_rows_of_dead_workers_fail_and_live_ones_carry_on(db, database_tasks):
    beat("alive", ago=datetime.timedelta(seconds=5))
    beat("dead", ago=datetime.timedelta(seconds=61))
    alive = running_row("alive", started_ago=datetime.timedelta(hours=2))
    dead = running_row("dead")
    # No heartbeat at all (a plain db_worker): only a row older than the grace period is taken for abandoned.
    unknown_recent = running_row("plain", started_ago=UNKNOWN_WORKER_GRACE - datetime.timedelta(minutes=1))
    unknown_old = running_row("plain", started_ago=UNKNOWN_WORKER_GRACE + datetime.timedelta(minutes=1))
    waiting = DBTaskResult.objects.get(pk=sleep.enqueue(1).id)

    assert recover_abandoned_tasks.call() == {"failed": 2}

    assert [status(row) for row in (alive, dead, unknown_recent, unknown_old, waiting)] == [
        "RUNNING",
        "FAILED",
        "RUNNING",
        "FAILED",
        "READY",
    ]
    dead.refresh_from_db()
    assert dead.exception_class_path == "workflow.scheduler.WorkerStopped"
    assert "The worker dead stopped while running this task." in dead.traceback
    assert recover_abandoned_tasks.call() == {"failed": 0}  # nothing twice


def test_only_the_last_worker_to_claim_a_row_counts(db, database_tasks):
    beat("first", ago=datetime.timedelta(hours=1))
    beat("second", ago=datetime.timedelta(seconds=1))
    row = running_row("first")
    DBTaskResult.objects.filter(pk=row.pk).update(worker_ids=["first", "second"])
    assert fail_abandoned_tasks() == []


def test_the_job_runs_every_five_minutes():
    assert django_settings.PERIODIC_TASKS["workflow.tasks.recover_abandoned_tasks"] == 5 * 60


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_fail_each_row_once(database_tasks):
    beat("dead", ago=datetime.timedelta(minutes=5))
    rows = [running_row("dead") for _ in range(20)]
    failed: list[list[str]] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        try:
            barrier.wait()
            failed.append(fail_abandoned_tasks())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [pk for batch in failed for pk in batch]
    assert sorted(ids) == sorted(str(row.pk) for row in rows)  # every row once, none twice
    assert DBTaskResult.objects.filter(status="FAILED").count() == 20


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_command_leaves_a_row_the_job_fails(database_tasks):
    """A real `manage.py worker` is SIGKILLed in the middle of a slow task: its row stays RUNNING, under the same
    worker id as its heartbeat, until the heartbeat is stale; then the job fails it."""
    env = worker_environment(WORKER_HEARTBEAT_SECONDS="1", DEBUG="false")
    result = sleep.enqueue(120)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.1", "--worker-id", "doomed"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not (
            DBTaskResult.objects.filter(pk=result.id, status="RUNNING").exists()
            and WorkerHeartbeat.objects.filter(worker_id="doomed").exists()
        ):
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker did not start the task within 30 s"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "RUNNING" and row.worker_ids == ["doomed"]
    assert WorkerHeartbeat.objects.filter(worker_id=row.worker_ids[-1]).exists()

    assert recover_abandoned_tasks.call() == {"failed": 0}  # its heartbeat is still fresh: it may be alive
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        assert recover_abandoned_tasks.call() == {"failed": 1}
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == "workflow.scheduler.WorkerStopped"
