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

from .engine import enqueue_on_commit
from .models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger(__name__)


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
