"""The evidence library: checking and storing uploads, versions, links to standards, safe downloads."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import zipfile
from dataclasses import dataclass
from typing import IO

import magic
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from workflow.audit import audit_log

from ..models import Assessment, Evidence, EvidenceLink, Response, Service, User
from .assessments import portfolio_lock_for_editing

logger = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def service_storage_used(*, service: Service) -> int:
    return Evidence.objects.filter(service=service).exclude(file="").aggregate(total=Sum("size"))["total"] or 0


def evidence_check_file(*, service: Service, upload: UploadedFile) -> CheckedFile:
    """Decide from its content whether a file may be stored, and say why not in words the uploader can act on."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError("The file is empty. Choose the file again, or check it opens on your computer.")
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    if size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)} per file. "
            "Save a smaller version (for example, compress the images or split the document) and try again."
        )
    used = service_storage_used(service=service)
    if used + size > settings.EVIDENCE_MAX_SERVICE_BYTES:
        raise ValidationError(
            f"Your service's evidence library holds {filesizeformat(used)} of its "
            f"{filesizeformat(settings.EVIDENCE_MAX_SERVICE_BYTES)}, so this {filesizeformat(size)} file does not fit. "
            "Remove evidence you no longer need, or ask your programme administrator."
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    content_type = magic.from_buffer(head, mime=True)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            f"This file's content is not a type we accept (it looks like {describe_type(content_type)}), "
            f"whatever its name says. Allowed: {ALLOWED_SUMMARY}."
        )
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    _check_whole_file(upload, content_type)
    upload.seek(0)
    return CheckedFile(content_type=content_type, size=size, sha256=digest.hexdigest())


MARKUP = re.compile(rb"<\s*/?\s*(script|html|body|iframe|svg|object|embed|meta)\b", re.IGNORECASE)
ZIP_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "[Content_Types].xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "[Content_Types].xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "[Content_Types].xml",
    "application/vnd.oasis.opendocument.text": "mimetype",
    "application/vnd.oasis.opendocument.spreadsheet": "mimetype",
}


def _check_whole_file(upload: UploadedFile, content_type: str) -> None:
    """libmagic judges by the start of a file; text and Office files are checked all the way through."""
    if content_type in ("text/plain", "text/csv"):
        content = upload.read()
        if b"\x00" in content or MARKUP.search(content):
            raise ValidationError(
                "This file starts as plain text but contains something else further on (program code or web "
                f"markup). Allowed: {ALLOWED_SUMMARY}."
            )
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            try:
                content.decode("cp1252")
            except UnicodeDecodeError:
                raise ValidationError(
                    "This text file is not in a character encoding we can read. Save it as UTF-8 and try again."
                ) from None
    elif content_type in ZIP_PARTS:
        try:
            with zipfile.ZipFile(upload) as archive:
                broken = archive.testzip()
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
            broken, names = "archive", []
        if broken is not None or ZIP_PARTS[content_type] not in names:
            raise ValidationError(
                f"This {ALLOWED_TYPES[content_type][0]} is damaged or incomplete. Open it, save it again and retry."
            )


def describe_type(content_type: str) -> str:
    known = {
        "text/html": "a web page",
        "image/svg+xml": "an SVG drawing",
        "application/zip": "a zip archive",
        "application/x-dosexec": "a Windows program",
        "application/x-executable": "a program",
        "application/x-msdownload": "a Windows program",
        "application/gzip": "a compressed archive",
        "application/x-7z-compressed": "a compressed archive",
        "application/x-rar": "a compressed archive",
        "application/msword": "an old-style Word document (.doc): save it as .docx or PDF",
        "application/vnd.ms-excel": "an old-style Excel file (.xls): save it as .xlsx or CSV",
        "image/gif": "a GIF image: save it as PNG",
        "image/heic": "an iPhone photo (HEIC): save it as JPEG",
    }
    return known.get(content_type, content_type)


def download_name(evidence: Evidence) -> str:
    """The original name, with the extension the content really has (a PDF named .exe downloads as .pdf)."""
    name = evidence.original_name or evidence.title
    extension = ALLOWED_TYPES.get(evidence.content_type, ("", ""))[1]
    if extension and not name.lower().endswith(extension):
        if extension == ".jpg" and name.lower().endswith(".jpeg"):
            return name
        name = f"{name.rsplit('.', 1)[0] if '.' in name else name}{extension}"
    return name


