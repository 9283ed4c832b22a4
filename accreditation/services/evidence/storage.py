"""Storage against the database: files no row refers to (orphans, left by a process killed between writing a file
and committing its row), and rows whose file is missing or has changed. Orphans are moved to a quarantine folder,
never deleted: a person decides what they were."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.storage import Storage, storages
from django.db import connection
from django.utils import timezone

from ...models import Evidence

logger = logging.getLogger(__name__)

QUARANTINE = "quarantine"
# A file younger than this may belong to an upload whose transaction has not committed yet.
ORPHAN_MIN_AGE = datetime.timedelta(hours=1)
# Any fixed number, the same in every process: two workers running the check at once take turns.
LOCK_KEY = 0x5354_4F52


@dataclass(frozen=True)
class ExpectedFile:
    name: str
    size: int
    sha256: str
    owner: str  # what the row is, in words, for the report


@dataclass
class StorageReport:
    checked_files: int = 0
    orphans: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    skipped: bool = False  # another process was checking at the same moment


def evidence_expected_files() -> list[ExpectedFile]:
    return [
        ExpectedFile(name, size, sha256, f"evidence {pk}")
        for pk, name, size, sha256 in Evidence.objects.exclude(file="").values_list("pk", "file", "size", "sha256")
    ]


def _walk(storage: Storage, folder: str) -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{folder}/{name}" for name in files]
    for name in folders:
        names += _walk(storage, f"{folder}/{name}")
    return names


def _problem(storage: Storage, expected: ExpectedFile, verify_hashes: bool) -> str:
    if not storage.exists(expected.name):
        return f"{expected.owner}: the file {expected.name} is missing"
    if storage.size(expected.name) != expected.size:
        actual = storage.size(expected.name)
        return f"{expected.owner}: the file {expected.name} is {actual:,} bytes, not {expected.size:,}"
    if verify_hashes and expected.sha256:
        digest = hashlib.sha256()
        with storage.open(expected.name, "rb") as stored:
            for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != expected.sha256:
            return f"{expected.owner}: the file {expected.name} has changed since it was stored"
    return ""


def _quarantine(storage: Storage, name: str) -> bool:
    """Move one file into the quarantine folder, keeping its path. False if it had gone (another process moved it)."""
    target = f"{QUARANTINE}/{name}"
    try:
        source_path, target_path = storage.path(name), storage.path(target)
    except NotImplementedError:
        try:
            with storage.open(name, "rb") as source:
                storage.save(target, source)
        except FileNotFoundError:
            return False
        storage.delete(name)
        return True
    os.makedirs(os.path.dirname(target_path), exist_ok=True)
    try:
        os.rename(source_path, target_path)
    except FileNotFoundError:
        return False
    return True


def storage_check(
    *,
    folders: list[str],
    expected: Callable[[], list[ExpectedFile]],
    fix: bool = False,
    min_age: datetime.timedelta = ORPHAN_MIN_AGE,
    verify_hashes: bool = True,
) -> StorageReport:
    """Compare the files under `folders` of the evidence storage with what `expected()` returns (every row that
    refers to a file there). It is called after the files are listed, so a file whose row commits in between is not
    an orphan."""
    report = StorageReport()
    if not _try_lock():
        report.skipped = True
        return report
    try:
        _compare(report, folders=folders, expected=expected, fix=fix, min_age=min_age, verify_hashes=verify_hashes)
    finally:
        _unlock()
    return report


def _try_lock() -> bool:
    """One check at a time across every process. A session-level lock, not one tied to a transaction: walking and
    hashing a large library takes minutes, and a transaction open that long would hold back PostgreSQL's vacuum.
    The lock goes with the connection if the process dies."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        return cursor.fetchone()[0]


def _unlock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _compare(report: StorageReport, *, folders, expected, fix, min_age, verify_hashes) -> None:
    storage = storages["evidence"]
    found = [name for folder in folders for name in _walk(storage, folder)]
    known = expected()
    referenced = {item.name for item in known}
    report.checked_files = len(found)
    cutoff = timezone.now() - min_age
    report.orphans = [name for name in found if name not in referenced and storage.get_modified_time(name) <= cutoff]
    report.missing = [problem for item in known if (problem := _problem(storage, item, verify_hashes))]
    for problem in report.missing:
        logger.error("Storage check: %s.", problem)
    for name in report.orphans:
        logger.warning("Storage check: %s has no row that refers to it.", name)
        if fix and _quarantine(storage, name):
            report.quarantined.append(name)
