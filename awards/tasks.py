"""Background jobs about awards. Each receives ids, never objects, and is enqueued after the transaction commits."""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.tasks import task
from django.utils import timezone

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

logger = logging.getLogger(__name__)
R = AwardReport.Status


@task
def render_award_report(report_id: int, state: str = R.QUEUED) -> str:
    """Render one version of an award's PDF report. The file is written only once the PDF is complete, and the
    report is marked ready only once the file is stored; a failure records its reason and leaves no file."""
    report = AwardReport.objects.select_related("award").filter(pk=report_id).first()
    if report is None or report.status != R.QUEUED:
        return "not queued"  # already rendered, or being rendered by another worker
    try:
        report = transition(report, to=R.GENERATING, by=None, fields={"started_at": timezone.now()})
    except ValidationError:
        return "not queued"  # another worker took it between the read and the lock
    try:
        rendered = pdf.render_award_report(report.award, version=report.version)
        report.file.save(f"{report.award.reference}.pdf", ContentFile(rendered.content), save=False)
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
            },
        )
    except Exception as error:  # any failure must be recorded, not lost in a worker log
        logger.exception("Award report %s failed to render", report_id)
        if report.file:
            report.file.storage.delete(report.file.name)
        transition(
            report,
            to=R.FAILED,
            by=None,
            note=str(error)[:500],
            fields={"error": f"{type(error).__name__}: {error}"[:2000], "finished_at": timezone.now(), "file": ""},
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
