"""Peer review: who reviews which portfolio, their scores, the visit, consensus and the review report."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

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


class ReviewRound(models.Model):
    """One round of the review, opened when the team submits or resubmits its portfolio. What reviewers scored and
    submitted, and the action points they returned, belong to their round and stay readable after the next one."""

    assessment = models.ForeignKey("accreditation.Assessment", on_delete=models.CASCADE, related_name="review_rounds")
    number = models.PositiveSmallIntegerField()
    submission = models.OneToOneField(
        "accreditation.Submission",
        on_delete=models.CASCADE,
        related_name="review_round",
        help_text="What the team sent.",
    )
    opened_at = models.DateTimeField(default=timezone.now)
    # The round under way (the latest). Kept as a flag, set when the next round opens, so that reading "this round's
    # scores" is a plain join rather than a search for later rounds on every query of every scoring page.
    is_current = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="review_round_unique"),
            models.UniqueConstraint(
                fields=["assessment"], condition=models.Q(is_current=True), name="one_current_round_per_assessment"
            ),
        ]

    def __str__(self) -> str:
        return f"Round {self.number} of the review of {self.assessment_id}"


class InRoundQuerySet(models.QuerySet):
    """Rows that belong to a round: scores, review submissions, action points."""

    def current(self):
        """Only those of their assessment's current round (the latest)."""
        return self.filter(round__is_current=True)

    def current_of(self, assessment_id: int):
        """The same, when the assessment is known: the round is looked up once for the whole query (not joined for
        every row, as a correlated subquery per standard would)."""
        return self.filter(
            round_id=Subquery(ReviewRound.objects.filter(assessment_id=assessment_id, is_current=True).values("pk")[:1])
        )


class AssignmentQuerySet(models.QuerySet):
    def with_review_submitted(self):
        """Each with `review_submitted_at`: when the reviewer submitted their scores for the current round (None:
        not yet). In the same query, so a page's count does not grow with its reviewers."""
        submitted = ReviewSubmission.objects.filter(assignment=OuterRef("pk")).current().values("submitted_at")[:1]
        return self.annotate(review_submitted_at=Subquery(submitted))


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
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    objects = AssignmentQuerySet.as_manager()

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


class ReviewSubmission(models.Model):
    """A reviewer's scores for one round are done: from then on they see the other reviewers' scores of that round."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="review_submissions")
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="review_submissions")
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = InRoundQuerySet.as_manager()

    class Meta:
        ordering = ["round", "submitted_at"]
        constraints = [models.UniqueConstraint(fields=["assignment", "round"], name="one_review_submission_per_round")]

    def __str__(self) -> str:
        return f"Scores of assignment {self.assignment_id} submitted for round {self.round_id}"


class ReviewerScore(models.Model):
    """One reviewer's score and comment for one standard in one round. A new round starts from a copy of the
    previous round's scores; the previous round's rows are never changed again."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="scores")
    response = models.ForeignKey("accreditation.Response", on_delete=models.CASCADE, related_name="reviewer_scores")
    score = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    comment = models.TextField(blank=True, max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InRoundQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round", "response"], name="one_score_per_standard_and_round")
        ]

    def __str__(self) -> str:
        return f"{self.assignment.reviewer.full_name}: {self.response.standard.code} {self.score}"


class ScoreChange(models.Model):
    """Every change of a reviewer's score: who, when, from what to what. Append-only. The round is the score's own:
    each round has its own score rows."""

    score = models.ForeignKey(ReviewerScore, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    old_score = models.CharField(max_length=12, blank=True)
    new_score = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_score or 'none'} → {self.new_score or 'none'}"


class ActionPoint(models.Model):
    """Further work asked of the team when reviewers return a portfolio: overall, or about one standard."""

    assessment = models.ForeignKey("accreditation.Assessment", on_delete=models.CASCADE, related_name="action_points")
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="action_points")
    response = models.ForeignKey(
        "accreditation.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="action_points"
    )
    text = models.TextField(max_length=3000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InRoundQuerySet.as_manager()

    class Meta:
        ordering = ["round__number", "response__standard__value__order", "response__standard__order", "id"]

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
    # When the team lead sent the team's factual-accuracy comments (the comments themselves: ReportComment; none
    # sent means no corrections).
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

    @property
    def comments_due_on(self) -> datetime.date | None:
        """The last day the team may send factual-accuracy comments: REPORT_COMMENTS_DAYS after the release."""
        if self.released_at is None:
            return None
        return timezone.localdate(self.released_at) + datetime.timedelta(days=settings.REPORT_COMMENTS_DAYS)

    @property
    def comments_deadline_passed(self) -> bool:
        due_on = self.comments_due_on
        return due_on is not None and timezone.localdate() > due_on

    @property
    def open_for_comments(self) -> bool:
        """Released, the team's comments not yet sent, and the deadline not passed."""
        return self.released_at is not None and self.team_commented_at is None and not self.comments_deadline_passed


class ReportComment(models.Model):
    """One of the team's factual-accuracy comments on the draft report, and the lead reviewer's answer to it. The team
    lead adds comments until the team sends them (ReviewReport.team_commented_at); the lead reviewer answers each
    before finalising: accepted, saying what was corrected, or not accepted, saying why."""

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", "Accepted: the report is corrected"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    report = models.ForeignKey(ReviewReport, on_delete=models.CASCADE, related_name="comments")
    about = models.CharField(
        "what it is about", max_length=300, blank=True, help_text="A part of the report or a standard; empty: all."
    )
    text = models.TextField(max_length=5000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=12, choices=Answer.choices, blank=True)
    answer_text = models.TextField(
        blank=True, max_length=5000, help_text="Accepted: the correction made. Not accepted: the reason."
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Comment on the report for {self.report.assessment_id}: {self.text[:60]}"

    @property
    def is_accepted(self) -> bool:
        return self.answer == self.Answer.ACCEPTED
