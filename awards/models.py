"""The end of the cycle: the panel's decision, conditions, appeals, the award and its PDF report."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from accreditation.models import evidence_storage
from reviews.models import Assignment
from workflow.rules import is_administrator, is_signed_in


class Outcome(models.TextChoices):
    AWARDED = "awarded", "Awarded"
    DEFERRED = "deferred", "Deferred"
    NOT_AWARDED = "not_awarded", "Not awarded"


class Decision(models.Model):
    """The award panel's decision on an assessment. A deferral may be followed by a second decision."""

    assessment = models.ForeignKey("accreditation.Assessment", on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    recommended = models.CharField(
        "recommended outcome", max_length=12, choices=Outcome.choices, help_text="What the award rule recommended."
    )
    override_reason = models.TextField(blank=True)
    decided_on = models.DateField()
    rationale = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "accreditation_decision"
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.decided_on}"

    @property
    def overrides_recommendation(self) -> bool:
        return self.outcome != self.recommended

    @property
    def reference(self) -> str:
        """How a person quotes this decision: D-00007."""
        return f"D-{self.pk:05d}"

    def appeal_deadline(self) -> datetime.date:
        return self.decided_on + datetime.timedelta(days=settings.APPEAL_WINDOW_DAYS)


class PanelMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        ADMINISTRATOR = "administrator", "Programme administrator"
        REVIEWER = "reviewer", "Peer reviewer"
        LIVED_EXPERIENCE = "lived_experience", "Lived-experience member"
        OTHER = "other", "Other"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="panel")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        db_table = "accreditation_panelmember"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Condition(models.Model):
    """What a deferred service must show, by when. The lead reviewer checks it; then the award can be made."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="conditions")
    text = models.TextField()
    due_on = models.DateField()
    met_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_note = models.TextField(blank=True)

    class Meta:
        db_table = "accreditation_condition"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Appeal(models.Model):
    class Status(models.TextChoices):
        LODGED = "lodged", "Lodged, waiting for its outcome"
        UPHELD = "upheld", "Upheld"
        DISMISSED = "dismissed", "Dismissed"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    grounds = models.TextField()
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LODGED, editable=False)
    result_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accreditation_appeal"
        ordering = ["-lodged_at"]

    def __str__(self) -> str:
        return f"Appeal against {self.decision}"


def new_verification_code() -> str:
    """Random and unguessable (about 60 bits), in letters and digits that are hard to misread."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class AwardQuerySet(models.QuerySet):
    def visible_to(self, user) -> AwardQuerySet:
        """The awards whose page, decision and reports `user` may see: the twin of the `awards.view_award`
        permission (the service's team, the reviewers of its assessment, administrators)."""
        if is_administrator(user):
            return self.all()
        if not is_signed_in(user):
            return self.none()
        team = models.Q(service_id__in=user.memberships.values("service_id"))
        if not user.is_reviewer:
            return self.filter(team)
        own_organisations = user.memberships.values("service__organisation_id")
        reviewing = models.Exists(
            Assignment.objects.filter(
                assessment=models.OuterRef("assessment"),
                reviewer=user,
                status=Assignment.Status.ACCEPTED,
                no_conflict_declared_at__isnull=False,
            )
        ) & ~models.Q(service__organisation__in=own_organisations)
        return self.filter(team | reviewing)

    def valid_on(self, today: datetime.date) -> AwardQuerySet:
        """Awards valid on `today` (an overdue interim review does not stop an award being valid). The SQL twin of
        `Award.is_valid_on`; a test holds them to the same answer."""
        return self.filter(state=Award.State.IN_FORCE, valid_from__lte=today, valid_until__gte=today)


