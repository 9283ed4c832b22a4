"""The lead reviewer's work: returning the portfolio, resuming, the visit, the consensus, the report and its moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from accreditation.models import Assessment
from accreditation.views.access import refuse_unless_post
from accreditation.views.actions import act, attempt
from workflow.engine import available_transitions, transition

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


@login_required
def release(request, pk):
    return _move(request, pk, S.REPORT_DRAFT, "The draft report has gone to the team for factual-accuracy comments.")


@login_required
def finalise(request, pk):
    return _move(
        request, pk, S.REPORT_FINAL, "The report is final. The administrators have been told it is ready for decision."
    )


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
