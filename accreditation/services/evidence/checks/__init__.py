"""What may be stored: every content check of an upload, in one place, each bounded in CPU and memory.

The policy in words is README's "What uploads are refused, and why"; the budgets below are what it quotes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from .archives import CONTROL_PARTS, check_zip
from .base import ALLOWED_SUMMARY, ALLOWED_TYPES, SNIFF_BYTES, refuse
from .images import check_image
from .pdf import check_pdf
from .text import check_text


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def describe_size_over(size: int, limit: int) -> str:
    """One byte over a 20 MB limit reads "20.0 MB" both times; say it is just over instead."""
    if filesizeformat(size) == filesizeformat(limit):
        over = size - limit
        return (
            f"The file is just over the limit of {filesizeformat(limit)} per file "
            f"(by {over:,} byte{'s' if over != 1 else ''})."
        )
    return f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)} per file."


def evidence_check_file(*, upload: UploadedFile) -> CheckedFile:
    """Decide from its content whether a file may be stored, and say why not in words the uploader can act on.

    Reads the file once, in chunks, to hash it; then the check for its type, which never unpacks more than its
    budget whatever the file claims about itself."""
    size = upload.size or 0
    if size == 0:
        raise refuse("The file is empty. Choose the file again, or check it opens on your computer.")
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    if size > limit:
        raise refuse(
            f"{describe_size_over(size, limit)} "
            "Save a smaller version (for example, compress the images or split the document) and try again."
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    content_type = magic.from_buffer(head, mime=True)
    if content_type not in ALLOWED_TYPES:
        raise refuse(
            f"This file's content is not a type we accept (it looks like {describe_type(content_type)}), "
            f"whatever its name says. Allowed: {ALLOWED_SUMMARY}. Save it as one of these and try again."
        )
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    CHECKS[content_type](upload, content_type)
    upload.seek(0)
    return CheckedFile(content_type=content_type, size=size, sha256=digest.hexdigest())


def describe_type(content_type: str) -> str:
    """What a detected type is, in words; never the raw MIME type, which means nothing to most people."""
    known = {
        "text/html": "a web page",
        "application/xhtml+xml": "a web page",
        "image/svg+xml": "an SVG drawing",
        "application/zip": "a zip archive",
        "application/x-dosexec": "a Windows program",
        "application/vnd.microsoft.portable-executable": "a Windows program",
        "application/x-msdownload": "a Windows program",
        "application/x-ms-installer": "a Windows installer",
        "application/x-msi": "a Windows installer",
        "application/x-executable": "a program",
        "application/x-pie-executable": "a program",
        "application/x-sharedlib": "a program",
        "application/x-mach-binary": "a Mac program",
        "application/java-archive": "a Java program",
        "application/x-shellscript": "a script (program code)",
        "text/x-shellscript": "a script (program code)",
        "text/x-python": "program code",
        "text/x-script.python": "program code",
        "text/javascript": "program code",
        "application/javascript": "program code",
        "text/x-php": "program code",
        "text/x-c": "program code",
        "application/gzip": "a compressed archive",
        "application/x-bzip2": "a compressed archive",
        "application/x-xz": "a compressed archive",
        "application/x-tar": "a compressed archive",
        "application/x-7z-compressed": "a compressed archive",
        "application/x-rar": "a compressed archive",
        "application/vnd.rar": "a compressed archive",
        "application/msword": "an old-style Word document (.doc): save it as .docx or PDF",
        "application/vnd.ms-excel": "an old-style Excel file (.xls): save it as .xlsx or CSV",
        "application/vnd.ms-powerpoint": "an old-style PowerPoint file (.ppt): save it as .pptx or PDF",
        "application/vnd.ms-office": "an old-style Office file: save it as .docx, .xlsx, .pptx or PDF",
        "application/cdfv2": "an old-style Office file: save it as .docx, .xlsx, .pptx or PDF",
        "application/vnd.ms-word.document.macroenabled.12": "a Word document with macros: save it as .docx or PDF",
        "application/vnd.ms-excel.sheet.macroenabled.12": "an Excel file with macros: save it as .xlsx or CSV",
        "application/rtf": "a rich text file (.rtf): save it as .docx or PDF",
        "text/rtf": "a rich text file (.rtf): save it as .docx or PDF",
        "image/gif": "a GIF image: save it as PNG",
        "image/heic": "an iPhone photo (HEIC): save it as JPEG",
        "image/heif": "an iPhone photo (HEIC): save it as JPEG",
        "image/webp": "a WebP image: save it as PNG or JPEG",
        "image/tiff": "a TIFF image: save it as PNG or JPEG",
        "image/bmp": "a BMP image: save it as PNG",
        "application/octet-stream": "data we cannot recognise (if it is text, save it as UTF-8)",
        "application/x-empty": "an empty file",
    }
    if content_type.lower() in known:
        return known[content_type.lower()]
    family = content_type.split("/", 1)[0]
    return {
        "video": "a video: upload a PDF or document that describes it instead",
        "audio": "a sound recording: upload a transcript or summary instead",
        "image": "an image in a format we do not accept: save it as PNG or JPEG",
        "text": "a kind of text file we do not accept: save it as plain text (.txt) or CSV",
        "font": "a font",
    }.get(family, "a kind of file we do not accept")


CHECKS = {
    "application/pdf": check_pdf,
    "image/png": check_image,
    "image/jpeg": check_image,
    "text/plain": check_text,
    "text/csv": check_text,
    **dict.fromkeys(CONTROL_PARTS, check_zip),
}
