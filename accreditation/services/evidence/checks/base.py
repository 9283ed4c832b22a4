"""What every check shares: the accepted types, the budgets README quotes, and how a refusal is raised."""

from __future__ import annotations

from django.core.exceptions import ValidationError

# What may be uploaded, recognised from the file's content; the extension is what the download is called.
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "application/pdf": ("PDF", ".pdf"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word document", ".docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel spreadsheet", ".xlsx"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("PowerPoint presentation", ".pptx"),
    "application/vnd.oasis.opendocument.text": ("OpenDocument text", ".odt"),
    "application/vnd.oasis.opendocument.spreadsheet": ("OpenDocument spreadsheet", ".ods"),
    "image/png": ("PNG image", ".png"),
    "image/jpeg": ("JPEG image", ".jpg"),
    "text/plain": ("plain text", ".txt"),
    "text/csv": ("CSV", ".csv"),
}
ALLOWED_SUMMARY = (
    "PDF, Word, Excel, PowerPoint, OpenDocument text or spreadsheet, PNG or JPEG images, plain text or CSV"
)
# Enough of the file for libmagic to tell a Word document from any other zip archive.
SNIFF_BYTES = 1024 * 1024

# Budgets for Office and OpenDocument files (zip archives). A real 20 MB document has a few hundred parts and
# unpacks to well under 200 MB; text parts compress about 10:1, photos not at all.
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_DIRECTORY_BYTES = 2 * 1024 * 1024
ZIP_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_CONTROL_PART_BYTES = 1024 * 1024
# PDF object streams (compressed dictionaries) are unpacked to look for actions; a real PDF holds a few MB of them.
PDF_MAX_OBJECT_STREAM_BYTES = 32 * 1024 * 1024
# A 1,000-page report has a few thousand streams; each costs a step to walk, and a 20 MB file could hold a million.
PDF_MAX_STREAMS = 100_000
PNG_MAX_CHUNKS = 100_000


def refuse(message: str) -> ValidationError:
    return ValidationError(message, code="refused_file")
