"""The rounds of a review, and the history of every score change."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from ..selectors.rounds import rounds_of, score_history
from .access import review_or_404


@login_required
def rounds(request, pk):
    """Each round: what the team sent and what changed, the action points it went back with, the reviewers' scores."""
    assessment = review_or_404(request, pk)
    return render(
        request,
        "reviews/rounds.html",
        {"assessment": assessment, "rounds": rounds_of(assessment=assessment, viewer=request.user)},
    )


@login_required
def history(request, pk):
    assessment = review_or_404(request, pk)
    if not request.user.has_perm("reviews.see_score_history", assessment):
        raise Http404("Not found.")
    page = Paginator(score_history(assessment=assessment), 100).get_page(request.GET.get("page"))
    return render(request, "reviews/history.html", {"assessment": assessment, "page": page})
