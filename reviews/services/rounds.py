"""Rounds of a review: each (re)submission opens one; the reviewers return a round to the team with action points."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accreditation.models import Assessment, Response, User
from workflow.audit import audit_log
from workflow.engine import transition

from ..models import ActionPoint, Assignment, ReviewerScore, ReviewRound, ReviewSubmission
from ..selectors.rounds import round_current
from .locks import locked_assessment

ACTION_POINT_MAX_LENGTH = ActionPoint._meta.get_field("text").max_length


def round_open(assessment: Assessment, by: User | None) -> ReviewRound:
    """Recorded with the move to Submitted or Resubmitted, after accreditation has frozen what the team sent (see
    reviews/workflows.py): a new round of the review. Reviewers still on the team start it from a copy of their
    scores of the round before, so they change only what the revision changes; that round's scores stay as they
    were. Every reviewer's submission is thereby reset: the audit event names whose submissions of the round before
    no longer count."""
    submission = assessment.submissions.order_by("-number").first()
    previous = round_current(assessment=assessment)
    ReviewRound.objects.filter(assessment=assessment, is_current=True).update(is_current=False)
    review_round = ReviewRound.objects.create(
        assessment=assessment, number=submission.number, submission=submission, opened_at=submission.submitted_at
    )
    copied, reset = [], []
    if previous is not None:
        reset = list(ReviewSubmission.objects.filter(round=previous).values_list("assignment_id", flat=True))
        copied = ReviewerScore.objects.bulk_create(
            ReviewerScore(
                assignment_id=score.assignment_id,
                round=review_round,
                response_id=score.response_id,
                score=score.score,
                comment=score.comment,
            )
            for score in previous.scores.filter(assignment__status__in=Assignment.ACTIVE_STATES)
        )
    audit_log(
        actor=by,
        action="reviews.round.opened",
        target=review_round,
        data={
            "previous_round": previous.number if previous is not None else None,
            "submissions_reset": reset,  # assignment ids
            "scores_copied": len(copied),
        },
    )
    return review_round


def return_problems(assessment: Assessment) -> list[str]:
    """Guard of the return to the team."""
    if not ActionPoint.objects.filter(assessment=assessment).current().exists():
        return ["Write at least one action point, so the team knows what to do."]
    return []


@transaction.atomic
def portfolio_return(
    *, assessment: Assessment, by: User, overall: str, per_standard: list[tuple[Response, str]]
) -> Assessment:
    """Send the portfolio back to the team with action points of this round, overall and per standard."""
    assessment = locked_assessment(assessment_id=assessment.pk, by=by, permission="reviews.return_portfolio")
    if not overall.strip():
        raise ValidationError({"overall": "Say overall what the team needs to do."})
    problems = [
        f"The action point for {response.standard.code} is longer than {ACTION_POINT_MAX_LENGTH:,} characters. "
        "Shorten it and send again."
        for response, text in per_standard
        if len(text.strip()) > ACTION_POINT_MAX_LENGTH
    ]
    if len(overall.strip()) > ACTION_POINT_MAX_LENGTH:
        problems.insert(0, f"The overall action point is longer than {ACTION_POINT_MAX_LENGTH:,} characters.")
    if problems:
        raise ValidationError(problems)
    review_round = round_current(assessment=assessment)
    points = [ActionPoint(assessment=assessment, round=review_round, text=overall.strip(), created_by=by)]
    for response, text in per_standard:
        if response.assessment_id != assessment.pk:
            raise PermissionDenied
        if text.strip():
            points.append(
                ActionPoint(
                    assessment=assessment, round=review_round, response=response, text=text.strip(), created_by=by
                )
            )
    ActionPoint.objects.bulk_create(points)
    return transition(assessment, to=Assessment.Status.RETURNED, by=by, note=overall.strip())
