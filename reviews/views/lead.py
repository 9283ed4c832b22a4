"""The lead reviewer's work: returning the portfolio, resuming, the visit, the consensus, the report and its moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accreditation.middleware import take_kept_draft
from accreditation.models import Assessment
from accreditation.views.access import refuse_unless_post
from accreditation.views.actions import act, attempt
from accreditation.views.confirm import Answer, Check, Done, check_page, confirming, done_page
from workflow.engine import available_transitions, check_permission, problems_for, transition

from ..forms import AnswerForm, ConsensusForm, ReportForm, ReturnForm, VisitForm
from ..models import ReviewReport
from ..selectors.assignments import assignment_of
from ..selectors.report import consensus_matrix, consensus_results, report_comments, report_of, visit_of
from ..selectors.rounds import standards_of
from ..services.report import consensus_save, report_comment_answer, report_save, visit_save
from ..services.rounds import portfolio_return
from .access import review_or_404

S = Assessment.Status


@login_required
def return_portfolio(request, pk):
    assessment = review_or_404(request, pk)
    if not request.user.has_perm("reviews.return_portfolio", assessment):
        raise PermissionDenied
    form = ReturnForm(request.POST if request.method == "POST" else None, responses=standards_of(assessment=assessment))
    if request.method == "POST" and form.is_valid():
        done, _ = attempt(
            request,
            lambda: portfolio_return(
                assessment=assessment,
                by=request.user,
                overall=form.cleaned_data["overall"],
                per_standard=form.per_standard(),
            ),
            form=form,
            success="The portfolio has gone back to the team with your action points.",
        )
        if done:
            return redirect("reviews:review", pk=assessment.pk)
    return render(request, "reviews/return.html", {"assessment": assessment, "form": form})


def _move(request, pk, to, success):
    """One of the review's moves, from its button."""
    assessment = review_or_404(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    return act(
        request,
        lambda: transition(assessment, to=to, by=request.user),
        success=success,
        then="reviews:review",
        pk=assessment.pk,
    )


@login_required
def resume(request, pk):
    return _move(request, pk, S.IN_REVIEW, "The review of the revised portfolio has started. Reviewers score it again.")


def _in_words(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _report_answers(assessment, report) -> list[Answer]:
    """What goes to the team (or the panel), as the check page lists it, each with where to change it."""
    report_url = reverse("reviews:report", kwargs={"pk": assessment.pk})
    results = consensus_results(assessment=assessment)
    scored = [row.consensus.get_score_display().lower() for row in results if getattr(row, "consensus", None)]
    tally = ", ".join(f"{scored.count(label)} {label}" for label in dict.fromkeys(scored)) or "none yet"
    report = report or ReviewReport()
    return [
        Answer("Service", f"{assessment.service.name}, {assessment.service.organisation.name}"),
        Answer("Portfolio", assessment.reference),
        Answer(
            "Consensus scores",
            f"{_in_words(len(scored), 'standard')} of {len(results)}: {tally}",
            change_url=reverse("reviews:consensus", kwargs={"pk": assessment.pk}),
            change_words="the consensus scores",
        ),
        *(
            Answer(label, text or "Not written yet", change_url=f"{report_url}#id_{name}", change_words=label.lower())
            for label, name, text in (
                ("Strengths", "strengths", report.strengths),
                ("Areas for development", "areas_for_development", report.areas_for_development),
                ("Action points", "action_points", report.action_points),
            )
        ),
    ]


# The report's two moves, each checked before it is made (accreditation/views/confirm.py).
REPORT_MOVES = {
    "release": {
        "to": S.REPORT_DRAFT,
        "title": "Check the draft report before it goes to the team",
        "happens": (
            "The draft report goes to the team of {service} at once. They can read it, with the consensus score of "
            "every standard, and send factual-accuracy comments. They are e-mailed a link to it.",
            "While the draft is with the team the report cannot be released again; you finalise it after their "
            "comments.",
        ),
        "button": "Confirm and release the draft report",
        "stamp": "released_at",
        "already": "The draft report was already released to the team on {on}; it went once.",
        "done": "Draft report released",
        "next": (
            "The team of {service} has been e-mailed a link to the draft report. They check it for factual accuracy "
            "and can send comments.",
            "Their comments will show on the report page. Then you finalise the report, and the administrators are "
            "told it is ready for the award panel.",
        ),
    },
    "finalise": {
        "to": S.REPORT_FINAL,
        "title": "Check the report before you finalise it",
        "happens": (
            "The report becomes final: nobody can change it, or the consensus scores, after this.",
            "The team of {service} can read the final report, and the administrators are told the assessment is "
            "ready for the award panel.",
        ),
        "warning": "You cannot undo this.",
        "button": "Confirm and finalise the report",
        "stamp": "finalised_at",
        "already": "The report was already finalised on {on}; nothing was changed.",
        "done": "Report finalised",
        "next": (
            "The administrators have been told the assessment of {service} is ready for the award panel. The panel "
            "decides Awarded, Deferred or Not awarded; the team sees the panel's decision once it is recorded.",
            "The team can read the final report now.",
        ),
    },
}


def _report_move(request, pk, name):
    """Release or finalise the report: the check page (GET, or any POST but the confirmation), then the move once."""
    assessment = review_or_404(request, pk)
    spec = REPORT_MOVES[name]
    report = report_of(assessment=assessment)
    move = next((move for move in available_transitions(assessment, request.user) if move.name == name), None)
    report_url = reverse("reviews:report", kwargs={"pk": assessment.pk})
    stamp = getattr(report, spec["stamp"], None) if report else None
    if move is None:
        if stamp is not None:  # done already: a second press, a second tab, the back button
            messages.info(request, spec["already"].format(on=f"{timezone.localtime(stamp):%-d %B %Y}"))
            return redirect(f"reviews:{name}d", pk=assessment.pk)
        check_permission(assessment, to=spec["to"], by=request.user)
        for problem in problems_for(assessment, spec["to"]):
            messages.error(request, problem)
        return redirect(report_url)
    if confirming(request):
        done, _ = attempt(request, lambda: transition(assessment, to=spec["to"], by=request.user))
        return redirect(f"reviews:{name}d", pk=assessment.pk) if done else redirect(report_url)
    service = assessment.service.name
    return check_page(
        request,
        Check(
            title=spec["title"],
            caption=f"Review of {service}",
            answers=_report_answers(assessment, report),
            happens=[text.format(service=service) for text in spec["happens"]],
            warning=spec.get("warning", ""),
            button=spec["button"],
            action=reverse(f"reviews:{name}", kwargs={"pk": assessment.pk}),
            back_url=report_url,
            back_words="Go back to the report",
            problems=move.problems,
        ),
    )


@login_required
def release(request, pk):
    return _report_move(request, pk, "release")


@login_required
def finalise(request, pk):
    return _report_move(request, pk, "finalise")


def _report_done(request, pk, name):
    """The confirmation page after releasing or finalising the report, for the people on the review."""
    assessment = review_or_404(request, pk)
    spec = REPORT_MOVES[name]
    report = report_of(assessment=assessment)
    stamp = getattr(report, spec["stamp"], None) if report else None
    if stamp is None:
        return redirect("reviews:report", pk=assessment.pk)
    service = assessment.service.name
    return done_page(
        request,
        Done(
            title=spec["done"],
            reference_words="Portfolio reference",
            reference=assessment.reference,
            caption=f"Review of {service} · {assessment.service.organisation.name}",
            details=[Answer("Service", service), Answer(spec["done"], f"{timezone.localtime(stamp):%-d %B %Y, %H:%M}")],
            happens_next=[text.format(service=service) for text in spec["next"]],
            links=[
                ("Go to the report", reverse("reviews:report", kwargs={"pk": assessment.pk})),
                (f"Go to the review of {service}", reverse("reviews:review", kwargs={"pk": assessment.pk})),
            ],
        ),
    )


@login_required
def released(request, pk):
    return _report_done(request, pk, "release")


@login_required
def finalised(request, pk):
    return _report_done(request, pk, "finalise")


@login_required
def visit(request, pk):
    assessment = review_or_404(request, pk)
    existing = visit_of(assessment=assessment)
    can_edit = request.user.has_perm("reviews.lead_review", assessment)
    form = VisitForm(request.POST if request.method == "POST" else None, instance=existing)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            done, _ = attempt(
                request,
                lambda: visit_save(assessment=assessment, by=request.user, **form.cleaned_data),
                form=form,
                success="The visit is recorded.",
            )
            if done:
                return redirect("reviews:review", pk=assessment.pk)
    return render(
        request, "reviews/visit.html", {"assessment": assessment, "form": form, "visit": existing, "can_edit": can_edit}
    )


@login_required
def consensus(request, pk):
    """Each standard with every submitted reviewer's score, by value. Reviewers see it once they have submitted their
    own scores; the lead records the consensus. Where every reviewer gave the same score it is filled in (not saved
    until the lead saves); a saved consensus, or what was just typed, comes first."""
    assessment = review_or_404(request, pk)
    if not request.user.has_perm("reviews.see_consensus", assessment):
        messages.info(request, "Submit your own scores first; then you can see everyone's.")
        mine = assignment_of(assessment=assessment, user=request.user)
        return redirect("reviews:score", pk=mine.pk) if mine else redirect("reviews:review", pk=assessment.pk)
    can_edit = request.user.has_perm("reviews.correct_report", assessment)
    matrix = consensus_matrix(assessment=assessment)
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ConsensusForm(
            request.POST, standards=[(row.response.pk, row.response.standard.code) for row in matrix.rows]
        )
        if form.is_valid():
            done, _ = attempt(
                request,
                lambda: consensus_save(assessment=assessment, entries=form.entries, by=request.user),
                form=form,
                success=lambda changed: f"Consensus saved. {changed} standard{'s' if changed != 1 else ''} changed.",
            )
            if done:
                return redirect("reviews:consensus", pk=assessment.pk)
    elif can_edit and (kept := take_kept_draft(request)):
        # Typed before the session ran out: shown as typed, saved only when the lead saves.
        form = ConsensusForm(kept, standards=[(row.response.pk, row.response.standard.code) for row in matrix.rows])
        form.is_valid()
    for row in matrix.rows:
        row.form_score, row.form_reason = form.entries[row.response.pk] if form is not None else row.proposed
        row.errors = form.row_errors(row.response.pk) if form is not None else []
    return render(
        request,
        "reviews/consensus.html",
        {"assessment": assessment, "matrix": matrix, "can_edit": can_edit, "form": form},
    )


def _answer_form(comment, data=None) -> AnswerForm:
    form = AnswerForm(
        data,
        prefix=f"comment-{comment.pk}",
        initial={"answer": comment.answer, "answer_text": comment.answer_text},
    )
    form.comment_id, form.is_answered = comment.pk, bool(comment.answer)
    return form


@login_required
def report(request, pk):
    """The report: written, and corrected while the draft is with the team; the team's comments, each answered."""
    assessment = review_or_404(request, pk)
    existing = report_of(assessment=assessment) or ReviewReport(assessment=assessment)
    can_edit = request.user.has_perm("reviews.correct_report", assessment)
    comments = report_comments(report=existing, sent_only=True)
    can_answer = bool(comments) and request.user.has_perm("reviews.answer_comments", assessment)
    form = ReportForm(None, instance=existing)
    answered = None  # the answer form posted, shown again with its problems
    if request.method != "POST" and (kept := take_kept_draft(request) if can_edit or can_answer else None):
        # Typed before the session ran out: the report's text, or an answer to one of the team's comments.
        comment = next((c for c in comments if str(c.pk) == kept.get("comment")), None)
        if comment is not None and can_answer:
            answered = _answer_form(comment, kept)
        elif can_edit:
            fields = ReportForm._meta.fields
            form = ReportForm(initial={name: kept[name] for name in fields if name in kept}, instance=existing)
    if request.method == "POST" and "comment" in request.POST:
        comment = next((c for c in comments if str(c.pk) == request.POST["comment"]), None)
        if not can_answer or comment is None:
            raise PermissionDenied
        answered = _answer_form(comment, request.POST)
        if answered.is_valid():
            done, _ = attempt(
                request,
                lambda: report_comment_answer(
                    comment=comment,
                    by=request.user,
                    answer=answered.cleaned_data["answer"],
                    text=answered.cleaned_data["answer_text"],
                ),
                form=answered,
                success="Your answer is saved. The team will see it on their copy of the report.",
            )
            if done:
                return redirect(f"{reverse('reviews:report', args=[assessment.pk])}#comment-{comment.pk}")
    elif request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ReportForm(request.POST, instance=existing)
        if form.is_valid():
            done, _ = attempt(
                request,
                lambda: report_save(assessment=assessment, by=request.user, **form.cleaned_data),
                form=form,
                success="The report is saved.",
            )
            if done:
                return redirect("reviews:report", pk=assessment.pk)
    for comment in comments if can_answer else ():
        comment.form = answered if answered is not None and answered.comment_id == comment.pk else _answer_form(comment)
    return render(
        request,
        "reviews/report.html",
        {
            "assessment": assessment,
            "form": form,
            "report": existing,
            "can_edit": can_edit,
            "comments": comments,
            "can_answer": can_answer,
            "answer_with_problems": answered if answered is not None and answered.errors else None,
            "moves": {move.name: move for move in available_transitions(assessment, request.user)},
            "results": consensus_results(assessment=assessment),
        },
    )
