"""Who is on a review team, who could be, and why not."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Trim

from accreditation.models import Assessment, Response, ServiceMembership, User

from ..models import Assignment, Conflict, ReportComment, ReviewerScore, ReviewReport, ReviewSubmission, Visit

ACTIVE = Assignment.ACTIVE_STATES


def assessment_for_review(*, pk: int) -> Assessment | None:
    return Assessment.objects.select_related("service__organisation", "edition").filter(pk=pk).first()


def assignment_for_reviewer(*, pk: int) -> Assignment | None:
    return (
        Assignment.objects.select_related("assessment__service__organisation", "assessment__edition", "reviewer")
        .with_review_submitted()
        .filter(pk=pk)
        .first()
    )


def assignment_of(*, assessment: Assessment, user: User) -> Assignment | None:
    """The person's active assignment on this assessment, if any."""
    assignment = assessment.assignments.with_review_submitted().filter(reviewer=user, status__in=ACTIVE).first()
    if assignment is not None:
        assignment.assessment = assessment
    return assignment


def _count(queryset, group: str) -> Coalesce:
    """How many rows of `queryset` there are, as a subquery to annotate with (0 when none)."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def comments_due_on(released_at: datetime.datetime | None) -> datetime.date | None:
    """The last day for the team's comments on a draft report released at `released_at`: the rule of
    `ReviewReport.comments_due_on`, for a report read only as a date."""
    return ReviewReport(released_at=released_at).comments_due_on


def assignments_for_reviewer(*, user: User) -> list[Assignment]:
    """A reviewer's current assignments on open work, soonest due first, in one query, each with what their home
    needs to say what is theirs to do now:

    - `n_scored` of `n_standards` scored this round, and `review_submitted_at` (None: not yet submitted);
    - for the lead reviewer's work: `has_visit`, `n_without_consensus`, `report_written`, `n_still_scoring` (active
      reviewers who have not submitted this round), `report_released_at`, `comments_due_on`, `team_commented_at`
      and `n_unanswered` (the team's comments still without the lead reviewer's answer).
    """
    assessment = OuterRef("assessment_id")
    report = ReviewReport.objects.filter(assessment=assessment)
    written = report.annotate(s=Trim("strengths"), a=Trim("areas_for_development"), p=Trim("action_points")).exclude(
        Q(s="") | Q(a="") | Q(p="")
    )
    submitted_this_round = ReviewSubmission.objects.filter(assignment=OuterRef("pk"), round__is_current=True)
    still_scoring = (
        Assignment.objects.filter(assessment=assessment, status__in=ACTIVE)
        .annotate(done=Exists(submitted_this_round))
        .filter(done=False)
    )
    assignments = list(
        Assignment.objects.filter(reviewer=user, status__in=ACTIVE)
        .exclude(assessment__status__in=Assessment.CLOSED_STATES)
        .select_related("assessment__service__organisation")
        .with_review_submitted()
        .annotate(
            n_scored=_count(
                ReviewerScore.objects.filter(assignment=OuterRef("pk"), round__is_current=True).exclude(score=""),
                "assignment",
            ),
            n_standards=_count(Response.objects.filter(assessment=assessment), "assessment"),
            n_without_consensus=_count(
                Response.objects.filter(assessment=assessment, consensus__isnull=True), "assessment"
            ),
            n_still_scoring=_count(still_scoring, "assessment"),
            has_visit=Exists(Visit.objects.filter(assessment=assessment)),
            report_written=Exists(written),
            report_released_at=Subquery(report.values("released_at")[:1]),
            team_commented_at=Subquery(report.values("team_commented_at")[:1]),
            n_unanswered=_count(ReportComment.objects.filter(report__assessment=assessment, answer=""), "report"),
        )
        .order_by("due_on", "pk")
    )
    for assignment in assignments:
        assignment.comments_due_on = comments_due_on(assignment.report_released_at)
    return assignments


def report_dates(*, assessment_ids: Iterable[int]) -> dict[int, ReviewReport]:
    """Each assessment's review report, if it has one, with only its dates: when it was released to the team (and so
    when comments are due), when the team sent its comments, when it was finalised. One query."""
    reports = ReviewReport.objects.filter(assessment_id__in=list(assessment_ids)).only(
        "assessment_id", "released_at", "team_commented_at", "finalised_at"
    )
    return {report.assessment_id: report for report in reports}


def review_team(*, assessment: Assessment) -> list[Assignment]:
    """Everyone who has been on the review team, current members first, with who assigned them."""
    team = sorted(
        assessment.assignments.select_related("reviewer", "assigned_by").with_review_submitted(),
        key=lambda a: (not a.is_active, not a.is_lead, a.assigned_at),
    )
    for member in team:
        member.assessment = assessment
    return team


def conflict_reasons(*, assessment: Assessment, reviewers: Sequence[User]) -> dict[int, list[str]]:
    """Why each of these people may not review this assessment, in words (an empty list: they may). The one
    definition of a conflict of interest: the same organisation, a declared conflict, or already on the team.
    Three queries however many people; the assessment comes with its service and organisation."""
    service = assessment.service
    reasons: dict[int, list[str]] = {reviewer.pk: [] for reviewer in reviewers}
    for reviewer in reviewers:
        if not (reviewer.is_active and reviewer.is_reviewer):
            reasons[reviewer.pk].append("not an active peer reviewer")
    same_organisation = (
        ServiceMembership.objects.filter(user__in=list(reasons), service__organisation_id=service.organisation_id)
        .order_by("service__name")
        .values_list("user_id", "service__name")
    )
    named = set()
    for user_id, service_name in same_organisation:
        if user_id not in named:
            named.add(user_id)
            reasons[user_id].append(
                f"on the team of {service_name}, in the same organisation ({service.organisation.name})"
            )
    declared = (
        Conflict.objects.filter(Q(organisation_id=service.organisation_id) | Q(service_id=service.pk))
        .filter(reviewer__in=list(reasons))
        .order_by("declared_at", "pk")
        .values_list("reviewer_id", "reason")
    )
    for reviewer_id, reason in declared:
        reasons[reviewer_id].append(f"declared a conflict of interest: {reason.strip().rstrip('.')}")
    for reviewer_id in assessment.assignments.filter(status__in=ACTIVE, reviewer__in=list(reasons)).values_list(
        "reviewer_id", flat=True
    ):
        reasons[reviewer_id].append("already on this review team")
    return reasons


@dataclass(frozen=True)
class Candidate:
    reviewer: User
    reasons: list[str]


def reviewer_candidates(*, assessment: Assessment) -> list[Candidate]:
    """Every active reviewer, with the reasons (if any) they may not review this assessment. Four queries."""
    reviewers = list(User.objects.filter(is_active=True, is_reviewer=True).order_by("full_name"))
    reasons = conflict_reasons(assessment=assessment, reviewers=reviewers)
    return [Candidate(reviewer=reviewer, reasons=reasons[reviewer.pk]) for reviewer in reviewers]
