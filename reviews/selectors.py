"""Reads for peer review, each with the joins its page needs, so no page's query count grows with data."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from itertools import combinations, pairwise

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from accreditation.models import Assessment, EvidenceLink, Response, ServiceMembership, Submission, User

from .agreement import Agreement, agreement
from .models import ActionPoint, Assignment, Conflict, ConsensusScore, ReviewerScore, ReviewReport, ScoreChange, Visit
from .services import disagreements

ACTIVE = Assignment.ACTIVE_STATES


def assessment_for_review(*, pk: int) -> Assessment | None:
    return Assessment.objects.select_related("service__organisation", "edition").filter(pk=pk).first()


def assignment_for_reviewer(*, pk: int) -> Assignment | None:
    return (
        Assignment.objects.select_related("assessment__service__organisation", "assessment__edition", "reviewer")
        .filter(pk=pk)
        .first()
    )


def assignment_of(*, assessment: Assessment, user: User) -> Assignment | None:
    """The person's active assignment on this assessment, if any."""
    assignment = assessment.assignments.filter(reviewer=user, status__in=ACTIVE).first()
    if assignment is not None:
        assignment.assessment = assessment
    return assignment


def assignments_for_reviewer(*, user: User) -> list[Assignment]:
    """A reviewer's current assignments, soonest due first, with how many standards they have scored."""
    return list(
        Assignment.objects.filter(reviewer=user, status__in=ACTIVE)
        .exclude(assessment__status__in=Assessment.CLOSED_STATES)
        .select_related("assessment__service__organisation")
        .annotate(
            n_scored=Count("scores", filter=~Q(scores__score=""), distinct=True),
            n_standards=Count("assessment__responses", distinct=True),
        )
        .order_by("due_on", "pk")
    )


def review_team(*, assessment: Assessment) -> list[Assignment]:
    """Everyone who has been on the review team, current members first, with who assigned them."""
    return sorted(
        assessment.assignments.select_related("reviewer", "assigned_by"),
        key=lambda a: (not a.is_active, not a.is_lead, a.assigned_at),
    )


@dataclass(frozen=True)
class Candidate:
    reviewer: User
    reasons: list[str]


def reviewer_candidates(*, assessment: Assessment) -> list[Candidate]:
    """Every active reviewer, with the reasons (if any) they may not review this assessment. Four queries."""
    service = assessment.service
    reviewers = list(User.objects.filter(is_active=True, is_reviewer=True).order_by("full_name"))
    same_organisation = {
        user_id: name
        for user_id, name in ServiceMembership.objects.filter(
            user__in=reviewers, service__organisation_id=service.organisation_id
        ).values_list("user_id", "service__name")
    }
    declared = {
        reviewer_id: reason
        for reviewer_id, reason in Conflict.objects.filter(
            Q(organisation_id=service.organisation_id) | Q(service_id=service.pk), reviewer__in=reviewers
        ).values_list("reviewer_id", "reason")
    }
    on_team = set(assessment.assignments.filter(status__in=ACTIVE).values_list("reviewer_id", flat=True))
    candidates = []
    for reviewer in reviewers:
        reasons = []
        if reviewer.pk in same_organisation:
            reasons.append(f"on the team of {same_organisation[reviewer.pk]}, in the same organisation")
        if reviewer.pk in declared:
            reasons.append(f"declared a conflict: {declared[reviewer.pk]}")
        if reviewer.pk in on_team:
            reasons.append("already on this review team")
        candidates.append(Candidate(reviewer=reviewer, reasons=reasons))
    return candidates


