"""Office and OpenDocument files (zip archives): bounded by what the directory declares, then by bytes unpacked."""

from __future__ import annotations

import itertools
import re
import struct
import zipfile
import zlib
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from .base import (
    ALLOWED_TYPES,
    ZIP_CONTROL_PART_BYTES,
    ZIP_MAX_DIRECTORY_BYTES,
    ZIP_MAX_ENTRIES,
    ZIP_MAX_RATIO,
    ZIP_MAX_UNPACKED_BYTES,
    refuse,
)

CONTROL_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "[Content_Types].xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "[Content_Types].xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "[Content_Types].xml",
    "application/vnd.oasis.opendocument.text": "mimetype",
    "application/vnd.oasis.opendocument.spreadsheet": "mimetype",
}
# Parts that hold macros or controls that run code: VBA projects, ActiveX, OpenDocument Basic and scripts.
ACTIVE_PART = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/|Basic/|Scripts/)", re.IGNORECASE)
MACRO_TYPE = re.compile(rb"macroEnabled|vbaProject|ms-office\.activeX", re.IGNORECASE)


def _damaged(label: str) -> ValidationError:
    return refuse(f"This {label} is damaged or incomplete. Open it, save it again and retry.")


def _zip_directory_size(upload: IO[bytes], size: int) -> tuple[int, int]:
    """(entries, bytes) the archive's end record claims for its central directory, read before zipfile parses it:
    zipfile builds an object per entry, which a file listing hundreds of thousands of entries turns into seconds."""
    tail_length = min(size, 22 + 65_535 + 20)
    upload.seek(size - tail_length)
    tail = upload.read(tail_length)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        return -1, -1
    entries, directory_bytes = struct.unpack("<xxxxxxxxxxHI", tail[end : end + 16])
    if (
        (entries == 0xFFFF or directory_bytes == 0xFFFFFFFF)
        and end >= 20
        and tail[end - 20 : end - 16] == b"PK\x06\x07"
    ):
        (record_offset,) = struct.unpack("<Q", tail[end - 12 : end - 4])
        upload.seek(record_offset)
        record = upload.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            return -1, -1
        entries, directory_bytes = struct.unpack("<QQ", record[32:48])
    return entries, directory_bytes


def check_zip(upload: UploadedFile, content_type: str) -> None:
    label = ALLOWED_TYPES[content_type][0]
    size = upload.size or 0
    entries, directory_bytes = _zip_directory_size(upload, size)
    if entries < 0:
        raise _damaged(label)
    if entries > ZIP_MAX_ENTRIES or directory_bytes > ZIP_MAX_DIRECTORY_BYTES:
        raise refuse(
            f"This {label} is made of {entries:,} parts, far more than any real document (we accept up to "
            f"{ZIP_MAX_ENTRIES:,}). Open it, save it again (or as PDF) and retry."
        )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            _check_zip_layout(infos, label)
            _check_zip_parts(archive, infos, content_type, label)
            _unpack_within_budget(archive, infos, label)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError, EOFError, zlib.error):
        raise _damaged(label) from None


def _check_zip_layout(infos: list[zipfile.ZipInfo], label: str) -> None:
    """Refuse on what the directory declares, before unpacking anything: parts that overlap (one compressed part
    listed many times is the classic zip bomb), or more unpacked data, or a higher ratio, than a document has."""
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    ordered = sorted(infos, key=lambda info: info.header_offset)
    overlapping = any(
        later.header_offset < earlier.header_offset + 30 + len(earlier.orig_filename) + earlier.compress_size
        for earlier, later in itertools.pairwise(ordered)
    )
    too_dense = any(
        info.file_size > 1024 * 1024 and info.file_size > ZIP_MAX_RATIO * 10 * info.compress_size for info in infos
    )
    if (
        overlapping
        or unpacked > ZIP_MAX_UNPACKED_BYTES
        or too_dense
        or (unpacked > 10 * 1024 * 1024 and unpacked > ZIP_MAX_RATIO * packed)
    ):
        raise refuse(
            f"This {label} would unpack to {filesizeformat(unpacked)}, far more than a real document of its size "
            "(it looks built to overload the server). Open it, save it again (or as PDF) and retry."
        )


def _check_zip_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], content_type: str, label: str) -> None:
    names = {info.filename for info in infos}
    control = CONTROL_PARTS[content_type]
    if control not in names:
        raise _damaged(label)
    with archive.open(control) as part:
        declared = part.read(ZIP_CONTROL_PART_BYTES)
    if any(ACTIVE_PART.search(name) for name in names) or MACRO_TYPE.search(declared):
        raise refuse(
            f"This {label} contains macros or controls that run code, which we do not store. Save a copy without "
            "macros (in Word or Excel: Save As, and choose the plain .docx or .xlsx type), or save it as PDF, "
            "and try again."
        )


def _unpack_within_budget(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], label: str) -> None:
    """Unpack every part once, streaming, to check its CRC: a damaged document is refused now rather than found by a
    reviewer. zipfile stops each part at its declared size, and the total is capped, so a lying size costs no more."""
    budget = ZIP_MAX_UNPACKED_BYTES
    for info in infos:
        with archive.open(info) as part:
            while chunk := part.read(256 * 1024):
                budget -= len(chunk)
                if budget < 0:
                    raise refuse(
                        f"This {label} unpacks to more than {filesizeformat(ZIP_MAX_UNPACKED_BYTES)}. "
                        "Save a smaller version (or as PDF) and try again."
                    )
