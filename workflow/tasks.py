"""Housekeeping the scheduler runs (settings.PERIODIC_TASKS)."""

from django.core.management import call_command
from django.tasks import task

from .scheduler import forget_old


@task
def tidy_up() -> dict:
    """Daily: expired sessions go (Django never removes them by itself), and so do old scheduler records."""
    call_command("clearsessions")
    heartbeats, runs = forget_old()
    return {"heartbeats_removed": heartbeats, "runs_removed": runs}
