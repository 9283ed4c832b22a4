"""The evidence library: storing checked uploads, versions, links to standards, safe downloads."""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from workflow.audit import audit_log, lock_audit_trail

from ...models import Assessment, Evidence, EvidenceLink, Response, Service, User
from ..assessments import portfolio_lock_for_editing
from .checks import ALLOWED_TYPES, CheckedFile, evidence_check_file

logger = logging.getLogger(__name__)

# The name of Evidence's unique constraint on (service, sha256), as the database reports it when it is broken.
ONE_COPY_PER_SERVICE = "evidence_file_once_per_service"
STORAGE_FAILED = (
    "We could not store the file just now because of a problem on our side. Please try again later; your text is "
    "kept below, but choose the file again."
)


def service_storage_used(*, service: Service) -> int:
    return Evidence.objects.filter(service=service).exclude(file="").aggregate(total=Sum("size"))["total"] or 0


def download_name(evidence: Evidence) -> str:
    """The original name, with the extension the content really has (a PDF named .exe downloads as .pdf)."""
    name = evidence.original_name or evidence.title
    extension = ALLOWED_TYPES.get(evidence.content_type, ("", ""))[1]
    if extension and not name.lower().endswith(extension):
        if extension == ".jpg" and name.lower().endswith(".jpeg"):
            return name
        name = f"{name.rsplit('.', 1)[0] if '.' in name else name}{extension}"
    return name


def _check_space_and_duplicates(*, service: Service, checked: CheckedFile) -> None:
    """Run with the service's row locked, so two uploads at once cannot both fit in the last of the space or both
    be the first copy of a file."""
    duplicate = (
        Evidence.objects.filter(service=service, sha256=checked.sha256, superseded_at__isnull=True)
        .exclude(file="")
        .first()
    )
    if duplicate is not None:
        raise ValidationError(
            f"This file is already in your library as “{duplicate.title}”. Link that item to the standard instead "
            "of uploading it again."
        )
    used = service_storage_used(service=service)
    if used + checked.size > settings.EVIDENCE_MAX_SERVICE_BYTES:
        raise ValidationError(
            f"Your service's evidence library holds {filesizeformat(used)} of its "
            f"{filesizeformat(settings.EVIDENCE_MAX_SERVICE_BYTES)}, so this {filesizeformat(checked.size)} file does "
            "not fit. Remove evidence you no longer need, or ask your programme administrator."
        )


def _write(evidence: Evidence, upload: UploadedFile, checked: CheckedFile) -> None:
    # A name that sanitises to nothing ("..") is kept as "file"; the download is named from the content type anyway.
    evidence.original_name = (upload.name or "file")[-255:]
    evidence.size, evidence.content_type, evidence.sha256 = checked.size, checked.content_type, checked.sha256
    try:
        evidence.file.save("upload", upload, save=False)
    except Exception:
        # Any storage backend's failure (a full or read-only disk, an object store that is down): the person keeps
        # the form and is told to try later; the details go to the log for whoever runs the service.
        logger.exception("Evidence for service %s could not be written to storage.", evidence.service_id)
        raise ValidationError(STORAGE_FAILED, code="storage_failed") from None


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
        raise ValidationError({"owner": "Choose an owner from the service's team"})
    evidence.full_clean(exclude=["file", "previous_version", "lineage"])
    # The content checks cost CPU, so they run before any lock is taken.
    checked = evidence_check_file(upload=upload) if upload is not None else None
    try:
        with transaction.atomic():
            lock_audit_trail()
            Service.objects.select_for_update().filter(pk=service.pk).first()
            if _previous is not None:
                _supersede_first(previous=_previous)
            if checked is not None:
                _check_space_and_duplicates(service=service, checked=checked)
                _write(evidence, upload, checked)
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
                _move_links(previous=_previous, current=evidence, by=by)
    except IntegrityError as error:
        _discard(evidence)
        # Another path (the admin, a script) stored the same file meanwhile: the one-copy-per-service constraint
        # caught it. Any other broken constraint is a fault, not the uploader's to fix, and is raised as it is.
        if checked is None:
            raise
        duplicate = Evidence.objects.filter(service=service, sha256=checked.sha256, superseded_at__isnull=True).first()
        if duplicate is None and ONE_COPY_PER_SERVICE not in str(error):
            raise
        raise ValidationError(
            f"This file is already in your library as “{duplicate.title if duplicate else 'another item'}”. "
            "Link that item to the standard instead of uploading it again."
        ) from None
    except BaseException:
        _discard(evidence)
        raise
    return evidence


def _supersede_first(*, previous: Evidence) -> None:
    """Mark the old version superseded before the new one is saved: only one current item may hold a file."""
    updated = Evidence.objects.filter(pk=previous.pk, superseded_at__isnull=True).update(superseded_at=timezone.now())
    if not updated:
        raise ValidationError(
            "A newer version of this evidence has already been added. Open the newest version to add another."
        )


def _move_links(*, previous: Evidence, current: Evidence, by: User) -> None:
    """Links in portfolios still being edited move to the new version. Links in submitted portfolios stay on the
    version that was submitted: reviewers judge what they were sent."""
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
