"""The draft or final review report as the service's team sees it, and their factual-accuracy comments."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from accreditation.views.access import visible_or_404
from accreditation.views.actions import attempt

from ..forms import TeamCommentForm
from ..selectors.assignments import assessment_for_review
from ..selectors.report import consensus_results, report_comments, report_of
from ..services.report import report_comment_add, report_comment_remove, report_comments_send


@login_required
def team_report(request, pk):
    """Consensus results only, never individual reviewers' scores. The team lead adds comments one at a time
    ("Add another comment") and sends them all at once, or sends none: no corrections."""
    assessment = visible_or_404(assessment_for_review(pk=pk), request.user, "accreditation.view_portfolio")
    existing = report_of(assessment=assessment)
    if existing is None or existing.released_at is None:
        raise Http404("The report has not been released yet.")
    assessment.report = existing  # the permissions read it
    results = consensus_results(assessment=assessment)
    form = TeamCommentForm(results=results)
    if request.method == "POST":
        # The role, not the window: a comment sent after the deadline is told why it cannot go.
        if not request.user.has_perm("reviews.check_draft_report", assessment):
            raise PermissionDenied
        if "remove" in request.POST:
            comment_id = _number(request.POST["remove"])
            attempt(
                request,
                lambda: report_comment_remove(assessment=assessment, by=request.user, comment_id=comment_id),
                success="The comment is removed.",
            )
            return redirect("reviews:team_report", pk=assessment.pk)
        sending = "send" in request.POST
        form = TeamCommentForm(request.POST, results=results, sending=sending)
        done = False
        if form.is_valid():
            about, text = form.cleaned_data["about"], form.cleaned_data["text"]
            if sending:
                done, _ = attempt(
                    request,
                    lambda: report_comments_send(assessment=assessment, by=request.user, about=about, text=text),
                    form=form,
                    success=lambda report: (
                        "Thank you. Your comments have gone to the lead reviewer, who will answer each one "
                        "before finalising the report."
                        if report.comments.exists()
                        else "Thank you. The lead reviewer knows there is nothing to correct."
                    ),
                )
            else:
                done, _ = attempt(
                    request,
                    lambda: report_comment_add(assessment=assessment, by=request.user, about=about, text=text),
                    form=form,
                    success="Your comment is added. Add another, or send your comments when you have finished.",
                )
        if done:
            return redirect("reviews:team_report", pk=assessment.pk)
    may_check = request.user.has_perm("reviews.check_draft_report", assessment)
    return render(
        request,
        "reviews/team_report.html",
        {
            "assessment": assessment,
            "service": assessment.service,
            "report": existing,
            "results": results,
            "comments": report_comments(report=existing),
            "form": form,
            "can_comment": request.user.has_perm("reviews.comment_on_report", assessment),
            "too_late": may_check and existing.team_commented_at is None and existing.comments_deadline_passed,
            "draft": existing.finalised_at is None,
            "comments_open": existing.finalised_at is None and existing.open_for_comments,
        },
    )


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Http404("No such comment.") from None
