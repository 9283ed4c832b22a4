"""PNG and JPEG: the picture must end where its format says, with no web markup inside."""

from __future__ import annotations

import re
import struct

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from .base import ALLOWED_TYPES, PNG_MAX_CHUNKS, refuse
from .text import BINARY_MARKUP

JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# Markers walked one by one, across all the pictures in a file. A photo has a few dozen (a progressive one a few
# hundred) in each of a few pictures; a file of nothing but markers would otherwise cost a step every few bytes.
JPEG_MAX_MARKERS = 10_000


def _image_tail_refusal(label: str) -> ValidationError:
    return refuse(
        f"This {label} has other data hidden in or after the picture (it may be two files in one). Open it and save "
        "it again (or take a screenshot), and try again."
    )


def _jpeg_end(data: bytes, start: int, budget: int) -> tuple[int, int]:
    """Where the picture that starts at `start` ends (after its EOI marker), or -1, and the markers left to walk:
    segments are skipped by their length, and the compressed data after each start-of-scan is searched for the next
    marker."""
    position = start + 2
    while position + 2 <= len(data) and budget > 0:
        budget -= 1
        if data[position] != 0xFF:
            return -1, budget
        marker = data[position + 1]
        if marker == 0xD9:
            return position + 2, budget
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 1 if marker == 0xFF else 2
            continue
        if position + 4 > len(data):
            return -1, budget
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
        if marker == 0xDA:
            found = JPEG_MARKER.search(data, position)
            if found is None:
                return -1, budget
            position = found.start()
    return -1, budget


def _jpeg_pictures_end(data: bytes, label: str) -> int:
    """Where the last of the pictures ends: phones store further ones (previews, depth maps) after the first, and
    each must be a whole JPEG too, or the file is a JPEG with something else after it."""
    end, budget = _jpeg_end(data, 0, JPEG_MAX_MARKERS)
    if end < 0:
        raise _damaged(label)
    while data.startswith(b"\xff\xd8", end):
        end, budget = _jpeg_end(data, end, budget)
        if end < 0:
            raise _image_tail_refusal(label)
    return end


def _damaged(label: str) -> ValidationError:
    return refuse(f"This {label} is damaged or incomplete. Open it, save it again and retry.")


def _png_end(data: bytes) -> int:
    position = 8
    for _ in range(PNG_MAX_CHUNKS):
        if position + 8 > len(data):
            return -1
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        position += 12 + length
        if kind == b"IEND":
            return position
    return -1


def check_image(upload: UploadedFile, content_type: str) -> None:
    data = upload.read()
    label = ALLOWED_TYPES[content_type][0]
    if content_type == "image/png":
        end = _png_end(data)
        if end < 0:
            raise _damaged(label)
    else:
        end = _jpeg_pictures_end(data, label)
    if data[end:].strip(b"\x00"):
        raise _image_tail_refusal(label)
    lowered = data.lower()
    if any(pattern.search(lowered) for pattern in BINARY_MARKUP):
        raise _image_tail_refusal(label)
