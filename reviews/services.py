"""Every write in a peer review. Every change of state goes through `workflow.engine.transition`; the moves are in
reviews/workflows.py."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accreditation.models import Assessment, Response, ServiceMembership, User
from workflow.audit import audit_log
from workflow.engine import enqueue_on_commit, transition

from .models import ActionPoint, Assignment, Conflict, ConsensusScore, ReviewerScore, ReviewReport, ScoreChange, Visit

ACTIVE = Assignment.ACTIVE_STATES


def _locked(*, assessment_id: int, by: User, permission: str, target=None) -> Assessment:
    """Lock the assessment and check `permission` against its current state, not a copy read earlier."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("service__organisation", "edition")
        .get(pk=assessment_id)
    )
    if target is not None:
        target.refresh_from_db()
        target.assessment = assessment
    if not by.has_perm(permission, target if target is not None else assessment):
        raise PermissionDenied
    return assessment


def current_round(assessment: Assessment) -> int:
    return assessment.submissions.aggregate(latest=Max("number"))["latest"] or 0


# Guards used by the transition table ----------------------------------------------------------------------------


def review_team_problems(assessment: Assessment) -> list[str]:
    if not assessment.assignments.filter(is_lead=True, status__in=ACTIVE).exists():
        return ["Assign a lead reviewer before the review starts."]
    return []


def return_problems(assessment: Assessment) -> list[str]:
    if not ActionPoint.objects.filter(assessment=assessment, round_number=current_round(assessment)).exists():
        return ["Write at least one action point, so the team knows what to do."]
    return []


