"""Peer review: who reviews which portfolio, their scores, the visit, consensus and the review report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from standards.models import Rating


class Conflict(models.Model):
    """A reviewer's declared conflict of interest with an organisation or one of its services."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(
        "accreditation.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        "accreditation.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(help_text="For example: used to work there; a close relative works there.")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(service__isnull=False), name="conflict_names_a_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer.full_name}: conflict with {self.service or self.organisation}"


class Assignment(models.Model):
    """One reviewer on one assessment's review team."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn: conflict of interest"
        REMOVED = "removed", "Removed"

    ACTIVE_STATES: tuple[str, ...] = (Status.INVITED, Status.ACCEPTED)

    assessment = models.ForeignKey("accreditation.Assessment", on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments")
    is_lead = models.BooleanField("lead reviewer", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED, editable=False)
    due_on = models.DateField(help_text="When the review should be finished.")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    no_conflict_declared_at = models.DateTimeField(null=True, blank=True)
    # When the reviewer submitted their scores for the current round; cleared when a new round starts.
    review_submitted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-is_lead", "assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "reviewer"],
                condition=Q(status__in=["invited", "accepted"]),
                name="reviewer_once_per_assessment",
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(is_lead=True, status__in=["invited", "accepted"]),
                name="one_lead_reviewer_per_assessment",
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "status"])]

    def __str__(self) -> str:
        role = "lead reviewer" if self.is_lead else "reviewer"
        return f"{self.reviewer.full_name} ({role}) on {self.assessment_id}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATES

    @property
    def can_see_portfolio(self) -> bool:
        return self.status == self.Status.ACCEPTED and self.no_conflict_declared_at is not None


class ReviewerScore(models.Model):
    """One reviewer's score and comment for one standard."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    response = models.ForeignKey("accreditation.Response", on_delete=models.CASCADE, related_name="reviewer_scores")
    score = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    comment = models.TextField(blank=True, max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "response"], name="one_score_per_standard")]

    def __str__(self) -> str:
        return f"{self.assignment.reviewer.full_name}: {self.response.standard.code} {self.score}"


class ScoreChange(models.Model):
    """Every change of a reviewer's score: who, when, from what to what, in which round. Append-only."""

    score = models.ForeignKey(ReviewerScore, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    round_number = models.PositiveSmallIntegerField()
    old_score = models.CharField(max_length=12, blank=True)
    new_score = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_score or 'none'} → {self.new_score or 'none'}"


class ActionPoint(models.Model):
    """Further work asked of the team when reviewers return a portfolio: overall, or about one standard."""

    assessment = models.ForeignKey("accreditation.Assessment", on_delete=models.CASCADE, related_name="action_points")
    round_number = models.PositiveSmallIntegerField()
    response = models.ForeignKey(
        "accreditation.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="action_points"
    )
    text = models.TextField(max_length=3000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_number", "response__standard__value__order", "response__standard__order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Visit(models.Model):
    """The award visit, as the lead reviewer records it."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    assessment = models.OneToOneField("accreditation.Assessment", on_delete=models.CASCADE, related_name="visit")
    visited_on = models.DateField("date of the visit")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    met = models.TextField(
        "who you met",
        help_text="Roles only, never the names of people who use the service: e.g. 6 people who use the service, "
        "2 nurses, the ward manager.",
    )
    findings = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Visit on {self.visited_on}"


class ConsensusScore(models.Model):
    """The review team's agreed score for one standard, with a reason wherever reviewers disagreed."""

    response = models.OneToOneField("accreditation.Response", on_delete=models.CASCADE, related_name="consensus")
    score = models.CharField(max_length=12, choices=Rating.choices)
    reason = models.TextField(blank=True, max_length=3000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.response.standard.code}: {self.score}"


class ReviewReport(models.Model):
    """The review team's report: drafted by the lead, checked by the team for accuracy, then finalised."""

    assessment = models.OneToOneField("accreditation.Assessment", on_delete=models.CASCADE, related_name="report")
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    action_points = models.TextField(blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    team_comments = models.TextField(
        "factual-accuracy comments", blank=True, help_text="Anything in the draft that is factually wrong, and why."
    )
    team_commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team_commented_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Review report for {self.assessment}"

    @property
    def is_written(self) -> bool:
        return all(text.strip() for text in (self.strengths, self.areas_for_development, self.action_points))
