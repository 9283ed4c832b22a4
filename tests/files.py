"""Small, real files of every type the evidence library meets, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def _odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, fmt)
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


# name -> (bytes, the type libmagic must detect)
ALLOWED = {
    "minutes.pdf": (PDF, "application/pdf"),
    "policy.docx": (
        _ooxml("word/document.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "rota.xlsx": (_ooxml("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "talk.pptx": (
        _ooxml("ppt/presentation.xml"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "notes.odt": (_odf("application/vnd.oasis.opendocument.text"), "application/vnd.oasis.opendocument.text"),
    "scores.ods": (
        _odf("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    "garden.png": (_image("PNG"), "image/png"),
    "mural.jpg": (_image("JPEG"), "image/jpeg"),
    "minutes.txt": (b"Community meeting\nEveryone agreed the new rota.\n", "text/plain"),
    "survey.csv": (b"value,score\nBEL,4\nBOU,3\nCOM,5\n", "text/csv"),
}

# name -> (bytes, a phrase the refusal must contain)
REFUSED = {
    "report.pdf": (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 400, "a Windows program"),
    "page.html": (b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>", "a web page"),
    "drawing.svg": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "an SVG drawing"),
    "bundle.zip": (_zip(), "a zip archive"),
    "empty.pdf": (b"", "The file is empty"),
}


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    if content is None:
        content = ALLOWED[name][0]
    return SimpleUploadedFile(name, content)
