"""A reviewer's scores: saved as they go, submitted when every standard is scored, each round on its own."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accreditation.models import Response, User
from workflow.audit import audit_log

from ..models import Assignment, ReviewerScore, ReviewRound, ReviewSubmission, ScoreChange
from ..selectors.rounds import round_current
from .locks import locked_assessment


@transaction.atomic
def scores_save(*, assignment: Assignment, entries: dict[int, tuple[str, str]], by: User) -> int:
    """Save a reviewer's scores and comments for the current round ({response id: (score, comment)}); every change
    of score is kept. Ids that are not standards of this assessment are ignored. Returns how many standards changed."""
    assessment = locked_assessment(
        assessment_id=assignment.assessment_id, by=by, permission="reviews.score", target=assignment
    )
    review_round = round_current(assessment=assessment)
    responses = set(
        Response.objects.filter(assessment_id=assignment.assessment_id, pk__in=entries).values_list("pk", flat=True)
    )
    existing = {
        score.response_id: score for score in assignment.scores.filter(round=review_round, response_id__in=responses)
    }
    changed = 0
    history = []
    for response_id in responses:
        new_score, comment = entries[response_id]
        score = existing.get(response_id)
        if score is None:
            if not new_score and not comment.strip():
                continue
            score = ReviewerScore.objects.create(
                assignment=assignment, round=review_round, response_id=response_id, score=new_score, comment=comment
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
            history.append(ScoreChange(score=score, changed_by=by, old_score=old_score, new_score=new_score))
    ScoreChange.objects.bulk_create(history)
    if changed:
        audit_log(
            actor=by,
            action="reviews.scores.saved",
            target=assignment,
            data={"standards": changed, "round": review_round.number},
        )
    return changed


def unscored(*, assignment: Assignment, review_round: ReviewRound) -> list[str]:
    """The codes of the standards this reviewer has not yet scored in this round, in the edition's order."""
    scored = set(assignment.scores.filter(round=review_round).exclude(score="").values_list("response_id", flat=True))
    return [
        code
        for pk, code in assignment.assessment.responses.values_list("pk", "standard__code").order_by(
            "standard__value__order", "standard__order"
        )
        if pk not in scored
    ]


@transaction.atomic
def review_submit(*, assignment: Assignment, by: User) -> ReviewSubmission:
    """The reviewer's scores for this round are done: they can now see the other reviewers' scores of the round."""
    assessment = locked_assessment(
        assessment_id=assignment.assessment_id, by=by, permission="reviews.score", target=assignment
    )
    review_round = round_current(assessment=assessment)
    if missing := unscored(assignment=assignment, review_round=review_round):
        raise ValidationError(f"Score every standard before submitting. Still to score: {', '.join(missing)}.")
    submission = ReviewSubmission.objects.create(assignment=assignment, round=review_round)
    assignment.review_submitted_at = submission.submitted_at
    audit_log(
        actor=by,
        action="reviews.review.submitted",
        target=assignment,
        to_state="submitted",
        data={"round": review_round.number},
    )
    return submission
