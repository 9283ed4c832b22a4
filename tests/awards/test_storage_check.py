"""manage.py storage_check: orphan files (no row) are listed and, with --fix, quarantined; rows whose file is missing
or changed are reported; award report PDFs in the same storage are known, not orphans."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.files import upload

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("storage_check", *args, stdout=out)
    return out.getvalue()


def test_orphans_are_quarantined_and_award_reports_are_known(awarded, make_evidence, settings):
    make_evidence(upload=upload("minutes.txt"))
    media = Path(settings.MEDIA_ROOT)
    old, young = media / "evidence" / "1" / "old-orphan", media / "evidence" / "1" / "young-orphan"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"left by a crash")
    young.write_bytes(b"an upload still committing")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))

    report = run("--fix")

    assert "orphan: evidence/1/old-orphan (moved to quarantine)" in report
    assert "young-orphan" not in report and "reports/" not in report
    assert not old.exists() and young.exists()
    assert (media / "quarantine" / "evidence" / "1" / "old-orphan").read_bytes() == b"left by a crash"
    assert "1 orphans, 1 quarantined, 0 rows" in report


def test_missing_and_changed_files_are_reported(make_evidence, settings):
    gone = make_evidence(title="Gone", upload=upload("minutes.pdf"))
    changed = make_evidence(title="Changed", upload=upload("minutes.txt"))
    gone.file.storage.delete(gone.file.name)
    Path(changed.file.path).write_bytes(b"Community meeting\nEveryone disagreed.\n" + b" " * 9)
    with pytest.raises(CommandError, match="restore them from a backup"):
        out = io.StringIO()
        call_command("storage_check", stdout=out)
    report = out.getvalue()
    assert f"missing: evidence {gone.pk}: the file {gone.file.name} is missing" in report
    assert f"evidence {changed.pk}: the file {changed.file.name}" in report
