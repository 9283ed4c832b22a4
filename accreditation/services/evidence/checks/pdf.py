"""PDF: actions that run on opening, attached files, and data hidden after the end."""

from __future__ import annotations

import re
import zlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from .base import PDF_MAX_OBJECT_STREAM_BYTES, PDF_MAX_STREAMS, refuse

# Stream data is binary and may contain any bytes, so names are looked for only outside streams (and inside object
# streams, which hold dictionaries and are unpacked within a budget).
STREAM_START = re.compile(rb">>\s*+stream\r?\n")


def _spelled(name: str) -> str:
    """A name as a pattern that also matches it written with #xx escapes (/J#61vaScript is /JavaScript): matching
    the escapes in place, rather than decoding them first, costs no Python call per escape."""
    letters = []
    for letter in name:
        code = "".join(f"[{digit}{digit.upper()}]" if digit.isalpha() else digit for digit in f"{ord(letter):02x}")
        letters.append(f"(?:{letter}|#{code})")
    return "".join(letters)


ACTIVE_NAMES = (
    "JavaScript",
    "JS",
    "Launch",
    "AA",
    "EmbeddedFiles",
    "EmbeddedFile",
    "RichMedia",
    "SubmitForm",
    "ImportData",
    "GoToE",
)
# A letter or digit, plainly or as an escape, after the name makes it another name.
NAME_GOES_ON = r"[A-Za-z0-9]|#(?:3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa])"
PDF_ACTIVE = re.compile(
    (
        rf"/(?:{'|'.join(_spelled(name) for name in ACTIVE_NAMES)})(?!{NAME_GOES_ON})"
        # Opening at a page ([3 0 R /Fit]) is harmless; an action to run on opening is not.
        rf"|/{_spelled('OpenAction')}\s*+(?:<<|\d++\s++\d++\s++R)"
    ).encode()
)
# A zip archive's local file header or end record outside stream data: a PDF that is also a zip (its comment can end
# in %%EOF, so the check after the end alone does not catch it).
ZIP_SIGNATURE = re.compile(rb"PK\x03\x04|PK\x05\x06")
TRAILING_SPACE = re.compile(rb"[\s\x00]*+")


def _pdf_refusal() -> ValidationError:
    return refuse(
        "This PDF contains parts that run when it is opened (JavaScript, actions or attached files), which we do "
        "not store. Print it to a new PDF (File, Print, Save as PDF) or export it again without them, and try again."
    )


def _too_complex() -> ValidationError:
    return refuse(
        "This PDF is far more complex inside than its size suggests. Print it to a new PDF "
        "(File, Print, Save as PDF) and try again."
    )


def _ends_as_zip(data: bytes) -> bool:
    """A zip's end record, whose comment runs to the end of the file, inside the last stream: zip readers find it
    there, and the comment hides the PDF's own end from them."""
    position = len(data)
    while (position := data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65_535), position)) >= 0:
        if position + 22 + int.from_bytes(data[position + 20 : position + 22], "little") == len(data):
            return True
    return False


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
        if len(outside) == PDF_MAX_STREAMS:
            raise _too_complex()
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
    if ZIP_SIGNATURE.search(b"\n".join(outside)) or _ends_as_zip(data):
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
            raise _too_complex()
        outside.append(stream)
    # One scan of everything outside stream data, joined by line breaks so no name is made across a stream.
    if PDF_ACTIVE.search(b"\n".join(outside)):
        raise _pdf_refusal()
