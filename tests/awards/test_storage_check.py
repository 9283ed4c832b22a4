"""manage.py storage_check: orphan files (no row) are listed and, with --fix, quarantined; rows whose file is missing
or changed are reported; award report PDFs in the same storage are known, not orphans."""

import io
import os
import threading
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

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


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL): a session-level advisory lock"
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_checks_at_once_the_second_skips_and_no_transaction_stays_open():
    from accreditation.services.evidence.storage import storage_check

    inside, release = threading.Event(), threading.Event()
    seen: dict = {}

    def slow_expected():
        seen["in_transaction"] = connection.in_atomic_block
        inside.set()
        release.wait(10)
        return []

    def first() -> None:
        try:
            seen["first"] = storage_check(folders=["evidence"], expected=slow_expected)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(10)
    try:
        assert storage_check(folders=["evidence"], expected=list).skipped
    finally:
        release.set()
        thread.join()
    assert seen["in_transaction"] is False and not seen["first"].skipped
    assert not storage_check(folders=["evidence"], expected=list).skipped  # the lock was let go


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_check_that_fails_lets_go_of_its_lock():
    from accreditation.services.evidence.storage import storage_check

    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        storage_check(folders=["evidence"], expected=broken)
    assert not storage_check(folders=["evidence"], expected=list).skipped