# Scoring -----------------------------------------------------------------------------------------------------------


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
    """Per value, in the edition's order, this reviewer's progress. One query of plain rows, whatever the size."""
    mine = ReviewerScore.objects.filter(assignment=assignment, response=OuterRef("pk")).values("score")[:1]
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
    only when allowed, the other reviewers' scores as `others`. Four or five queries, whatever the size.

    Evidence is fetched through the service as well as the links: without that, PostgreSQL's planner hashes the whole
    evidence table (6 ms at 10,000 items) instead of looking up the few linked rows."""
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
            queryset=ReviewerScore.objects.filter(assignment=assignment).only("response_id", "score", "comment"),
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


def current_action_points(*, assessment: Assessment) -> list[ActionPoint]:
    """The action points of the latest return, overall first, for the team and the reviewers."""
    latest = assessment.action_points.order_by("-round_number").values_list("round_number", flat=True).first()
    if latest is None:
        return []
    return list(
        assessment.action_points.filter(round_number=latest)
        .select_related("response__standard", "created_by")
        .order_by("response_id", "id")
    )


# Consensus ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreCell:
    """One reviewer's score and comment on one standard, as the consensus matrix shows it."""

    score: str
    comment: str


@dataclass
class ConsensusRow:
    response: Response
    scores: list[ScoreCell | None]
    consensus: ConsensusScore | None
    disagreement: bool


@dataclass
class ConsensusMatrix:
    reviewers: list[Assignment]
    rows: list[ConsensusRow]
    pairs: list[Agreement] = field(default_factory=list)
    self_vs_consensus: Agreement | None = None

    @property
    def disagreement_count(self) -> int:
        return sum(row.disagreement for row in self.rows)

    @property
    def agreed_count(self) -> int:
        return sum(row.consensus is not None for row in self.rows)


def consensus_matrix(*, assessment: Assessment) -> ConsensusMatrix:
    """Standards × reviewers, with disagreements marked, the consensus so far, and agreement statistics.
    Four queries whatever the number of standards or reviewers."""
    reviewers = list(
        assessment.assignments.filter(status__in=ACTIVE).select_related("reviewer").order_by("-is_lead", "assigned_at")
    )
    # Only the columns the matrix shows: not the narratives, statements or guidance, which are most of the bytes.
    responses = list(
        Response.objects.filter(assessment=assessment)
        .select_related("standard", "consensus")
        .only("rating", "standard__code", "standard__title", "consensus__score", "consensus__reason")
        .order_by("standard__value__order", "standard__order", "standard__code")
    )
    # Plain cells, not model instances: three reviewers on 60 standards are 180 of them.
    scores: dict[tuple[int, int], ScoreCell] = {
        (assignment_id, response_id): ScoreCell(score, comment)
        for assignment_id, response_id, score, comment in ReviewerScore.objects.filter(
            assignment__in=reviewers
        ).values_list("assignment_id", "response_id", "score", "comment")
    }
    rows = []
    for response in responses:
        row_scores = [scores.get((reviewer.pk, response.pk)) for reviewer in reviewers]
        consensus = getattr(response, "consensus", None)
        rows.append(
            ConsensusRow(
                response=response,
                scores=row_scores,
                consensus=consensus,
                disagreement=disagreements([score.score for score in row_scores if score]),
            )
        )
    columns = {
        reviewer.pk: [scores[(reviewer.pk, r.pk)].score if (reviewer.pk, r.pk) in scores else "" for r in responses]
        for reviewer in reviewers
    }
    pairs = [
        agreement(a.reviewer.full_name, b.reviewer.full_name, columns[a.pk], columns[b.pk])
        for a, b in combinations(reviewers, 2)
    ]
    consensus_column = [row.consensus.score if row.consensus else "" for row in rows]
    self_column = [response.rating for response in responses]
    return ConsensusMatrix(
        reviewers=reviewers,
        rows=rows,
        pairs=pairs,
        self_vs_consensus=agreement("The team's self-ratings", "Consensus", self_column, consensus_column),
    )


# Rounds ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardChange:
    code: str
    rating: tuple[str, str] | None
    narrative_diff: list[tuple[str, str]]
    evidence_added: list[str]
    evidence_removed: list[str]


