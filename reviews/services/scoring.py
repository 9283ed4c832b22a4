"""A reviewer's scores: saved as they go, submitted when every standard is scored, each round on its own."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accreditation.models import Response, User
from workflow.audit import audit_log

from ..models import Assignment, ReviewerScore, ReviewRound, ReviewSubmission, ScoreChange
from ..selectors.rounds import round_current
from .locks import locked_assessment


def score_version(score: ReviewerScore | None) -> str:
    """What a scoring page remembers of a saved score, to tell on saving whether it was saved again since: its last
    save time in microseconds ("" for none yet)."""
    return "" if score is None else str(int(score.updated_at.timestamp() * 1_000_000))


def changed_since_seen(
    *, saved: dict[int, ReviewerScore], entries: dict[int, tuple[str, str]], seen: dict[int, str]
) -> list[int]:
    """The standards saved again since the page was opened (their version differs from the one it showed) to
    something other than what is being saved now; saving what was typed would overwrite that unseen."""
    return [
        response_id
        for response_id, typed in entries.items()
        if response_id in seen
        and (score := saved.get(response_id)) is not None
        and seen[response_id] != score_version(score)
        and (score.score, score.comment) != typed
    ]


@transaction.atomic
def scores_save(
    *,
    assignment: Assignment,
    entries: dict[int, tuple[str, str]],
    by: User,
    seen_versions: dict[int, str] | None = None,
) -> int:
    """Save a reviewer's scores and comments for the current round ({response id: (score, comment)}); every change
    of score is kept. Ids that are not standards of this assessment are ignored. Returns how many standards changed.

    `seen_versions` ({response id: `score_version`}) are the scores as the page showed them. If any was saved again
    since (another tab, another device) to something else, nothing is saved: the reviewer is told which and when."""
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
    if stale := changed_since_seen(
        saved=existing, entries={pk: entries[pk] for pk in responses}, seen=seen_versions or {}
    ):
        _refuse_stale(assignment=assignment, scores=[existing[pk] for pk in stale], by=by)
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


def _refuse_stale(*, assignment: Assignment, scores: list[ReviewerScore], by: User) -> None:
    codes = dict(
        Response.objects.filter(pk__in=[score.response_id for score in scores]).values_list("pk", "standard__code")
    )
    latest = max(score.updated_at for score in scores)
    who = "You" if assignment.reviewer_id == by.pk else assignment.reviewer.full_name
    raise ValidationError(
        f"{who} saved {', '.join(sorted(codes.values()))} again at {timezone.localtime(latest):%H:%M on %-d %B %Y}, "
        "after this page was opened (in another tab or window, or on another device). Nothing was saved from this "
        "page. What you typed is still below, with what is saved now beside it: check each, then save again to keep "
        "yours."
    )


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
