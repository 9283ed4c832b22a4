"""The programme at a glance: every assessment by state."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accreditation.models import Assessment
from accreditation.selectors.people import Queue, queue_of

from ..models import Assignment, ReviewSubmission


def assessments_by_state(*, state: str = "") -> tuple[list[tuple[str, str, int]], QuerySet[Assessment]]:
    """Counts per state (every state, zero included) and the assessments in `state` (all open ones if empty)."""
    counts = dict(Assessment.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    states = [(value, label, counts.get(value, 0)) for value, label in Assessment.Status.choices]
    assessments = Assessment.objects.select_related("service__organisation", "edition").annotate(
        n_reviewers=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE_STATES), distinct=True)
    )
    assessments = (
        assessments.filter(status=state) if state else assessments.exclude(status__in=Assessment.CLOSED_STATES)
    )
    return states, assessments.order_by("status", "submitted_at", "pk")


# The administrator's queues: open work waiting for them, most urgent first (see the home page).

# An invitation nobody has answered for this long needs chasing.
INVITATION_ANSWER_DAYS = 7
# The review team can change while the portfolio has not gone past the review (as `reviews.manage_team` says).
TEAM_STATES = ("submitted", "in_review", "returned", "resubmitted")


def waiting_for_reviewers() -> Queue:
    """Portfolios handed in for review that have no lead reviewer (none named yet, or the one named has left)."""
    lead = Assignment.objects.filter(assessment=OuterRef("pk"), is_lead=True, status__in=Assignment.ACTIVE_STATES)
    return queue_of(
        Assessment.objects.filter(status__in=("submitted", "in_review", "resubmitted"))
        .exclude(Exists(lead))
        .select_related("service__organisation")
        .order_by("submitted_at", "pk")
    )


def invitations_to_chase(*, now: datetime.datetime | None = None) -> Queue:
    """Reviewers who declined (or declared a conflict) with nobody invited since, and invitations not answered
    within INVITATION_ANSWER_DAYS, on review teams that can still change."""
    now = now or timezone.now()
    invited_since = Assignment.objects.filter(assessment=OuterRef("assessment"), assigned_at__gt=OuterRef("ended_at"))
    open_teams = Assignment.objects.filter(assessment__status__in=TEAM_STATES)
    said_no = open_teams.filter(status__in=(Assignment.Status.DECLINED, Assignment.Status.WITHDRAWN)).exclude(
        Exists(invited_since)
    )
    unanswered = open_teams.filter(
        status=Assignment.Status.INVITED, assigned_at__lt=now - datetime.timedelta(days=INVITATION_ANSWER_DAYS)
    )
    return queue_of(
        (said_no | unanswered)
        .select_related("assessment__service__organisation", "reviewer")
        .order_by("assigned_at", "pk")
    )


def reviews_overdue(*, today: datetime.date | None = None) -> Queue:
    """Reviewers past their due date who have not submitted this round's scores, on portfolios under review."""
    today = today or timezone.localdate()
    submitted = ReviewSubmission.objects.filter(assignment=OuterRef("pk"), round__is_current=True)
    return queue_of(
        Assignment.objects.filter(
            status__in=Assignment.ACTIVE_STATES, due_on__lt=today, assessment__status=Assessment.Status.IN_REVIEW
        )
        .exclude(Exists(submitted))
        .select_related("assessment__service__organisation", "reviewer")
        .order_by("due_on", "pk")
    )


def awaiting_decision() -> Queue:
    """Portfolios whose review report is final and waits for the award panel, longest waiting first."""
    return queue_of(
        Assessment.objects.filter(status=Assessment.Status.REPORT_FINAL)
        .select_related("service__organisation", "report")
        .order_by("report__finalised_at", "pk")
    )
