"""The draft or final review report as the service's team sees it, and their factual-accuracy comments."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from accreditation.views.access import visible_or_404
from accreditation.views.actions import attempt

from ..forms import TeamCommentForm
from ..selectors.assignments import assessment_for_review
from ..selectors.report import consensus_results, report_of
from ..services.report import report_comment


@login_required
def team_report(request, pk):
    """Consensus results only, never individual reviewers' scores."""
    assessment = visible_or_404(assessment_for_review(pk=pk), request.user, "accreditation.view_portfolio")
    existing = report_of(assessment=assessment)
    if existing is None or existing.released_at is None:
        raise Http404("The report has not been released yet.")
    can_comment = request.user.has_perm("reviews.comment_on_report", assessment)
    form = TeamCommentForm(
        request.POST if request.method == "POST" else None, initial={"comments": existing.team_comments}
    )
    if request.method == "POST":
        if not can_comment:
            raise PermissionDenied
        if form.is_valid():
            done, _ = attempt(
                request,
                lambda: report_comment(assessment=assessment, by=request.user, comments=form.cleaned_data["comments"]),
                form=form,
                success="Thank you. The lead reviewer has been told and will finalise the report.",
            )
            if done:
                return redirect("reviews:team_report", pk=assessment.pk)
    return render(
        request,
        "reviews/team_report.html",
        {
            "assessment": assessment,
            "service": assessment.service,
            "report": existing,
            "results": consensus_results(assessment=assessment),
            "form": form,
            "can_comment": can_comment,
        },
    )
