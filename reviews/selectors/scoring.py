"""What a reviewer sees while scoring: their progress per value, and one value's standards with the scores of the
current round."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Prefetch, Subquery

from accreditation.models import EvidenceLink, Response

from ..models import Assignment, ReviewerScore, ReviewSubmission

ACTIVE = Assignment.ACTIVE_STATES


def review_submitted_at(*, assignment: Assignment) -> datetime.datetime | None:
    """When the reviewer submitted their scores for the current round (None: not yet). Read from the assignment when
    it came with `Assignment.objects.with_review_submitted()`, else asked once and kept on it."""
    if "review_submitted_at" not in assignment.__dict__:
        assignment.review_submitted_at = (
            ReviewSubmission.objects.filter(assignment=assignment)
            .current()
            .values_list("submitted_at", flat=True)
            .first()
        )
    return assignment.review_submitted_at


@dataclass
class ValueScoring:
    """One value on a reviewer's scoring overview: how many of its standards they have scored, and which not."""

    code: str
    name: str
    total: int = 0
    unscored: list[str] = field(default_factory=list)

    @property
    def scored(self) -> int:
        return self.total - len(self.unscored)


def scoring_progress(*, assignment: Assignment) -> list[ValueScoring]:
    """Per value, in the edition's order, this reviewer's progress this round. One query of plain rows, whatever the
    size."""
    mine = (
        ReviewerScore.objects.filter(assignment=assignment, response=OuterRef("pk"))
        .current_of(assignment.assessment_id)
        .values("score")[:1]
    )
    rows = (
        Response.objects.filter(assessment_id=assignment.assessment_id)
        .annotate(mine=Subquery(mine))
        .order_by("standard__value__order", "standard__value__code", "standard__order", "standard__code")
        .values_list("standard__value__code", "standard__value__name", "standard__code", "mine")
    )
    values: dict[str, ValueScoring] = {}
    for value_code, value_name, standard_code, score in rows:
        if (progress := values.get(value_code)) is None:
            progress = values[value_code] = ValueScoring(value_code, value_name)
        progress.total += 1
        if not score:
            progress.unscored.append(standard_code)
    return list(values.values())


def scoring_rows(*, assignment: Assignment, value_code: str, show_others: bool) -> list[Response]:
    """The standards of one value with the team's response, its evidence, this reviewer's score as `mine` and,
    only when allowed, the scores other reviewers have submitted as `others` (all of the current round). Four or
    five queries, whatever the size.

    Evidence is fetched through the service as well as the links: without that, PostgreSQL's planner hashes the whole
    evidence table instead of looking up the few linked rows."""
    evidence_fields = ("evidence__title", "evidence__description", "evidence__file", "evidence__size")
    prefetches = [
        Prefetch(
            "links",
            queryset=EvidenceLink.objects.filter(evidence__service_id=assignment.assessment.service_id)
            .select_related("evidence")
            .only("response_id", "evidence_id", *evidence_fields)
            .order_by("evidence__title"),
        ),
        Prefetch(
            "reviewer_scores",
            queryset=ReviewerScore.objects.filter(assignment=assignment)
            .current_of(assignment.assessment_id)
            .only("response_id", "score", "comment", "updated_at"),
            to_attr="mine_list",
        ),
    ]
    if show_others:
        prefetches.append(
            Prefetch(
                "reviewer_scores",
                queryset=ReviewerScore.objects.filter(
                    assignment__assessment_id=assignment.assessment_id, assignment__status__in=ACTIVE
                )
                .exclude(assignment=assignment)
                .current_of(assignment.assessment_id)
                # Submitted scores only: a draft is its reviewer's own until they submit it.
                .filter(assignment__review_submissions__round_id=F("round_id"))
                .select_related("assignment__reviewer")
                .only("response_id", "score", "comment", "assignment__reviewer__full_name")
                .order_by("assignment__assigned_at"),
                to_attr="others",
            )
        )
    rows = list(
        Response.objects.filter(assessment_id=assignment.assessment_id, standard__value__code=value_code)
        .select_related("standard__value")
        .prefetch_related(*prefetches)
        .order_by("standard__order", "standard__code")
    )
    for row in rows:
        row.mine = row.mine_list[0] if row.mine_list else None
    return rows
