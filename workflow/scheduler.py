"""The clock beside the task worker: heartbeats that say a worker is alive, and periodic jobs enqueued once per slot.

Every worker runs the same loop (`manage.py worker`), so the scheduler has no leader: for each job that is due, every
worker tries to insert (job, slot start), the unique constraint lets exactly one insert succeed, and only that worker
enqueues the job. A worker that dies takes nothing with it: the next tick of any other worker carries on.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .engine import enqueue_on_commit
from .models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger(__name__)

# A running task whose worker never wrote a heartbeat (a plain `db_worker`, or one whose heartbeat `forget_old` has
# removed) is taken for dead only after this long: nothing says when such a worker stopped, and no task here runs
# for anything like a day, so a live one is never failed under it.
UNKNOWN_WORKER_GRACE = datetime.timedelta(days=1)


class WorkerStopped(Exception):
    """Recorded on a task row whose worker stopped while running it (it could not record anything itself)."""


def heartbeat(*, worker_id: str) -> None:
    """Record that this worker is alive now."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={"seen_at": now, "started_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()},
    )


def heartbeat_age() -> float | None:
    """Seconds since any worker last said it was alive; None if none ever has."""
    latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    return None if latest is None else max(0.0, (timezone.now() - latest).total_seconds())


def slot_start(now: datetime.datetime, interval: int) -> datetime.datetime:
    """The start of the slot `now` falls in: slots are whole multiples of `interval` seconds since 1970 (UTC)."""
    seconds = int(now.timestamp())
    return datetime.datetime.fromtimestamp(seconds - seconds % interval, tz=datetime.UTC)


def enqueue_due(*, worker_id: str = "") -> list[str]:
    """Enqueue every periodic job (settings.PERIODIC_TASKS) whose current slot has not been claimed yet; returns
    the jobs this call enqueued. Safe to call from any number of workers at once."""
    now = timezone.now()
    enqueued = []
    for task_path, interval in settings.PERIODIC_TASKS.items():
        slot = slot_start(now, interval)
        if ScheduledRun.objects.filter(task_path=task_path, slot_start=slot).exists():
            continue  # the usual case, answered without an insert that fails (and an error line in PostgreSQL's log)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(task_path=task_path, slot_start=slot, worker_id=worker_id)
                enqueue_on_commit(task_path)
        except IntegrityError:
            continue  # another worker has this slot
        except Exception:
            # A job that cannot be enqueued (a wrong path in settings) must not stop the others or the worker.
            logger.exception("Could not enqueue the periodic job %s", task_path)
            continue
        enqueued.append(task_path)
    return enqueued


def tick(*, worker_id: str) -> list[str]:
    """One turn of the worker's clock: say it is alive, then enqueue what is due."""
    heartbeat(worker_id=worker_id)
    return enqueue_due(worker_id=worker_id)


def forget_old(*, keep_days: int = 30) -> tuple[int, int]:
    """Remove heartbeats of workers gone for a day and slot records older than `keep_days`: neither table grows for
    ever. Returns how many of each were removed."""
    now = timezone.now()
    heartbeats, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - datetime.timedelta(days=1)).delete()
    runs, _ = ScheduledRun.objects.filter(slot_start__lt=now - datetime.timedelta(days=keep_days)).delete()
    return heartbeats, runs


def _worker_is_gone(worker_id: str, started_at: datetime.datetime | None, seen: dict, now: datetime.datetime) -> bool:
    if worker_id in seen:
        return seen[worker_id] < now - datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return started_at is None or started_at < now - UNKNOWN_WORKER_GRACE


def fail_abandoned_tasks() -> list[str]:
    """Mark failed every task row left RUNNING by a worker that stopped (SIGKILL, out of memory, a machine gone):
    one whose heartbeat is older than WORKER_STALE_SECONDS, or, with no heartbeat at all, whose task started more
    than UNKNOWN_WORKER_GRACE ago. Failed with the queue's own method, so the row reads as every other failed task
    does. Two runs at once fail each row once: the second skips rows the first has locked, and finds them failed
    after. Returns the ids of the rows failed."""
    now = timezone.now()
    running = list(DBTaskResult.objects.running().values_list("pk", "worker_ids", "started_at"))
    last_worker = {pk: worker_ids[-1] if worker_ids else "" for pk, worker_ids, _ in running}
    seen = dict(
        WorkerHeartbeat.objects.filter(worker_id__in=set(last_worker.values())).values_list("worker_id", "seen_at")
    )
    gone = [pk for pk, _, started_at in running if _worker_is_gone(last_worker[pk], started_at, seen, now)]
    if not gone:
        return []
    with transaction.atomic():
        # Locked only now, and only the dead workers' rows: a live worker recording its result is never kept waiting.
        rows = list(DBTaskResult.objects.running().filter(pk__in=gone).select_for_update(skip_locked=True))
        for row in rows:
            worker_id = last_worker[row.pk]
            row.set_failed(WorkerStopped(f"The worker {worker_id or '(unknown)'} stopped while running this task."))
            logger.warning("Task %s (%s) failed: its worker %s stopped", row.pk, row.task_path, worker_id)
    return [str(row.pk) for row in rows]
