"""Who reviews: putting reviewers on a team, their answer to the invitation, taking them off."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accreditation.models import Assessment, User
from workflow.audit import audit_log
from workflow.engine import enqueue_on_commit, transition

from ..models import Assignment, Conflict
from ..selectors.assignments import conflict_reasons
from .locks import locked_assessment

ACTIVE = Assignment.ACTIVE_STATES


def review_team_problems(assessment: Assessment) -> list[str]:
    """Guard of the move to In review."""
    if not assessment.assignments.filter(is_lead=True, status__in=ACTIVE).exists():
        return ["Assign a lead reviewer before the review starts."]
    return []


@transaction.atomic
def assignment_create(
    *, assessment: Assessment, reviewer: User, is_lead: bool, due_on: datetime.date, by: User
) -> Assignment:
    """Put a reviewer on an assessment's review team, unless a conflict of interest stands in the way."""
    assessment = locked_assessment(assessment_id=assessment.pk, by=by, permission="reviews.manage_team")
    if reasons := conflict_reasons(assessment=assessment, reviewers=[reviewer])[reviewer.pk]:
        raise ValidationError(
            {
                "reviewer": [
                    f"{reviewer.full_name} cannot review this service: {reason}. Choose another reviewer."
                    for reason in reasons
                ]
            }
        )
    if is_lead and assessment.assignments.filter(is_lead=True, status__in=ACTIVE).exists():
        raise ValidationError(
            {"is_lead": "This review already has a lead reviewer. Remove them first, or untick Lead reviewer."}
        )
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The review due date must be today or in the future"})
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
    locked_assessment(assessment_id=assignment.assessment_id, by=by, permission="reviews.manage_team")
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
    """The reviewer accepts (declaring no conflict of interest), declines, or declares a conflict and withdraws. An
    invitation the reviewer has answered already (a double click, a second tab) is refused in words, not as a stranger
    would be: `assignment` then holds the answer given."""
    try:
        locked_assessment(
            assessment_id=assignment.assessment_id, by=by, permission="reviews.respond_to_assignment", target=assignment
        )
    except PermissionDenied:
        if assignment.reviewer_id == by.pk and assignment.status != Assignment.Status.INVITED:
            raise ValidationError("You have already answered this invitation.") from None
        raise
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
    Conflict.objects.create(
        reviewer=assignment.reviewer, service=assignment.assessment.service, reason=assignment.end_reason
    )
