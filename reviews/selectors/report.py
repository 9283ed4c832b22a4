"""The lead reviewer's work and its results: the consensus matrix with agreement statistics, the visit, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations

from accreditation.models import Assessment, Response

from ..agreement import Agreement, agreement
from ..models import Assignment, ConsensusScore, ReportComment, ReviewerScore, ReviewReport, Visit

ACTIVE = Assignment.ACTIVE_STATES


def disagreements(scores: list[str]) -> bool:
    """Reviewers disagree when they gave a standard more than one distinct score."""
    return len({score for score in scores if score}) > 1


@dataclass(frozen=True, slots=True)
class ScoreCell:
    """One reviewer's score and comment on one standard, as the consensus matrix and the rounds page show it."""

    score: str
    comment: str


@dataclass
class ConsensusRow:
    response: Response
    scores: list[ScoreCell | None]
    consensus: ConsensusScore | None
    disagreement: bool
    agreed: str = ""  # the score every reviewer on the team gave, when all have submitted and gave the same one

    @property
    def proposed(self) -> tuple[str, str]:
        """What the consensus form starts with: the saved consensus, else the reviewers' shared score (not saved
        until the lead saves it), else nothing."""
        if self.consensus is not None:
            return self.consensus.score, self.consensus.reason
        return self.agreed, ""


@dataclass
class ConsensusValue:
    """One value's standards on the consensus page, with its counts for the summary at the top."""

    code: str
    name: str
    rows: list[ConsensusRow]

    @property
    def agreed_count(self) -> int:
        return sum(bool(row.agreed) for row in self.rows)

    @property
    def disagreement_count(self) -> int:
        return sum(row.disagreement for row in self.rows)

    @property
    def recorded_count(self) -> int:
        return sum(row.consensus is not None for row in self.rows)


@dataclass
class ConsensusMatrix:
    reviewers: list[Assignment]  # those who have submitted this round's scores: the only ones shown or compared
    rows: list[ConsensusRow]
    waiting: list[Assignment] = field(default_factory=list)  # on the team but not submitted yet
    pairs: list[Agreement] = field(default_factory=list)
    self_vs_consensus: Agreement | None = None

    @property
    def disagreement_count(self) -> int:
        return sum(row.disagreement for row in self.rows)

    @property
    def agreed_count(self) -> int:
        return sum(row.consensus is not None for row in self.rows)

    @cached_property
    def values(self) -> list[ConsensusValue]:
        """The rows grouped by value, in the edition's order."""
        groups: dict[int, ConsensusValue] = {}
        for row in self.rows:
            value = row.response.standard.value
            groups.setdefault(value.pk, ConsensusValue(code=value.code, name=value.name, rows=[])).rows.append(row)
        return list(groups.values())


def shared_score(scores: list[ScoreCell | None]) -> str:
    """The score every reviewer gave, if there are reviewers, each scored, and all gave the same; else ""."""
    given = {score.score if score else "" for score in scores}
    return given.pop() if len(given) == 1 else ""


def consensus_matrix(*, assessment: Assessment) -> ConsensusMatrix:
    """Standards × reviewers for the current round, with disagreements marked, the standards every reviewer scored
    alike, the consensus so far, and agreement statistics. At most three queries whatever the number of standards or
    reviewers.

    Only submitted scores count: a draft is the reviewer's own until they submit it, and may still change, so it
    is neither shown nor compared; those still scoring are listed as `waiting`."""
    team = list(
        assessment.assignments.filter(status__in=ACTIVE)
        .with_review_submitted()
        .select_related("reviewer")
        .order_by("-is_lead", "assigned_at")
    )
    reviewers = [member for member in team if member.review_submitted_at is not None]
    waiting = [member for member in team if member.review_submitted_at is None]
    # Only the columns the matrix shows: not the narratives, statements or guidance, which are most of the bytes.
    responses = list(
        Response.objects.filter(assessment=assessment)
        .select_related("standard__value", "consensus")
        .only(
            "rating",
            "standard__code",
            "standard__title",
            "standard__value__code",
            "standard__value__name",
            "consensus__score",
            "consensus__reason",
        )
        .order_by("standard__value__order", "standard__order", "standard__code")
    )
    # Plain cells, not model instances: three reviewers on 60 standards are 180 of them.
    scores: dict[tuple[int, int], ScoreCell] = {
        (assignment_id, response_id): ScoreCell(score, comment)
        for assignment_id, response_id, score, comment in ReviewerScore.objects.filter(assignment__in=reviewers)
        .current_of(assessment.pk)
        .values_list("assignment_id", "response_id", "score", "comment")
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
                # Not "agreed by all" while someone on the team has still to submit.
                agreed="" if waiting else shared_score(row_scores),
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
        waiting=waiting,
        pairs=pairs,
        self_vs_consensus=agreement("The team's self-ratings", "Consensus", self_column, consensus_column),
    )


def visit_of(*, assessment: Assessment) -> Visit | None:
    return Visit.objects.filter(assessment=assessment).first()


def report_of(*, assessment: Assessment) -> ReviewReport | None:
    return ReviewReport.objects.filter(assessment=assessment).select_related("team_commented_by").first()


def report_comments(*, report: ReviewReport | None, sent_only: bool = False) -> list[ReportComment]:
    """The team's factual-accuracy comments on the report, with who wrote and who answered them. `sent_only`: none
    until the team has sent them (what the lead reviewer sees). One query, none without a report."""
    if report is None or report.pk is None or (sent_only and report.team_commented_at is None):
        return []
    return list(ReportComment.objects.filter(report=report).select_related("by", "answered_by"))


def consensus_results(*, assessment: Assessment) -> list[Response]:
    """Each standard with the team's self-rating and the consensus score, for reports the team may see."""
    return list(
        Response.objects.filter(assessment=assessment)
        .select_related("standard__value", "consensus")
        .order_by("standard__value__order", "standard__order", "standard__code")
    )


def report_released_to_team(*, assessment: Assessment) -> bool:
    """Whether the team can read the review report (draft or final). No query before a report can exist."""
    if assessment.status not in Assessment.REPORT_STATES:
        return False
    return ReviewReport.objects.filter(assessment=assessment, released_at__isnull=False).exists()
