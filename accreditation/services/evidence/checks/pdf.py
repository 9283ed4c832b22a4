"""PDF: actions that run on opening, attached files, and data hidden after the end."""

from __future__ import annotations

import re
import zlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from .base import PDF_MAX_OBJECT_STREAM_BYTES, refuse

# Stream data is binary and may contain any bytes, so names are looked for only outside streams (and inside object
# streams, which hold dictionaries and are unpacked within a budget).
STREAM_START = re.compile(rb">>\s*+stream\r?\n")
PDF_ACTIVE = re.compile(
    rb"/(JavaScript|JS|Launch|AA|EmbeddedFiles?|RichMedia|SubmitForm|ImportData|GoToE)(?![A-Za-z0-9])"
    # Opening at a page ([3 0 R /Fit]) is harmless; an action to run on opening is not.
    rb"|/OpenAction\s*+(<<|\d++\s++\d++\s++R)"
)
# A zip archive's local file header or end record outside stream data: a PDF that is also a zip (its comment can end
# in %%EOF, so the check after the end alone does not catch it).
ZIP_SIGNATURE = re.compile(rb"PK\x03\x04|PK\x05\x06")
NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
TRAILING_SPACE = re.compile(rb"[\s\x00]*+")


def _pdf_refusal() -> ValidationError:
    return refuse(
        "This PDF contains parts that run when it is opened (JavaScript, actions or attached files), which we do "
        "not store. Print it to a new PDF (File, Print, Save as PDF) or export it again without them, and try again."
    )


def check_pdf(upload: UploadedFile, content_type: str) -> None:
    data = upload.read()
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise refuse("This PDF is damaged or incomplete. Open it, save it again and retry.")
    if not TRAILING_SPACE.fullmatch(data, end + 5):
        raise refuse(
            "This PDF has other data hidden after its end (it may be two files in one). Print it to a new PDF "
            "(File, Print, Save as PDF) and try again."
        )
    outside, object_streams = [], []
    position = 0
    while match := STREAM_START.search(data, position):
        outside.append(data[position : match.end()])
        stream_end = data.find(b"endstream", match.end())
        stream_end = len(data) if stream_end < 0 else stream_end
        if b"/ObjStm" in outside[-1]:
            # The stream's dictionary starts at its "obj", after the previous stream's end: looking back only that
            # far keeps the walk one pass (looking back to the start of the file made it quadratic).
            dictionary = data[max(data.rfind(b"obj", position, match.start()), position) : match.end()]
            if b"/ObjStm" in dictionary:
                object_streams.append((dictionary, data[match.end() : stream_end]))
        position = stream_end + len(b"endstream")
    outside.append(data[position:])
    if ZIP_SIGNATURE.search(b"\n".join(outside)):
        raise refuse(
            "This PDF has a zip archive hidden in it (it may be two files in one). Print it to a new PDF "
            "(File, Print, Save as PDF) and try again."
        )
    budget = PDF_MAX_OBJECT_STREAM_BYTES
    for dictionary, stream in object_streams:
        if b"/Filter" in dictionary and b"/FlateDecode" not in dictionary:
            raise refuse(
                "This PDF is stored in a way we cannot check. Print it to a new PDF (File, Print, Save as PDF) "
                "and try again."
            )
        if b"/FlateDecode" in dictionary:
            unpacker = zlib.decompressobj()
            try:
                stream = unpacker.decompress(stream, budget + 1)
            except zlib.error:
                raise refuse("This PDF is damaged or incomplete. Open it, save it again and retry.") from None
        budget -= len(stream)
        if budget < 0:
            raise refuse(
                "This PDF is far more complex inside than its size suggests. Print it to a new PDF "
                "(File, Print, Save as PDF) and try again."
            )
        outside.append(stream)
    # One scan of everything outside stream data, joined by line breaks so no name is made across a stream.
    names = b"\n".join(outside)
    if b"#" in names:
        names = NAME_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), names)
    if PDF_ACTIVE.search(names):
        raise _pdf_refusal()
