"""`manage.py worker`: django-tasks-db's worker, with the clock (heartbeat and periodic jobs) beside it in a thread."""

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from workflow.scheduler import tick

logger = logging.getLogger("workflow.worker")


def run_clock(worker_id: str, stop: threading.Event) -> None:
    """Beat and enqueue due jobs every WORKER_HEARTBEAT_SECONDS until told to stop. A failed turn (the database away
    for a moment) is logged and the next one tries again: the clock must outlive any one error."""
    while not stop.is_set():
        close_old_connections()
        try:
            for task_path in tick(worker_id=worker_id):
                logger.info("Enqueued the periodic job %s", task_path)
        except Exception:
            logger.exception("The worker's clock missed a turn")
        stop.wait(settings.WORKER_HEARTBEAT_SECONDS)
    connection.close()


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks, say every few seconds that this worker is alive (for /readyz/), and enqueue the "
        "periodic jobs in settings.PERIODIC_TASKS once per slot however many workers run."
    )

    def handle(self, *args, **options):
        # With --reload the first process only watches files and restarts a child; the child runs the clock.
        reloader_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not reloader_parent:
            stop = threading.Event()
            clock = threading.Thread(
                target=run_clock, args=(options["worker_id"], stop), name="worker-clock", daemon=True
            )
            clock.start()
        try:
            return super().handle(*args, **options)
        finally:
            if not reloader_parent:
                stop.set()
