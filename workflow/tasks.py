"""Housekeeping the scheduler runs (settings.PERIODIC_TASKS)."""

from django.core.management import call_command
from django.tasks import task

from accreditation.services.evidence.holding import held_uploads_forget_old

from .scheduler import fail_abandoned_tasks, forget_old


@task
def tidy_up() -> dict:
    """Daily: expired sessions go (Django never removes them by itself), and so do old scheduler records and uploads
    held for an evidence form nobody sent again."""
    call_command("clearsessions")
    heartbeats, runs = forget_old()
    held = held_uploads_forget_old()
    return {"heartbeats_removed": heartbeats, "runs_removed": runs, "held_uploads_removed": held}


@task
def recover_abandoned_tasks() -> dict:
    """Every few minutes: tasks whose worker was killed while running them are marked failed, instead of showing as
    running for ever. (An award report's own state is put right by awards.tasks.recover_stuck_reports.)"""
    return {"failed": len(fail_abandoned_tasks())}