@dataclass(frozen=True)
class RoundComparison:
    earlier: Submission
    later: Submission
    changes: list[StandardChange]


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The narrative's change as ("same" | "added" | "removed", text) pieces, word by word."""
    old_words, new_words = old.split(" "), new.split(" ")  # newlines stay inside words, so lines survive
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(old_words[i1:i2])))
        if op in ("delete", "replace"):
            pieces.append(("removed", " ".join(old_words[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("added", " ".join(new_words[j1:j2])))
    return pieces


def round_changes(earlier: dict, later: dict) -> list[StandardChange]:
    changes = []
    for code, after in later.items():
        before = earlier.get(code, {"rating": "", "narrative": "", "evidence": []})
        before_evidence = {(item["id"], item["sha256"]): item["title"] for item in before["evidence"]}
        after_evidence = {(item["id"], item["sha256"]): item["title"] for item in after["evidence"]}
        change = StandardChange(
            code=code,
            rating=(before["rating"], after["rating"]) if before["rating"] != after["rating"] else None,
            narrative_diff=_word_diff(before["narrative"], after["narrative"])
            if before["narrative"] != after["narrative"]
            else [],
            evidence_added=[title for key, title in after_evidence.items() if key not in before_evidence],
            evidence_removed=[title for key, title in before_evidence.items() if key not in after_evidence],
        )
        if change.rating or change.narrative_diff or change.evidence_added or change.evidence_removed:
            changes.append(change)
    return changes


def rounds_of(*, assessment: Assessment) -> tuple[list[Submission], list[RoundComparison]]:
    """Every round the team sent, and what changed from each to the next. One query."""
    submissions = list(assessment.submissions.select_related("submitted_by").order_by("number"))
    comparisons = [
        RoundComparison(earlier=a, later=b, changes=round_changes(a.snapshot, b.snapshot))
        for a, b in pairwise(submissions)
    ]
    return submissions, comparisons


def action_points_by_round(*, assessment: Assessment) -> dict[int, list[ActionPoint]]:
    grouped: dict[int, list[ActionPoint]] = {}
    for point in assessment.action_points.select_related("response__standard", "created_by").order_by(
        "round_number", "response_id", "id"
    ):
        grouped.setdefault(point.round_number, []).append(point)
    return grouped


def score_history(*, assessment: Assessment) -> QuerySet[ScoreChange]:
    return (
        ScoreChange.objects.filter(score__assignment__assessment=assessment)
        .select_related("score__response__standard", "changed_by")
        .order_by("-changed_at", "-id")
    )


def visit_of(*, assessment: Assessment) -> Visit | None:
    return Visit.objects.filter(assessment=assessment).first()


def report_of(*, assessment: Assessment) -> ReviewReport | None:
    return ReviewReport.objects.filter(assessment=assessment).select_related("team_commented_by").first()


def consensus_results(*, assessment: Assessment) -> list[Response]:
    """Each standard with the team's self-rating and the consensus score, for reports the team may see."""
    return list(
        Response.objects.filter(assessment=assessment)
        .select_related("standard__value", "consensus")
        .order_by("standard__value__order", "standard__order", "standard__code")
    )


# The programme -----------------------------------------------------------------------------------------------------


def assessments_by_state(*, state: str = "") -> tuple[list[tuple[str, str, int]], QuerySet[Assessment]]:
    """Counts per state (every state, zero included) and the assessments in `state` (all open ones if empty)."""
    counts = dict(Assessment.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    states = [(value, label, counts.get(value, 0)) for value, label in Assessment.Status.choices]
    assessments = Assessment.objects.select_related("service__organisation", "edition").annotate(
        n_reviewers=Count("assignments", filter=Q(assignments__status__in=ACTIVE), distinct=True)
    )
    assessments = (
        assessments.filter(status=state) if state else assessments.exclude(status__in=Assessment.CLOSED_STATES)
    )
    return states, assessments.order_by("status", "submitted_at", "pk")
