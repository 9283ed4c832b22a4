"""Plain text and CSV: decoded, then refused on binary data, web markup, or cells a spreadsheet would run."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from .base import refuse

# Web markup a browser would run or render if the file were ever shown as a page.
MARKUP = re.compile(
    r"<\s*/?\s*(script|html|head|body|iframe|frame|frameset|svg|math|object|embed|applet|meta|link|base|style|form"
    r"|input|button|textarea|img|image|video|audio|source|template|xml|xss)\b"
    r"|\b(java|vb|live)script\s*:|\bdata\s*:\s*text/html",
    re.IGNORECASE,
)
# Control characters other than tab, line feed, form feed and carriage return: binary data, not text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def binary_in_text() -> ValidationError:
    return refuse(
        "This file starts as plain text but has binary data in it (characters no text file contains), so it may be "
        "something else in disguise. Copy the text into a new file, save it as UTF-8 and try again."
    )


BINARY_MARKUP = re.compile(MARKUP.pattern.encode(), re.IGNORECASE)
# A cell that a spreadsheet would run as a formula (or a DDE call): it starts with = + - @, perhaps after a quote,
# spaces, a tab or a carriage return. Plain numbers (-5, +2, 1e-3, -3.25%) are fine.
CSV_CELL = re.compile(r'(?:^|(?<=[,;\t]))[ \t\r]*"?[ \t\r]*([=+\-@][^,;\t\r\n"]*)', re.MULTILINE)
PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d ]*([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?|-")


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
    if CONTROL_BYTES.search(content):
        raise binary_in_text()
    raise refuse("This text file is not in a character encoding we can read. Save it as UTF-8 and try again.")


def check_text(upload: UploadedFile, content_type: str) -> None:
    text = decode_text(upload.read())
    if CONTROL.search(text):
        raise binary_in_text()
    if match := MARKUP.search(text):
        raise refuse(
            f"This text contains web page code (“{match.group(0)[:20]}”), which we do not store because it could "
            "run in a reviewer's browser. Remove it, or save the document as PDF, and try again."
        )
    if content_type == "text/csv" or (upload.name or "").lower().endswith(".csv"):
        check_csv_cells(text)


def check_csv_cells(text: str) -> None:
    for match in CSV_CELL.finditer(text):
        cell = match.group(1).strip()
        if not PLAIN_NUMBER.fullmatch(cell):
            row = text.count("\n", 0, match.start()) + 1
            raise refuse(
                f"Row {row} has a cell starting with “{cell[0]}” (“{cell[:20]}”), which a spreadsheet would run as a "
                "formula when a reviewer opens the file. Put an apostrophe before it (for example '=total), or save "
                "the values only, and try again."
            )
