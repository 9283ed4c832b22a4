"""The programme at a glance: every assessment by state."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accreditation.models import Assessment

from ..models import Assignment


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
