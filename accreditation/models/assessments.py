from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from standards.models import Rating
from workflow.rules import is_administrator, is_signed_in

NARRATIVE_MAX_LENGTH = 10_000


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssessmentQuerySet:
        """The portfolios `user` may see: the twin of the `accreditation.view_portfolio` permission."""
        if is_administrator(user):
            return self.all()
        if not is_signed_in(user):
            return self.none()
        return self.filter(service_id__in=user.memberships.values("service_id"))


class Assessment(models.Model):
    """One cycle of a service's portfolio against one edition of the standards, which it keeps for life."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial"
        INTERIM = "interim", "Interim review"
        RENEWAL = "renewal", "Renewal"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        RETURNED = "returned", "Returned for further work"
        RESUBMITTED = "resubmitted", "Resubmitted"
        REPORT_DRAFT = "report_draft", "Draft report with the team"
        REPORT_FINAL = "report_final", "Report final, awaiting decision"
        DEFERRED = "deferred", "Deferred: conditions to meet"
        DECIDED = "decided", "Decided"

    # States in which the portfolio is finished with; any other state is "open", and a service has one open at most.
    CLOSED_STATES: tuple[str, ...] = ("decided", "withdrawn")
    # States in which the team may edit its portfolio.
    EDITABLE_STATES: tuple[str, ...] = (Status.DRAFT, Status.RETURNED)
    # States in which reviewers are at work on it (assigned, scoring, visiting, reporting).
    REVIEW_STATES: tuple[str, ...] = (
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.RETURNED,
        Status.RESUBMITTED,
        Status.REPORT_DRAFT,
    )
    # States in which a review report can exist (drafted, released to the team, final, decided on).
    REPORT_STATES: tuple[str, ...] = (Status.REPORT_DRAFT, Status.REPORT_FINAL, Status.DEFERRED, Status.DECIDED)

    service = models.ForeignKey("accreditation.Service", on_delete=models.PROTECT, related_name="assessments")
    edition = models.ForeignKey("standards.Edition", on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INITIAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    due_on = models.DateField(help_text="When the portfolio should be submitted.")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=~Q(status__in=["decided", "withdrawn"]),
                name="one_open_assessment_per_service",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.name}: {self.get_kind_display().lower()} assessment ({self.edition.code})"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATES

    @property
    def reference(self) -> str:
        """How a person quotes this portfolio (to the programme team, in an e-mail): PF-00012."""
        return f"PF-{self.pk:05d}"


class Submission(models.Model):
    """One round: what the team sent, frozen at the moment of (re)submission, so rounds can be compared."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # {standard code: {"rating", "narrative", "evidence": [{"id", "title", "version", "sha256"}]}}
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "number"], name="submission_round_unique")]

    def __str__(self) -> str:
        return f"Round {self.number} of {self.assessment}"


class Response(models.Model):
    """The team's self-assessment against one standard: a rating, a narrative and linked evidence."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    standard = models.ForeignKey("standards.Standard", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField("self-rating", max_length=12, choices=Rating.choices, blank=True)
    narrative = models.TextField(blank=True, validators=[MaxLengthValidator(NARRATIVE_MAX_LENGTH)])
    # Optimistic locking: a save names the version it started from and is refused if someone saved in between.
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ManyToManyField(
        "accreditation.Evidence", through="accreditation.EvidenceLink", related_name="responses"
    )

    class Meta:
        ordering = ["assessment", "standard__value__order", "standard__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "standard"], name="one_response_per_standard"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.code} in {self.assessment}"
