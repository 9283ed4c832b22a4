"""Rounds of a review: what the team sent each time, what changed, the action points and each reviewer's scores of
every round, and the history of score changes."""

from __future__ import annotations

import difflib
from copy import copy
from dataclasses import dataclass, field

from django.db.models import F, QuerySet

from accreditation.models import Assessment, Response, User

from ..models import ActionPoint, Assignment, ReviewerScore, ReviewRound, ReviewSubmission, ScoreChange
from .report import ScoreCell


def round_current(*, assessment: Assessment) -> ReviewRound | None:
    """The round under way: the latest, opened by the latest (re)submission. None before the first submission."""
    return ReviewRound.objects.filter(assessment=assessment, is_current=True).first()


def standards_of(*, assessment: Assessment) -> list[Response]:
    """The assessment's responses with their standards, in the edition's order: one per action-point field."""
    return list(
        Response.objects.filter(assessment=assessment)
        .select_related("standard")
        .order_by("standard__value__order", "standard__order", "standard__code")
    )


def current_action_points(*, assessment: Assessment) -> list[ActionPoint]:
    """The action points of the latest return, overall first, for the team and the reviewers. One small query when
    there are none (most portfolios, on every scoring and portfolio page), two when there are."""
    latest = (
        ActionPoint.objects.filter(assessment=assessment)
        .order_by("-round__number")
        .values_list("round_id", flat=True)
        .first()
    )
    if latest is None:
        return []
    return list(
        ActionPoint.objects.filter(assessment=assessment, round_id=latest)
        .select_related("response__standard")
        .only(
            "text", "assessment_id", "round_id", "response_id", "response__standard__code", "response__standard__title"
        )
        .order_by(F("response").asc(nulls_first=True), "id")
    )


# While the team works on a returned portfolio (and until the reviewers look again), it sees what it was asked to do.
TEAM_SEES_ACTION_POINTS = (Assessment.Status.RETURNED, Assessment.Status.RESUBMITTED)


def action_points_for_team(*, assessment: Assessment) -> list[ActionPoint]:
    """The reviewers' action points, as the team's portfolio pages show them: only while the team is working on them.
    No query at all in any other state."""
    if assessment.status not in TEAM_SEES_ACTION_POINTS:
        return []
    return current_action_points(assessment=assessment)


# What changed between rounds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardChange:
    code: str
    rating: tuple[str, str] | None
    narrative_diff: list[tuple[str, str]]
    evidence_added: list[str]
    evidence_removed: list[str]


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


# Every round, as the rounds page shows it -------------------------------------------------------------------------


@dataclass
class RoundRecord:
    """One round: what the team sent, what changed since the round before, the action points the round was returned
    with, and the reviewers' scores (`rows`: each standard with one cell per reviewer in `reviewers`)."""

    round: ReviewRound
    changes: list[StandardChange] | None  # None for the first round
    action_points: list[ActionPoint] = field(default_factory=list)
    reviewers: list[Assignment] = field(default_factory=list)  # each with `submitted_at` for this round, or None
    rows: list[tuple[Response, list[ScoreCell | None]]] = field(default_factory=list)
    others_hidden: bool = False  # the viewer sees only their own scores of this round
    waiting: list[Assignment] = field(default_factory=list)  # others who scored but did not submit: drafts not shown


def rounds_of(*, assessment: Assessment, viewer: User) -> list[RoundRecord]:
    """Every round of the review, oldest first. Reviewers' scores of a round show only to those who may see them
    (`reviews.see_round_scores`), and only once submitted; anyone else sees only their own. Six queries, however
    many rounds and reviewers."""
    review_rounds = list(
        ReviewRound.objects.filter(assessment=assessment).select_related("submission__submitted_by").order_by("number")
    )
    points: dict[int, list[ActionPoint]] = {}
    for point in (
        ActionPoint.objects.filter(assessment=assessment)
        .select_related("response__standard", "created_by")
        .order_by(F("response").asc(nulls_first=True), "id")
    ):
        points.setdefault(point.round_id, []).append(point)
    submitted = {
        (assignment_id, round_id): when
        for assignment_id, round_id, when in ReviewSubmission.objects.filter(round__assessment=assessment).values_list(
            "assignment_id", "round_id", "submitted_at"
        )
    }
    cells: dict[tuple[int, int, int], ScoreCell] = {
        (round_id, assignment_id, response_id): ScoreCell(score, comment)
        for round_id, assignment_id, response_id, score, comment in ReviewerScore.objects.filter(
            round__assessment=assessment
        ).values_list("round_id", "assignment_id", "response_id", "score", "comment")
    }
    team = list(assessment.assignments.select_related("reviewer").order_by("-is_lead", "assigned_at"))
    standards = list(
        Response.objects.filter(assessment=assessment)
        .select_related("standard")
        .only("standard__code", "standard__title")
        .order_by("standard__value__order", "standard__order", "standard__code")
    )
    taking_part = {(round_id, assignment_id) for round_id, assignment_id, _ in cells} | {
        (round_id, assignment_id) for assignment_id, round_id in submitted
    }
    records = []
    previous = None
    for review_round in review_rounds:
        review_round.assessment = assessment
        everyone = viewer.has_perm("reviews.see_round_scores", review_round)
        reviewers, waiting = [], []
        for member in team:
            if (review_round.pk, member.pk) not in taking_part or not (everyone or member.reviewer_id == viewer.pk):
                continue
            submitted_at = submitted.get((member.pk, review_round.pk))
            # A draft is its reviewer's own until they submit it: nobody else sees it, administrators included.
            if submitted_at is None and member.reviewer_id != viewer.pk:
                waiting.append(member)
                continue
            reviewer = copy(member)
            reviewer.submitted_at = submitted_at
            reviewers.append(reviewer)
        records.append(
            RoundRecord(
                round=review_round,
                changes=None
                if previous is None
                else round_changes(previous.submission.snapshot, review_round.submission.snapshot),
                action_points=points.get(review_round.pk, []),
                reviewers=reviewers,
                rows=[
                    (response, [cells.get((review_round.pk, r.pk, response.pk)) for r in reviewers])
                    for response in standards
                ]
                if reviewers
                else [],
                others_hidden=not everyone,
                waiting=waiting,
            )
        )
        previous = review_round
    return records


def score_history(*, assessment: Assessment) -> QuerySet[ScoreChange]:
    return (
        ScoreChange.objects.filter(score__assignment__assessment=assessment)
        .select_related("score__response__standard", "score__round", "changed_by")
        .order_by("-changed_at", "-id")
    )