class Award(models.Model):
    """A service's award: a public reference, an unguessable verification code, and dates. Its status follows
    from the dates and from what administrators have done (suspend, revoke)."""

    class Status(models.TextChoices):
        VALID = "valid", "Valid"
        INTERIM_OVERDUE = "interim_overdue", "Valid, interim review overdue"
        EXPIRED = "expired", "Expired"
        SUSPENDED = "suspended", "Suspended"
        REVOKED = "revoked", "Revoked"

    class State(models.TextChoices):
        """What administrators have done to the award; whether it is valid also depends on the dates."""

        IN_FORCE = "in_force", "In force"
        SUSPENDED = "suspended", "Suspended"
        REVOKED = "revoked", "Revoked"

    assessment = models.OneToOneField("accreditation.Assessment", on_delete=models.PROTECT, related_name="award")
    service = models.ForeignKey("accreditation.Service", on_delete=models.PROTECT, related_name="awards")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20, unique=True)
    verification_code = models.CharField(max_length=12, unique=True, default=new_verification_code, editable=False)
    valid_from = models.DateField()
    valid_until = models.DateField()
    interim_due_on = models.DateField()
    interim_completed_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FORCE, editable=False)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        db_table = "accreditation_award"
        ordering = ["-valid_from", "reference"]
        indexes = [models.Index(fields=["valid_until", "state"])]

    def __str__(self) -> str:
        return self.reference

    def status_on(self, today: datetime.date) -> str:
        if self.state == self.State.REVOKED:
            return self.Status.REVOKED
        if self.state == self.State.SUSPENDED:
            return self.Status.SUSPENDED
        if today > self.valid_until:
            return self.Status.EXPIRED
        if self.interim_completed_on is None and today > self.interim_due_on:
            return self.Status.INTERIM_OVERDUE
        return self.Status.VALID

    def is_valid_on(self, today: datetime.date) -> bool:
        """The one definition of a valid award in Python; `AwardQuerySet.valid_on` is its twin in SQL."""
        return self.state == self.State.IN_FORCE and self.valid_from <= today <= self.valid_until

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def status_in_words(self) -> str:
        """The status as a member of the public should read it."""
        status = self.status
        if status == self.Status.VALID:
            return f"This award is valid until {self.valid_until:%-d %B %Y}."
        if status == self.Status.INTERIM_OVERDUE:
            return (
                f"This award is valid until {self.valid_until:%-d %B %Y}. Its interim review, due on "
                f"{self.interim_due_on:%-d %B %Y}, has not yet been completed."
            )
        if status == self.Status.EXPIRED:
            return f"This award expired on {self.valid_until:%-d %B %Y}. It is no longer valid."
        if status == self.Status.SUSPENDED:
            return f"This award was suspended on {self.suspended_at:%-d %B %Y}. It is not valid while suspended."
        return f"This award was revoked on {self.revoked_at:%-d %B %Y}. It is no longer valid."

    @property
    def is_valid(self) -> bool:
        return self.is_valid_on(timezone.localdate())


class AwardReferenceCounter(models.Model):
    """The last award reference number given in a year. Issuing an award locks its year's row, so two decisions at
    the same moment take consecutive numbers; the row commits or rolls back with the award, so no number is lost."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def report_upload_to(instance: AwardReport, filename: str) -> str:
    return f"reports/{instance.award_id}/{instance.award.reference}-v{instance.version}-{secrets.token_hex(8)}.pdf"


class AwardReport(models.Model):
    """One version of an award's PDF report. A new version is made whenever the award changes."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        GENERATING = "generating", "Generating"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=200, help_text="Why this version was made.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, editable=False)
    error = models.TextField(blank=True)
    # The same private storage as evidence: never served by URL, only through a permission-checked view.
    file = models.FileField(storage=evidence_storage, upload_to=report_upload_to, blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # While generating: the worker making it holds it until then. A worker that dies (killed, a machine going down)
    # cannot say so; once the lease is over, another worker or the recovery task takes the report over.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker has started making this version: the recovery task queues it again once, not for ever.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "accreditation_awardreport"
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["award", "version"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"{self.award.reference} report v{self.version}"

    @property
    def lease_is_over(self) -> bool:
        """Whether the worker making it has had its time (a report generating with no lease was started before
        reports had one, so its worker is long gone)."""
        return self.lease_expires_at is None or self.lease_expires_at <= timezone.now()