def _store(evidence: Evidence, upload: UploadedFile | None, service: Service) -> None:
    if upload is None:
        return
    checked = evidence_check_file(service=service, upload=upload)
    if evidence.previous_version_id is None:
        duplicate = Evidence.objects.filter(service=service, sha256=checked.sha256, superseded_at__isnull=True).first()
        if duplicate is not None:
            raise ValidationError(
                f"This file is already in your library as “{duplicate.title}”. Link that item to the standard instead "
                "of uploading it again."
            )
    evidence.original_name = (upload.name or "file")[-255:]
    evidence.size, evidence.content_type, evidence.sha256 = checked.size, checked.content_type, checked.sha256
    evidence.file.save("upload", upload, save=False)


def _discard(evidence: Evidence) -> None:
    if evidence.file:
        evidence.file.storage.delete(evidence.file.name)


def evidence_create(
    *,
    service: Service,
    by: User,
    title: str,
    owner: User,
    no_personal_data: bool,
    description: str = "",
    kind: str = Evidence.Kind.DOCUMENT,
    effective_on: datetime.date | None = None,
    contributed_by: str = Evidence.Contributor.STAFF,
    upload: UploadedFile | None = None,
    link_to: Response | None = None,
    _previous: Evidence | None = None,
) -> Evidence:
    """Add an item to a service's library (a file or a written note), optionally linked to a standard at once.

    The file is checked by content before anything is stored; if anything fails, nothing is left behind."""
    if not by.has_perm("accreditation.add_evidence_item", service):
        raise PermissionDenied
    evidence = Evidence(
        service=service,
        title=title,
        description=description,
        kind=kind,
        effective_on=effective_on or timezone.localdate(),
        contributed_by=contributed_by,
        owner=owner,
        no_personal_data=no_personal_data,
        created_by=by,
    )
    if _previous is not None:
        evidence.previous_version, evidence.version, evidence.lineage = (
            _previous,
            _previous.version + 1,
            _previous.lineage,
        )
    if not no_personal_data:
        raise ValidationError(
            {"no_personal_data": "Confirm that you have removed anything that identifies a person before you upload."}
        )
    if owner.pk not in set(service.memberships.values_list("user_id", flat=True)):
        raise ValidationError({"owner": "The owner must be on the service's team."})
    evidence.full_clean(exclude=["file", "previous_version", "lineage"])
    try:
        with transaction.atomic():
            if (
                _previous is not None
                and not Evidence.objects.select_for_update()
                .filter(pk=_previous.pk, superseded_at__isnull=True)
                .exists()
            ):
                raise ValidationError("A newer version of this evidence has already been added.")
            _store(evidence, upload, service)
            evidence.save()
            audit_log(
                actor=by,
                action="accreditation.evidence.added" if _previous is None else "accreditation.evidence.new_version",
                target=evidence,
                to_state=f"version {evidence.version}",
                data={"sha256": evidence.sha256, "size": evidence.size, "content_type": evidence.content_type},
            )
            if link_to is not None:
                evidence_link(response=link_to, evidence=evidence, by=by)
            if _previous is not None:
                _supersede(previous=_previous, current=evidence, by=by)
    except BaseException:
        _discard(evidence)
        raise
    return evidence


def _supersede(*, previous: Evidence, current: Evidence, by: User) -> None:
    """Mark the old version superseded; links in portfolios still being edited move to the new version.

    Links in submitted portfolios stay on the version that was submitted: reviewers judge what they were sent."""
    updated = Evidence.objects.filter(pk=previous.pk, superseded_at__isnull=True).update(superseded_at=timezone.now())
    if not updated:
        raise ValidationError("A newer version of this evidence has already been added.")
    editable_links = EvidenceLink.objects.filter(
        evidence=previous, response__assessment__status__in=Assessment.EDITABLE_STATES
    )
    moved = list(editable_links.values_list("response_id", flat=True))
    editable_links.update(evidence=current)
    audit_log(
        actor=by,
        action="accreditation.evidence.superseded",
        target=previous,
        from_state=f"version {previous.version}",
        to_state=f"version {current.version}",
        data={"links_moved_for_responses": moved},
    )


def evidence_new_version(*, evidence: Evidence, by: User, upload: UploadedFile | None, **fields) -> Evidence:
    """A new version of an item, which supersedes it; fields not given are carried over."""
    if not by.has_perm("accreditation.manage_evidence", evidence):
        raise PermissionDenied
    carried = {
        name: getattr(evidence, name)
        for name in ("title", "description", "kind", "effective_on", "contributed_by", "owner", "no_personal_data")
    }
    return evidence_create(service=evidence.service, by=by, upload=upload, _previous=evidence, **(carried | fields))


