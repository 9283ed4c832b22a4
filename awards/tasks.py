"""Background jobs about awards. Each receives ids, never objects, and is enqueued after the transaction commits."""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accreditation.services.evidence.storage import (
    ORPHAN_MIN_AGE,
    ExpectedFile,
    StorageReport,
    evidence_expected_files,
)
from accreditation.services.evidence.storage import storage_check as run_storage_check
from workflow.engine import transition

from . import pdf
from .models import AwardReport
from .services import report_is_still_mine, report_recover, report_start

logger = logging.getLogger(__name__)
R = AwardReport.Status


class WorkerStopped(Exception):
    """Recorded on a task row whose worker stopped while running it (it could not record anything itself)."""


def _fail_abandoned_task_rows(*, report_id: int, lease_expired_at: datetime.datetime | None) -> int:
    """The database queue's rows for making this report that a stopped worker left RUNNING: those started before the
    lease that worker held ran out (a later worker's row, started after, is its own). Marked failed with the
    queue's own method, so the row reads as every other failed task does."""
    rows = DBTaskResult.objects.running().filter(
        task_path=render_award_report.module_path, args_kwargs__args__0=report_id
    )
    if lease_expired_at is not None:
        rows = rows.filter(started_at__lt=lease_expired_at)
    stale = list(rows.select_for_update(skip_locked=True))
    for row in stale:
        row.set_failed(WorkerStopped(f"The worker running this task stopped; award report {report_id} was recovered."))
    return len(stale)


def _recover(report_id: int) -> AwardReport | None:
    """Queue again (once) or fail a report whose worker's lease is over, and fail that worker's task row with it."""
    with transaction.atomic():
        lease = AwardReport.objects.filter(pk=report_id).values_list("lease_expires_at", flat=True).first()
        recovered = report_recover(report_id=report_id)
        if recovered is not None:
            _fail_abandoned_task_rows(report_id=report_id, lease_expired_at=lease)
    return recovered


@task
def recover_stuck_reports() -> str:
    """Reports whose worker stopped while making them (killed, out of memory, a machine gone): each is queued again
    once, then failed for a person to retry. Run every few minutes by the scheduler; two runs at once recover each
    report once (the second skips the rows the first has locked)."""
    stuck = AwardReport.objects.filter(
        Q(lease_expires_at__lte=timezone.now()) | Q(lease_expires_at__isnull=True), status=R.GENERATING
    ).values_list("pk", flat=True)
    outcomes = [recovered.status for report_id in list(stuck) if (recovered := _recover(report_id)) is not None]
    return f"{outcomes.count(R.QUEUED)} queued again, {outcomes.count(R.FAILED)} failed"


@task
def render_award_report(report_id: int, state: str = R.QUEUED) -> str:
    """Render one version of an award's PDF report. The file is written only once the PDF is complete, and the
    report is marked ready only once the file is stored; a failure records its reason and leaves no file. A report
    whose previous worker stopped (its lease is over) is taken over."""
    report = AwardReport.objects.select_related("award").filter(pk=report_id).first()
    if report is not None and report.status == R.GENERATING and report.lease_is_over:
        report = _recover(report_id) or report
    if report is None or report.status != R.QUEUED:
        return "not queued"  # already rendered, or being rendered by another worker
    report = report_start(report=report)
    if report is None:
        return "not queued"  # another worker took it between the read and the lock
    attempt = report.attempts
    try:
        rendered = pdf.render_award_report(report.award, version=report.version)
        report.file.save(f"{report.award.reference}.pdf", ContentFile(rendered.content), save=False)
        with transaction.atomic():
            if not report_is_still_mine(report=report, attempt=attempt):
                report.file.storage.delete(report.file.name)
                return "taken over"  # this worker overran its lease; the report is another's now
            transition(
                report,
                to=R.READY,
                by=None,
                fields={
                    "file": report.file.name,
                    "sha256": hashlib.sha256(rendered.content).hexdigest(),
                    "size": len(rendered.content),
                    "pages": rendered.pages,
                    "finished_at": timezone.now(),
                    "lease_expires_at": None,
                },
            )
    except Exception as error:  # any failure must be recorded, not lost in a worker log
        logger.exception("Award report %s failed to render", report_id)
        if report.file:
            report.file.storage.delete(report.file.name)
        with transaction.atomic():
            if not report_is_still_mine(report=report, attempt=attempt):
                return "taken over"
            transition(
                report,
                to=R.FAILED,
                by=None,
                note=str(error)[:500],
                fields={
                    "error": f"{type(error).__name__}: {error}"[:2000],
                    "finished_at": timezone.now(),
                    "file": "",
                    "lease_expires_at": None,
                },
            )
        return "failed"
    return "ready"


def storage_expected_files() -> list[ExpectedFile]:
    """Every row that refers to a file in the evidence storage: evidence, and award reports, which live there too."""
    reports = AwardReport.objects.exclude(file="").values_list("pk", "file", "size", "sha256")
    return evidence_expected_files() + [
        ExpectedFile(name, size, sha256, f"award report {pk}") for pk, name, size, sha256 in reports
    ]


STORAGE_FOLDERS = ["evidence", "reports"]


@task
def storage_check(verify_hashes: bool = False, min_age_seconds: int = int(ORPHAN_MIN_AGE.total_seconds())) -> dict:
    """The scheduled storage check, with orphans quarantined. Safe to run in two workers at once: the second finds
    the check already running and returns at once. Hashes are left to `manage.py storage_check` by default, because
    reading every file each time costs a lot of disk time on a large library."""
    report = storage_check_run(
        fix=True, verify_hashes=verify_hashes, min_age=datetime.timedelta(seconds=min_age_seconds)
    )
    return {
        "skipped": report.skipped,
        "files": report.checked_files,
        "orphans": len(report.orphans),
        "quarantined": len(report.quarantined),
        "missing": len(report.missing),
    }


def storage_check_run(*, fix: bool, verify_hashes: bool = True, min_age=ORPHAN_MIN_AGE) -> StorageReport:
    return run_storage_check(
        folders=STORAGE_FOLDERS, expected=storage_expected_files, fix=fix, min_age=min_age, verify_hashes=verify_hashes
    )
