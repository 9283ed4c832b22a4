"""Who is on a review team, who could be, and why not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery

from accreditation.models import Assessment, ServiceMembership, User

from ..models import Assignment, Conflict, ReviewRound

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


def assignments_for_reviewer(*, user: User) -> list[Assignment]:
    """A reviewer's current assignments, soonest due first, with how many standards they have scored this round and
    whether they have submitted their scores."""
    current_round = ReviewRound.objects.filter(assessment=OuterRef("assessment"), is_current=True).values("pk")[:1]
    return list(
        Assignment.objects.filter(reviewer=user, status__in=ACTIVE)
        .exclude(assessment__status__in=Assessment.CLOSED_STATES)
        .select_related("assessment__service__organisation")
        .with_review_submitted()
        .annotate(
            n_scored=Count(
                "scores", filter=~Q(scores__score="") & Q(scores__round=Subquery(current_round)), distinct=True
            ),
            n_standards=Count("assessment__responses", distinct=True),
        )
        .order_by("due_on", "pk")
    )


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
