"""The worker's clock: heartbeats, and periodic jobs enqueued once per slot however many workers tick at once."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.workers import worker_environment
from workflow.models import ScheduledRun, WorkerHeartbeat
from workflow.scheduler import enqueue_due, heartbeat_age, slot_start, tick
from workflow.tasks import tidy_up

DAILY = {"workflow.tasks.tidy_up": 24 * 60 * 60}
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL): real threads and processes"
)


@pytest.fixture
def database_tasks(settings):
    """Tasks kept as rows, as the real worker sees them, so the test can count what was enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PERIODIC_TASKS = DAILY


def enqueued(task_path="workflow.tasks.tidy_up") -> int:
    return DBTaskResult.objects.filter(task_path=task_path).count()


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("now", "interval", "start"),
    [
        ("2026-11-23T15:04:59+00:00", 300, "2026-11-23T15:00:00+00:00"),
        ("2026-11-23T15:05:00+00:00", 300, "2026-11-23T15:05:00+00:00"),
        ("2026-11-23T23:59:59+00:00", 86400, "2026-11-23T00:00:00+00:00"),
        ("2026-11-24T00:30:00+01:00", 86400, "2026-11-23T00:00:00+00:00"),  # slots are in UTC
    ],
)
def test_slots_start_at_whole_multiples_of_the_interval(now, interval, start):
    assert slot_start(at(now), interval) == at(start)


def test_a_job_is_enqueued_once_per_slot_and_again_in_the_next(db, database_tasks, django_capture_on_commit_callbacks):
    with time_machine.travel(at("2026-11-23T09:00:00+00:00"), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            assert enqueue_due(worker_id="a") == ["workflow.tasks.tidy_up"]
            clock.shift(datetime.timedelta(hours=14, minutes=59))
            assert enqueue_due(worker_id="b") == []
            assert enqueue_due(worker_id="a") == []
        assert enqueued() == 1
        clock.shift(datetime.timedelta(hours=1))  # past midnight UTC: a new day, a new slot
        with django_capture_on_commit_callbacks(execute=True):
            assert enqueue_due(worker_id="b") == ["workflow.tasks.tidy_up"]
    assert enqueued() == 2
    assert list(ScheduledRun.objects.values_list("slot_start", "worker_id").order_by("slot_start")) == [
        (at("2026-11-23T00:00:00+00:00"), "a"),
        (at("2026-11-24T00:00:00+00:00"), "b"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_job_that_cannot_be_enqueued_does_not_stop_the_others(settings, caplog):
    settings.PERIODIC_TASKS = {"workflow.tasks.no_such_job": 60, **DAILY}
    assert enqueue_due(worker_id="a") == ["workflow.tasks.tidy_up"]
    assert "Could not enqueue the periodic job workflow.tasks.no_such_job" in caplog.text


def test_a_tick_says_the_worker_is_alive(db, settings):
    settings.PERIODIC_TASKS = {}
    assert heartbeat_age() is None
    with time_machine.travel(timezone.now(), tick=False) as clock:
        tick(worker_id="worker-a")
        first = WorkerHeartbeat.objects.get()
        clock.shift(datetime.timedelta(seconds=25))
        assert heartbeat_age() == 25
        tick(worker_id="worker-a")
        assert heartbeat_age() == 0
    beat = WorkerHeartbeat.objects.get()
    assert beat.started_at == first.started_at and beat.pid == os.getpid()
    assert beat.seen_at == first.seen_at + datetime.timedelta(seconds=25)


def test_tidy_up_removes_expired_sessions_and_old_scheduler_records(db):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="x", expire_date=now - datetime.timedelta(minutes=1))
    Session.objects.create(session_key="current", session_data="x", expire_date=now + datetime.timedelta(hours=1))
    WorkerHeartbeat.objects.create(worker_id="gone", seen_at=now - datetime.timedelta(days=2))
    WorkerHeartbeat.objects.create(worker_id="alive", seen_at=now)
    ScheduledRun.objects.create(task_path="x", slot_start=now - datetime.timedelta(days=31))
    ScheduledRun.objects.create(task_path="x", slot_start=now - datetime.timedelta(days=1))
    result = tidy_up.call()
    assert result == {"heartbeats_removed": 1, "runs_removed": 1, "held_uploads_removed": 0}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]
    assert ScheduledRun.objects.count() == 1


def test_every_periodic_job_in_the_settings_is_a_task():
    from django.utils.module_loading import import_string

    for task_path, interval in django_settings.PERIODIC_TASKS.items():
        assert hasattr(import_string(task_path), "enqueue"), task_path
        assert isinstance(interval, int) and interval > 0


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_the_same_moment_enqueue_a_job_once(database_tasks, settings):
    settings.PERIODIC_TASKS = {"workflow.tasks.tidy_up": 300}
    rounds, workers = 10, 4
    claimed: list[list[str]] = []

    def worker(name: str, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()  # all at the same moment, each on its own connection
            claimed.append(tick(worker_id=name))
        finally:
            connections.close_all()

    with time_machine.travel(at("2026-11-23T09:00:00+00:00"), tick=False) as clock:
        for _ in range(rounds):
            barrier = threading.Barrier(workers)
            threads = [threading.Thread(target=worker, args=(f"w{n}", barrier)) for n in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            clock.shift(datetime.timedelta(minutes=5))
    assert sum(len(jobs) for jobs in claimed) == rounds
    assert enqueued() == rounds
    assert ScheduledRun.objects.count() == rounds
    assert WorkerHeartbeat.objects.count() == workers


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_worker_command_beats_and_readyz_sees_it(client, settings):
    """A real `manage.py worker` process against the test database: its heartbeat makes /readyz/ pass."""
    assert client.get(reverse("readyz")).json()["failed"] == ["worker"]
    env = worker_environment(WORKER_HEARTBEAT_SECONDS="1", DEBUG="false")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-startup-delay", "--worker-id", "test-worker"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not WorkerHeartbeat.objects.filter(worker_id="test-worker").exists():
            assert worker.poll() is None, worker.stdout.read().decode()
            assert time.monotonic() < deadline, "no heartbeat within 30 s"
            time.sleep(0.2)
        body = client.get(reverse("readyz")).json()
        assert body["failed"] == [] and body["checks"]["worker"]["heartbeat_age_seconds"] < 5
        # The worker enqueued today's housekeeping and ran it.
        deadline = time.monotonic() + 30
        while not DBTaskResult.objects.filter(task_path="workflow.tasks.tidy_up", status="SUCCESSFUL").exists():
            assert time.monotonic() < deadline, "the periodic job did not run within 30 s"
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0