def _check_link(*, response: Response, evidence: Evidence, by: User) -> None:
    response.assessment = portfolio_lock_for_editing(assessment_id=response.assessment_id, by=by)
    if evidence.service_id != response.assessment.service_id:
        raise PermissionDenied
    if not evidence.is_current:
        raise ValidationError("This is an old version of the evidence; link the current version instead.")


@transaction.atomic
def evidence_link(*, response: Response, evidence: Evidence, by: User) -> EvidenceLink:
    """Link an item to the standard it supports, in a portfolio still being edited."""
    _check_link(response=response, evidence=evidence, by=by)
    link, created = EvidenceLink.objects.get_or_create(response=response, evidence=evidence, defaults={"linked_by": by})
    if created:
        audit_log(
            actor=by,
            action="accreditation.evidence.linked",
            target=evidence,
            to_state=response.standard.code,
            data={"response": response.pk},
        )
    return link


@transaction.atomic
def evidence_unlink(*, response: Response, evidence: Evidence, by: User) -> None:
    response.assessment = portfolio_lock_for_editing(assessment_id=response.assessment_id, by=by)
    deleted, _ = EvidenceLink.objects.filter(response=response, evidence=evidence).delete()
    if deleted:
        audit_log(
            actor=by,
            action="accreditation.evidence.unlinked",
            target=evidence,
            from_state=response.standard.code,
            data={"response": response.pk},
        )


@transaction.atomic
def evidence_set_links(*, evidence: Evidence, responses: list[Response], assessment: Assessment, by: User) -> None:
    """From the evidence page: make `responses` exactly the standards this item supports in `assessment`."""
    wanted = {response.pk: response for response in responses if response.assessment_id == assessment.pk}
    current = {
        link.response_id: link.response
        for link in EvidenceLink.objects.filter(evidence=evidence, response__assessment=assessment).select_related(
            "response__standard", "response__assessment"
        )
    }
    for response_id, response in current.items():
        if response_id not in wanted:
            evidence_unlink(response=response, evidence=evidence, by=by)
    for response_id, response in wanted.items():
        if response_id not in current:
            evidence_link(response=response, evidence=evidence, by=by)


def evidence_frozen_links(*, evidence: Evidence) -> bool:
    """True when this item, or an earlier version of it, supports a portfolio that is no longer being edited."""
    return (
        EvidenceLink.objects.filter(evidence__lineage=evidence.lineage, evidence__service_id=evidence.service_id)
        .exclude(response__assessment__status__in=Assessment.EDITABLE_STATES)
        .exists()
    )


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: User) -> None:
    """Remove an item and its earlier versions, unless a submitted portfolio relies on any of them."""
    if not by.has_perm("accreditation.manage_evidence", evidence):
        raise PermissionDenied
    if evidence_frozen_links(evidence=evidence):
        raise ValidationError(
            "This evidence supports a portfolio that has been submitted, so it cannot be deleted. "
            "You can add a new version instead."
        )
    versions = list(
        Evidence.objects.filter(lineage=evidence.lineage, service_id=evidence.service_id).order_by("-version")
    )
    EvidenceLink.objects.filter(evidence__in=versions).delete()
    for version in versions:
        audit_log(
            actor=by, action="accreditation.evidence.deleted", target=version, from_state=f"version {version.version}"
        )
        version.delete()
    files = [version.file for version in versions if version.file]
    transaction.on_commit(lambda: [file.storage.delete(file.name) for file in files])


class EvidenceTampered(Exception):
    """The stored file no longer matches the hash taken when it was uploaded."""


def evidence_open_verified(*, evidence: Evidence) -> IO[bytes]:
    """Open the stored file for reading, after checking it is byte for byte what was uploaded.

    The same handle that was checked is returned, rewound, so the file cannot change between check and use."""
    try:
        stored = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError:
        logger.error("Evidence %s: the stored file %s is missing.", evidence.pk, evidence.file.name)
        raise
    digest = hashlib.sha256()
    for chunk in iter(lambda: stored.read(64 * 1024), b""):
        digest.update(chunk)
    if digest.hexdigest() != evidence.sha256:
        stored.close()
        logger.error("Evidence %s failed its integrity check: the stored file has changed since upload.", evidence.pk)
        raise EvidenceTampered
    stored.seek(0)
    return stored
