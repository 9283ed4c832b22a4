"""The lead reviewer's work: the visit, the consensus, the report; and the team's factual-accuracy comments."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from accreditation.models import Assessment, Response, User
from workflow.audit import audit_log
from workflow.engine import enqueue_on_commit

from ..models import Assignment, ConsensusScore, ReportComment, ReviewerScore, ReviewReport, Visit
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


def _day(date: datetime.date) -> str:
    return dateformat.format(date, "j F Y")


def report_finalise_problems(assessment: Assessment) -> list[str]:
    """What must happen before the report is final: the team has sent its comments and each has an answer, or the
    team has sent none by the deadline."""
    report = ReviewReport.objects.filter(assessment=assessment).first()
    if report is None:
        return ["Write the report first."]
    if report.team_commented_at is None:
        if report.comments_deadline_passed:
            return []
        return [
            f"The team has until {_day(report.comments_due_on)} to comment. You can finalise the report once they "
            "have sent their comments, or after that date if they send none."
        ]
    unanswered = report.comments.filter(answer="").count()
    if unanswered:
        plural = unanswered != 1
        return [
            f"Answer each of the team's comments first: {unanswered} still need{'' if plural else 's'} an answer "
            "(accept it and say what you corrected, or say why you do not accept it)."
        ]
    return []


def report_finalise_note(assessment: Assessment) -> str:
    """For the audit trail: a report finalised with no word from the team says so, with the deadline that passed."""
    report = ReviewReport.objects.filter(assessment=assessment).first()
    if report is None or report.team_commented_at is not None or not report.comments_deadline_passed:
        return ""
    return f"Finalised after the comments deadline ({_day(report.comments_due_on)}) without comments from the team."


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
    assessment = locked_assessment(assessment_id=assessment.pk, by=by, permission="reviews.correct_report")
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
    assessment = locked_assessment(assessment_id=assessment.pk, by=by, permission="reviews.correct_report")
    report, created = ReviewReport.objects.get_or_create(assessment=assessment)
    report.strengths, report.areas_for_development, report.action_points = (
        strengths,
        areas_for_development,
        action_points,
    )
    report.save(update_fields=["strengths", "areas_for_development", "action_points", "updated_at"])
    audit_log(actor=by, action="reviews.report.written" if created else "reviews.report.updated", target=report)
    return report


def _draft_with_the_team(*, assessment: Assessment, by: User) -> tuple[Assessment, ReviewReport]:
    """Lock the assessment and its report for the team lead's comments, or say why the team can no longer comment."""
    assessment = locked_assessment(assessment_id=assessment.pk, by=by, permission="reviews.check_draft_report")
    report = ReviewReport.objects.select_for_update().get(assessment=assessment)
    if report.team_commented_at is not None:
        raise ValidationError(
            f"Your team's comments went to the lead reviewer on {_day(timezone.localdate(report.team_commented_at))}; "
            "they cannot be changed now."
        )
    if report.comments_deadline_passed:
        raise ValidationError(
            f"The deadline for comments was {_day(report.comments_due_on)}, so comments can no longer be sent. The "
            "lead reviewer may now finalise the report."
        )
    return assessment, report


def _comment_add(*, report: ReviewReport, by: User, about: str, text: str) -> ReportComment:
    comment = ReportComment(report=report, about=about.strip(), text=text.strip(), by=by)
    comment.full_clean()
    comment.save()
    audit_log(
        actor=by,
        action="reviews.report.comment_added",
        target=report,
        note=comment.text,
        data={"comment": comment.pk, "about": comment.about},
    )
    return comment


@transaction.atomic
def report_comment_add(*, assessment: Assessment, by: User, about: str, text: str) -> ReportComment:
    """The team lead adds one factual-accuracy comment on the draft report. It goes to the lead reviewer with the
    others when the team sends them (`report_comments_send`)."""
    if not text.strip():
        raise ValidationError({"text": "Enter your comment: what is wrong in the report, and what it should say."})
    _, report = _draft_with_the_team(assessment=assessment, by=by)
    return _comment_add(report=report, by=by, about=about, text=text)


@transaction.atomic
def report_comment_remove(*, assessment: Assessment, by: User, comment_id: int) -> None:
    """The team lead takes back a comment not yet sent."""
    _, report = _draft_with_the_team(assessment=assessment, by=by)
    comment = ReportComment.objects.filter(report=report, pk=comment_id).first()
    if comment is None:
        raise ValidationError("That comment has already been removed.")
    comment.delete()
    audit_log(
        actor=by,
        action="reviews.report.comment_removed",
        target=report,
        note=comment.text,
        data={"comment": comment_id},
    )


@transaction.atomic
def report_comments_send(*, assessment: Assessment, by: User, about: str = "", text: str = "") -> ReviewReport:
    """The team lead sends the team's factual-accuracy comments to the lead reviewer, with a last one if given. None
    at all: the team has no corrections. Either way the lead reviewer may then finalise, once each is answered."""
    assessment, report = _draft_with_the_team(assessment=assessment, by=by)
    if text.strip():
        _comment_add(report=report, by=by, about=about, text=text)
    count = report.comments.count()
    report.team_commented_by, report.team_commented_at = by, timezone.now()
    report.save(update_fields=["team_commented_by", "team_commented_at", "updated_at"])
    audit_log(
        actor=by,
        action="reviews.report.team_commented",
        target=report,
        note=f"{count} comment{'s' if count != 1 else ''} sent." if count else "No corrections.",
        data={"comments": count},
    )
    enqueue_on_commit("reviews.tasks.notify_team_commented", assessment.pk)
    return report


ANSWER_TEXT_REQUIRED = {
    ReportComment.Answer.ACCEPTED: "Say what you corrected in the report or the consensus",
    ReportComment.Answer.NOT_ACCEPTED: "Give the reason you do not accept the comment",
}


@transaction.atomic
def report_comment_answer(*, comment: ReportComment, by: User, answer: str, text: str) -> ReportComment:
    """The lead reviewer answers one of the team's comments: accepted, with the correction made (in the report or
    the consensus, which stay open to them while the draft is with the team), or not accepted, with the reason."""
    locked_assessment(assessment_id=comment.report.assessment_id, by=by, permission="reviews.answer_comments")
    comment = ReportComment.objects.select_for_update().select_related("report").get(pk=comment.pk)
    if comment.report.team_commented_at is None:
        raise PermissionDenied  # the team has not sent it: the lead reviewer cannot see it yet
    if answer not in ANSWER_TEXT_REQUIRED:
        raise ValidationError({"answer": "Choose whether you accept the comment"})
    if not text.strip():
        raise ValidationError({"answer_text": ANSWER_TEXT_REQUIRED[answer]})
    comment.answer, comment.answer_text = answer, text.strip()
    comment.answered_by, comment.answered_at = by, timezone.now()
    comment.full_clean()
    comment.save(update_fields=["answer", "answer_text", "answered_by", "answered_at"])
    audit_log(
        actor=by,
        action="reviews.report.comment_answered",
        target=comment.report,
        note=f"{comment.get_answer_display()}: {comment.answer_text}",
        data={"comment": comment.pk, "answer": answer},
    )
    return comment
