from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models

from workflow.rules import is_administrator, is_signed_in


def evidence_storage():
    return storages["evidence"]


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A server-generated name: nothing the uploader typed reaches the file system."""
    return f"evidence/{instance.service_id}/{uuid.uuid4().hex}"


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvidenceQuerySet:
        """The evidence `user` may see in a library: the twin of the `accreditation.see_evidence` permission."""
        if is_administrator(user):
            return self.all()
        if not is_signed_in(user):
            return self.none()
        return self.filter(service_id__in=user.memberships.values("service_id"))


class Evidence(models.Model):
    """Something in a service's evidence library: a file or a written note, linked to the standards it supports."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        IMAGE = "image", "Image or photo"
        SURVEY = "survey", "Survey summary"
        MEETING = "meeting", "Meeting record"
        POLICY = "policy", "Policy"
        TRAINING = "training", "Training record"
        OTHER = "other", "Other"

    class Contributor(models.TextChoices):
        STAFF = "staff", "Staff"
        SERVICE_USER = "service_user", "A person using the service"
        FAMILY = "family", "Family or carer"
        OTHER = "other", "Someone else"

    service = models.ForeignKey("accreditation.Service", on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What this shows, and which part to look at.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    effective_on = models.DateField(
        "date of the evidence",
        default=datetime.date.today,
        help_text="When the meeting, survey or event took place, or when the document took effect.",
    )
    contributed_by = models.CharField(max_length=15, choices=Contributor.choices, default=Contributor.STAFF)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The team member who looks after this item.",
    )
    no_personal_data = models.BooleanField(
        "contains no identifiable personal data",
        default=False,
        help_text="Names, photos of faces, dates of birth and case details must be removed before upload.",
    )

    file = models.FileField(storage=evidence_storage, upload_to=evidence_upload_to, blank=True, max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True, help_text="Detected from the content, not the name.")
    sha256 = models.CharField(max_length=64, blank=True)

    # Every version of one item shares a lineage, so its history is one query.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["-effective_on", "title"]
        indexes = [models.Index(fields=["service", "superseded_at", "title"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(no_personal_data=True), name="evidence_confirms_no_personal_data"
            ),
            # One current copy of a file per service: two uploads of it at once cannot both be stored.
            models.UniqueConstraint(
                fields=["service", "sha256"],
                condition=models.Q(superseded_at__isnull=True) & ~models.Q(sha256=""),
                name="evidence_file_once_per_service",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_file(self) -> bool:
        return bool(self.file)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class EvidenceLink(models.Model):
    """Evidence supporting one standard in one assessment."""

    response = models.ForeignKey("accreditation.Response", on_delete=models.CASCADE, related_name="links")
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "evidence"], name="evidence_linked_once")]

    def __str__(self) -> str:
        return f"{self.evidence} → {self.response}"
