"""Plain text and CSV: decoded, then refused on binary data, web markup, or cells a spreadsheet would run."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from .base import refuse

# Web markup a browser would run or render if the file were ever shown as a page, looked for in lower-cased text.
# Every pattern starts with a literal the engine skips to, and its quantifiers are possessive (*+), so a long run of
# spaces or "<" costs one pass over the file, not one per character (the first version took 57 s on 20 KB of spaces).
TAG_NAMES = [
    "script",
    "html",
    "head",
    "body",
    "iframe",
    "frame",
    "frameset",
    "svg",
    "math",
    "object",
    "embed",
    "applet",
    "meta",
    "link",
    "base",
    "style",
    "form",
    "input",
    "button",
    "textarea",
    "img",
    "image",
    "video",
    "audio",
    "source",
    "template",
    "xml",
    "xss",
]


def _by_initial(names: list[str]) -> str:
    """script|style|svg as s(?:cript|tyle|vg): one test of the first letter instead of one per name (twice as fast)."""
    tails: dict[str, list[str]] = {}
    for name in names:
        tails.setdefault(name[0], []).append(name[1:])
    return "|".join(f"{initial}(?:{'|'.join(sorted(rest, key=len, reverse=True))})" for initial, rest in tails.items())


MARKUP_PATTERNS = (
    rf"<[\s/]*+(?:{_by_initial(TAG_NAMES)})\b",
    # javascript: and the like, as a whole word; the lookbehinds let the search skip to "script" first.
    r"script(?:(?<=(?<!\w)javascript)|(?<=(?<!\w)vbscript)|(?<=(?<!\w)livescript))\s*+:",
    r"data(?<!\wdata)\s*+:\s*+text/html",
)
MARKUP = tuple(re.compile(pattern) for pattern in MARKUP_PATTERNS)
BINARY_MARKUP = tuple(re.compile(pattern.encode()) for pattern in MARKUP_PATTERNS)
# Control characters other than tab, line feed, form feed and carriage return: binary data, not text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def binary_in_text() -> ValidationError:
    return refuse(
        "This file starts as plain text but has binary data in it (characters no text file contains), so it may be "
        "something else in disguise. Copy the text into a new file, save it as UTF-8 and try again."
    )


# A cell that a spreadsheet would run as a formula (or a DDE call): it starts with = + - @, perhaps after quotes,
# spaces, tabs or carriage returns. Plain numbers (-5, +2, 1e-3, -3.25%) are fine. A cell starts at a line start,
# after , or ;, or after a tab, so a run of tabs and spaces holds many starts: the pattern enters each run once, at
# the separator before it or (for a run with a tab) at its first character, with possessive quantifiers, so it is one
# pass (1 KB of tabs once took 1.5 s). The text is searched with a line break before it, so a line start is a
# separator too; without tabs, the pattern starts only at a separator, which the engine skips to.
PLAIN_NUMBER = r"(?:[+-]?(?:\d[\d ]*+(?:\.\d*+)?+|\.\d++)(?:[eE][+-]?\d++)?+%?+|-)[^\S\t\r\n]*+(?:[,;\t\r\n\"]|\Z)"
FORMULA_CELL = rf"(?!{PLAIN_NUMBER})([=+\-@][^,;\t\r\n\"]*+)"
AFTER_SEPARATOR = r"[,;\n][ \t\r\"]*+"
CSV_FORMULA = re.compile(AFTER_SEPARATOR + FORMULA_CELL)
CSV_FORMULA_WITH_TABS = re.compile(rf"(?:{AFTER_SEPARATOR}|(?<![ \t\r\"])[ \r\"]*+\t[ \t\r\"]*+){FORMULA_CELL}")


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


def find_markup(text: str) -> str | None:
    """The first piece of web markup in the text, as written there (javascript: from its first letter)."""
    lowered = text.lower()
    for pattern in MARKUP:
        if match := pattern.search(lowered):
            start = match.start()
            # The lookbehinds make "script" the start of the match; the word is at most four letters before it.
            while not lowered.startswith("<", start) and start > 0 and lowered[start - 1].isalnum():
                start -= 1
            return lowered[start : match.end()]
    return None


def check_text(upload: UploadedFile, content_type: str) -> None:
    text = decode_text(upload.read())
    if CONTROL.search(text):
        raise binary_in_text()
    if found := find_markup(text):
        raise refuse(
            f"This text contains web page code (“{found[:20]}”), which we do not store because it could "
            "run in a reviewer's browser. Remove it, or save the document as PDF, and try again."
        )
    if content_type == "text/csv" or (upload.name or "").lower().endswith(".csv"):
        check_csv_cells(text)


def check_csv_cells(text: str) -> None:
    if match := (CSV_FORMULA_WITH_TABS if "\t" in text else CSV_FORMULA).search("\n" + text):
        cell = match.group(1).strip()
        row = text.count("\n", 0, match.start(1) - 1) + 1
        raise refuse(
            f"Row {row} has a cell starting with “{cell[0]}” (“{cell[:20]}”), which a spreadsheet would run as a "
            "formula when a reviewer opens the file. Put an apostrophe before it (for example '=total), or save "
            "the values only, and try again."
        )
