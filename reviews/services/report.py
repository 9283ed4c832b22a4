"""The lead reviewer's work: the visit, the consensus, the report; and the team's factual-accuracy comments."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accreditation.models import Assessment, Response, User
from workflow.audit import audit_log
from workflow.engine import enqueue_on_commit

from ..models import Assignment, ConsensusScore, ReviewerScore, ReviewReport, Visit
from ..selectors.report import disagreements
from ..selectors.rounds import round_current
from .locks import locked_assessment

ACTIVE = Assignment.ACTIVE_STATES


# Guards and records of the report's moves (see reviews/workflows.py) ---------------------------------------------


def report_release_problems(assessment: Assessment) -> list[str]:
    """What must be done before the draft report goes to the team, in words the lead reviewer can act on."""
    problems = []
    waiting = [
        assignment.reviewer.full_name
        for assignment in assessment.assignments.filter(status__in=ACTIVE)
        .with_review_submitted()
        .select_related("reviewer")
        if assignment.review_submitted_at is None
    ]
    if waiting:
        problems.append(f"Waiting for these reviewers to submit their scores: {', '.join(waiting)}.")
    unscored = assessment.responses.filter(consensus__isnull=True).count()
    if unscored:
        plural = unscored != 1
        problems.append(
            f"{unscored} standard{'s' if plural else ''} still need{'' if plural else 's'} a consensus score."
        )
    if not Visit.objects.filter(assessment=assessment).exists():
        problems.append("Record the award visit.")
    report = ReviewReport.objects.filter(assessment=assessment).first()
    if report is None or not report.is_written:
        problems.append("Write the report's strengths, areas for development and action points.")
    return problems


def report_finalise_problems(assessment: Assessment) -> list[str]:
    report = ReviewReport.objects.filter(assessment=assessment).first()
    if report is None or report.team_commented_at is None:
        return ["The team has not yet responded to the draft report."]
    return []


def report_stamp_released(assessment: Assessment, by: User | None) -> None:
    ReviewReport.objects.filter(assessment=assessment).update(released_at=timezone.now())


def report_stamp_finalised(assessment: Assessment, by: User | None) -> None:
    ReviewReport.objects.filter(assessment=assessment).update(finalised_at=timezone.now())


# Writes ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def visit_save(
    *, assessment: Assessment, by: User, visited_on: datetime.date, mode: str, met: str, findings: str
) -> Visit:
    assessment = locked_assessment(assessment_id=assessment.pk, by=by, permission="reviews.lead_review")
    visit = Visit.objects.filter(assessment=assessment).first() or Visit(assessment=assessment)
    created = visit.pk is None
    visit.visited_on, visit.mode, visit.met, visit.findings, visit.recorded_by = visited_on, mode, met, findings, by
    visit.full_clean()
    visit.save()
    audit_log(actor=by, action="reviews.visit.recorded" if created else "reviews.visit.updated", target=visit)
    return visit


@transaction.atomic
def consensus_save(*, assessment: Assessment, entries: dict[int, tuple[str, str]], by: User) -> int:
    """Record the agreed score per standard ({response id: (score, reason)}). A reason is required where the
    reviewers' submitted scores of the current round disagree: if one is missing, nothing is saved and the error
    names each such standard's reason as `reason-<response id>`. Returns how many standards changed."""
    assessment = locked_assessment(assessment_id=assessment.pk, by=by, permission="reviews.lead_review")
    review_round = round_current(assessment=assessment)
    responses = {
        response.pk: response
        for response in Response.objects.filter(assessment=assessment, pk__in=entries).select_related("standard")
    }
    submitted_scores: dict[int, list[str]] = {}
    for response_id, score in ReviewerScore.objects.filter(
        round=review_round,
        response_id__in=responses,
        assignment__status__in=ACTIVE,
        assignment__review_submissions__round=review_round,
    ).values_list("response_id", "score"):
        submitted_scores.setdefault(response_id, []).append(score)
    # Each problem on its standard's reason (`reason-<response id>`), so the page shows it on that row.
    missing_reasons = {
        f"reason-{response_id}": ValidationError(
            "The reviewers disagreed, so give the reason for this consensus score.", code="reason_needed"
        )
        for response_id, (score, reason) in entries.items()
        if response_id in responses
        and score
        and disagreements(submitted_scores.get(response_id, []))
        and not reason.strip()
    }
    if missing_reasons:
        raise ValidationError(missing_reasons)
    existing = {item.response_id: item for item in ConsensusScore.objects.filter(response_id__in=responses)}
    changed = 0
    for response_id, (score, reason) in entries.items():
        if response_id not in responses or not score:
            continue
        item = existing.get(response_id)
        if item is not None and (item.score, item.reason) == (score, reason.strip()):
            continue
        if item is None:
            ConsensusScore.objects.create(response_id=response_id, score=score, reason=reason.strip(), recorded_by=by)
        else:
            item.score, item.reason, item.recorded_by = score, reason.strip(), by
            item.save(update_fields=["score", "reason", "recorded_by", "updated_at"])
        changed += 1
    if changed:
        audit_log(actor=by, action="reviews.consensus.saved", target=assessment, data={"standards": changed})
    return changed


@transaction.atomic
def report_save(
    *, assessment: Assessment, by: User, strengths: str, areas_for_development: str, action_points: str
) -> ReviewReport:
    assessment = locked_assessment(assessment_id=assessment.pk, by=by, permission="reviews.lead_review")
    report, created = ReviewReport.objects.get_or_create(assessment=assessment)
    report.strengths, report.areas_for_development, report.action_points = (
        strengths,
        areas_for_development,
        action_points,
    )
    report.save(update_fields=["strengths", "areas_for_development", "action_points", "updated_at"])
    audit_log(actor=by, action="reviews.report.written" if created else "reviews.report.updated", target=report)
    return report


@transaction.atomic
def report_comment(*, assessment: Assessment, by: User, comments: str) -> ReviewReport:
    """The team lead's factual-accuracy comments on the draft report (empty: no corrections)."""
    assessment = locked_assessment(assessment_id=assessment.pk, by=by, permission="reviews.comment_on_report")
    report = ReviewReport.objects.select_for_update().get(assessment=assessment)
    report.team_comments, report.team_commented_by, report.team_commented_at = comments.strip(), by, timezone.now()
    report.save(update_fields=["team_comments", "team_commented_by", "team_commented_at", "updated_at"])
    audit_log(
        actor=by,
        action="reviews.report.team_commented",
        target=report,
        note=comments.strip() or "No corrections.",
    )
    enqueue_on_commit("reviews.tasks.notify_team_commented", assessment.pk)
    return report
