"""Uploads held between two posts of the evidence form. A person who chose a file and made a mistake elsewhere in
the form (forgot the date, the confirmation) should not have to find the file again: the checked file waits in a
holding folder of the evidence storage, under a generated name, until the form is sent again. Nothing refers to a
held file but the uploader's session, so the daily tidy-up removes any older than a day."""

from __future__ import annotations

import datetime
import logging
import secrets

from django.core.files.base import File
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from .checks import evidence_check_file

logger = logging.getLogger(__name__)

HOLDING = "held"
HELD_FOR = datetime.timedelta(days=1)


def upload_hold(*, upload: UploadedFile) -> str:
    """Check the file as the library would (a refusal is a ValidationError, to be shown on the file field), then
    keep it. Returns its storage name."""
    evidence_check_file(upload=upload)
    upload.seek(0)
    return storages["evidence"].save(f"{HOLDING}/{secrets.token_hex(16)}", upload)


def upload_held(*, name: str, original_name: str) -> File | None:
    """The held file, open, under the name the person chose it by; None if it has gone (tidied up, or a bad name)."""
    if not name.startswith(f"{HOLDING}/") or ".." in name:
        return None
    storage = storages["evidence"]
    try:
        return File(storage.open(name, "rb"), name=original_name or "file")
    except (FileNotFoundError, OSError):
        return None


def upload_release(*, name: str) -> None:
    """Forget a held file once it is stored in the library, or replaced by another."""
    if name.startswith(f"{HOLDING}/") and ".." not in name:
        storages["evidence"].delete(name)


def held_uploads_forget_old(*, older_than: datetime.timedelta = HELD_FOR) -> int:
    """Daily: held files nobody came back for. Returns how many were removed."""
    storage = storages["evidence"]
    try:
        _, files = storage.listdir(HOLDING)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for file_name in files:
        name = f"{HOLDING}/{file_name}"
        if storage.get_modified_time(name) <= cutoff:
            storage.delete(name)
            removed += 1
    return removed