def report_release_problems(assessment: Assessment) -> list[str]:
    """What must be done before the draft report goes to the team, in words the lead reviewer can act on."""
    problems = []
    waiting = [
        assignment.reviewer.full_name
        for assignment in assessment.assignments.filter(status__in=ACTIVE).select_related("reviewer")
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


def review_round_reset(assessment: Assessment, by: User | None = None) -> None:
    """A resubmitted portfolio is a new round: every reviewer looks again and submits their scores again."""
    assessment.assignments.filter(status__in=ACTIVE).update(review_submitted_at=None)


# Assignment --------------------------------------------------------------------------------------------------------


def assignment_conflicts(*, assessment: Assessment, reviewer: User) -> list[str]:
    """Why this person may not review this assessment; empty when they may."""
    service = assessment.service
    reasons = []
    if not (reviewer.is_active and reviewer.is_reviewer):
        reasons.append(f"{reviewer.full_name} is not an active peer reviewer.")
    own = (
        ServiceMembership.objects.filter(user=reviewer, service__organisation_id=service.organisation_id)
        .select_related("service")
        .first()
    )
    if own is not None:
        reasons.append(
            f"{reviewer.full_name} is on the team of {own.service.name}, in the same organisation "
            f"({service.organisation.name})."
        )
    declared = Conflict.objects.filter(reviewer=reviewer).filter(
        Q(organisation_id=service.organisation_id) | Q(service_id=service.pk)
    )
    for conflict in declared:
        reasons.append(f"{reviewer.full_name} has declared a conflict of interest: {conflict.reason}")
    if assessment.assignments.filter(reviewer=reviewer, status__in=ACTIVE).exists():
        reasons.append(f"{reviewer.full_name} is already on this review team.")
    return reasons


@transaction.atomic
def assignment_create(
    *, assessment: Assessment, reviewer: User, is_lead: bool, due_on: datetime.date, by: User
) -> Assignment:
    """Put a reviewer on an assessment's review team, unless a conflict of interest stands in the way."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",)).select_related("service__organisation").get(pk=assessment.pk)
    )
    if not by.has_perm("reviews.manage_team", assessment):
        raise PermissionDenied
    if reasons := assignment_conflicts(assessment=assessment, reviewer=reviewer):
        raise ValidationError(reasons)
    if is_lead and assessment.assignments.filter(is_lead=True, status__in=ACTIVE).exists():
        raise ValidationError("This review already has a lead reviewer. Remove them first to choose another.")
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The due date is in the past."})
    assignment = Assignment.objects.create(
        assessment=assessment, reviewer=reviewer, is_lead=is_lead, due_on=due_on, assigned_by=by
    )
    audit_log(
        actor=by,
        action="reviews.assignment.created",
        target=assignment,
        to_state=assignment.status,
        data={"reviewer": reviewer.pk, "lead": is_lead, "due_on": due_on.isoformat()},
    )
    enqueue_on_commit("reviews.tasks.notify_assigned", assignment.pk)
    if assessment.status == Assessment.Status.SUBMITTED and is_lead:
        transition(assessment, to=Assessment.Status.IN_REVIEW, by=by)
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by: User, reason: str) -> Assignment:
    """Take a reviewer off the team. Their scores stay in the history; they no longer count."""
    _locked(assessment_id=assignment.assessment_id, by=by, permission="reviews.manage_team")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the reviewer is being removed; it is kept in the history."})
    if not assignment.is_active:
        raise ValidationError("This reviewer is no longer on the team.")
    return transition(
        assignment,
        to=Assignment.Status.REMOVED,
        by=by,
        note=reason,
        fields={"ended_at": timezone.now(), "end_reason": reason},
    )


class Reply:
    """The reviewer's answer to an invitation: the name of the move it makes (see reviews/workflows.py)."""

    ACCEPT = "accept"
    DECLINE = "decline"
    CONFLICT = "conflict"


REPLY_TARGETS = {
    Reply.ACCEPT: Assignment.Status.ACCEPTED,
    Reply.DECLINE: Assignment.Status.DECLINED,
    Reply.CONFLICT: Assignment.Status.WITHDRAWN,
}


@transaction.atomic
def assignment_respond(*, assignment: Assignment, by: User, reply: str, note: str = "") -> Assignment:
    """The reviewer accepts (declaring no conflict of interest), declines, or declares a conflict and withdraws."""
    _locked(
        assessment_id=assignment.assessment_id, by=by, permission="reviews.respond_to_assignment", target=assignment
    )
    to = REPLY_TARGETS.get(reply)
    if to is None:
        raise ValidationError("Choose whether to accept, decline or declare a conflict of interest.")
    if reply == Reply.CONFLICT and not note.strip():
        raise ValidationError({"note": "Describe the conflict of interest, so the administrator can act on it."})
    now = timezone.now()
    fields = {"responded_at": now}
    if reply == Reply.ACCEPT:
        fields["no_conflict_declared_at"] = now
    else:
        fields.update(ended_at=now, end_reason=note)
    return transition(assignment, to=to, by=by, note=note, fields=fields)


def conflict_record(assignment: Assignment, by: User | None) -> None:
    """Recorded with a withdrawal: the declared conflict, so the reviewer is never asked about this service again."""
    Conflict.objects.create(reviewer=by, service=assignment.assessment.service, reason=assignment.end_reason)


# Scoring -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def scores_save(*, assignment: Assignment, entries: dict[int, tuple[str, str]], by: User) -> int:
    """Save a reviewer's scores and comments ({response id: (score, comment)}); every change of score is kept.

    Returns how many standards changed."""
    _locked(assessment_id=assignment.assessment_id, by=by, permission="reviews.score", target=assignment)
    responses = set(
        Response.objects.filter(assessment_id=assignment.assessment_id, pk__in=entries).values_list("pk", flat=True)
    )
    existing = {score.response_id: score for score in assignment.scores.filter(response_id__in=responses)}
    round_number = current_round(assignment.assessment)
    changed = 0
    history = []
    for response_id in responses:
        new_score, comment = entries[response_id]
        score = existing.get(response_id)
        if score is None:
            if not new_score and not comment.strip():
                continue
            score = ReviewerScore.objects.create(
                assignment=assignment, response_id=response_id, score=new_score, comment=comment
            )
            old_score = ""
        elif (score.score, score.comment) == (new_score, comment):
            continue
        else:
            old_score = score.score
            score.score, score.comment = new_score, comment
            score.save(update_fields=["score", "comment", "updated_at"])
        changed += 1
        if old_score != new_score:
            history.append(
                ScoreChange(
                    score=score, changed_by=by, round_number=round_number, old_score=old_score, new_score=new_score
                )
            )
    ScoreChange.objects.bulk_create(history)
    if changed:
        audit_log(
            actor=by,
            action="reviews.scores.saved",
            target=assignment,
            data={"standards": changed, "round": round_number},
        )
    return changed


def unscored(*, assignment: Assignment) -> list[str]:
    scored = set(assignment.scores.exclude(score="").values_list("response_id", flat=True))
    return [
        code
        for pk, code in assignment.assessment.responses.values_list("pk", "standard__code").order_by(
            "standard__value__order", "standard__order"
        )
        if pk not in scored
    ]


@transaction.atomic
def review_submit(*, assignment: Assignment, by: User) -> Assignment:
    """The reviewer's scores for this round are done: they can now see the other reviewers' scores."""
    _locked(assessment_id=assignment.assessment_id, by=by, permission="reviews.score", target=assignment)
    if missing := unscored(assignment=assignment):
        raise ValidationError(f"Score every standard before submitting. Still to score: {', '.join(missing)}.")
    assignment.review_submitted_at = timezone.now()
    assignment.save(update_fields=["review_submitted_at"])
    audit_log(
        actor=by,
        action="reviews.review.submitted",
        target=assignment,
        to_state="submitted",
        data={"round": current_round(assignment.assessment)},
    )
    return assignment


# Return for further work -------------------------------------------------------------------------------------------


@transaction.atomic
def portfolio_return(
    *, assessment: Assessment, by: User, overall: str, per_standard: list[tuple[Response, str]]
) -> Assessment:
    """Send the portfolio back to the team with action points, overall and per standard."""
    assessment = _locked(assessment_id=assessment.pk, by=by, permission="reviews.return_portfolio")
    if not overall.strip():
        raise ValidationError({"overall": "Say overall what the team needs to do."})
    round_number = current_round(assessment)
    points = [ActionPoint(assessment=assessment, round_number=round_number, text=overall.strip(), created_by=by)]
    for response, text in per_standard:
        if response.assessment_id != assessment.pk:
            raise PermissionDenied
        if text.strip():
            points.append(
                ActionPoint(
                    assessment=assessment,
                    round_number=round_number,
                    response=response,
                    text=text.strip(),
                    created_by=by,
                )
            )
    ActionPoint.objects.bulk_create(points)
    return transition(assessment, to=Assessment.Status.RETURNED, by=by, note=overall.strip())


# Visit, consensus, report ------------------------------------------------------------------------------------------


@transaction.atomic
def visit_save(
    *, assessment: Assessment, by: User, visited_on: datetime.date, mode: str, met: str, findings: str
) -> Visit:
    assessment = _locked(assessment_id=assessment.pk, by=by, permission="reviews.lead_review")
    visit = Visit.objects.filter(assessment=assessment).first() or Visit(assessment=assessment)
    created = visit.pk is None
    visit.visited_on, visit.mode, visit.met, visit.findings, visit.recorded_by = visited_on, mode, met, findings, by
    visit.full_clean()
    visit.save()
    audit_log(actor=by, action="reviews.visit.recorded" if created else "reviews.visit.updated", target=visit)
    return visit


def disagreements(scores: list[str]) -> bool:
    """Reviewers disagree when they gave a standard more than one distinct score."""
    return len({score for score in scores if score}) > 1


@transaction.atomic
def consensus_save(*, assessment: Assessment, entries: dict[int, tuple[str, str]], by: User) -> int:
    """Record the agreed score per standard ({response id: (score, reason)}). A reason is required where
    reviewers disagreed. Returns how many standards changed."""
    assessment = _locked(assessment_id=assessment.pk, by=by, permission="reviews.lead_review")
    responses = {
        response.pk: response
        for response in Response.objects.filter(assessment=assessment, pk__in=entries).select_related("standard")
    }
    submitted_scores: dict[int, list[str]] = {}
    for response_id, score in ReviewerScore.objects.filter(
        response_id__in=responses, assignment__status__in=ACTIVE, assignment__review_submitted_at__isnull=False
    ).values_list("response_id", "score"):
        submitted_scores.setdefault(response_id, []).append(score)
    missing_reasons = [
        responses[response_id].standard.code
        for response_id, (score, reason) in entries.items()
        if response_id in responses
        and score
        and disagreements(submitted_scores.get(response_id, []))
        and not reason.strip()
    ]
    if missing_reasons:
        raise ValidationError(
            f"Reviewers disagreed on {', '.join(missing_reasons)}: give the reason for the consensus score of each."
        )
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
    assessment = _locked(assessment_id=assessment.pk, by=by, permission="reviews.lead_review")
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
    assessment = _locked(assessment_id=assessment.pk, by=by, permission="reviews.comment_on_report")
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
