"""The review hub: one assessment's review, its team and what to do next; and changing the team."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from accreditation.views.access import refuse_unless_post
from accreditation.views.actions import act, attempt, form_problems_to_messages
from workflow.engine import available_transitions

from ..forms import AssignForm, RemoveForm
from ..selectors.assignments import assignment_of, review_team, reviewer_candidates
from ..selectors.rounds import current_action_points, round_current
from ..services.assignments import assignment_create, assignment_remove
from .access import review_or_404


@login_required
def review(request, pk):
    """Everything about one assessment's review: its state, team, rounds and what to do next."""
    return _review_page(request, review_or_404(request, pk))


def _review_page(request, assessment, *, assign_form: AssignForm | None = None):
    """The review page; with `assign_form`, the form to add a reviewer as it was posted, beside its errors."""
    user = request.user
    candidates = reviewer_candidates(assessment=assessment) if user.has_perm("reviews.manage_team", assessment) else []
    if assign_form is None and candidates:
        assign_form = AssignForm(candidates=candidates)
    team = review_team(assessment=assessment)
    for member in team:
        member.remove = next((move for move in available_transitions(member, user) if move.name == "remove"), None)
    review_round = round_current(assessment=assessment)
    action_points = current_action_points(assessment=assessment)
    return render(
        request,
        "reviews/review.html",
        {
            "assessment": assessment,
            "team": team,
            "mine": assignment_of(assessment=assessment, user=user),
            "candidates": candidates,
            "assign_form": assign_form,
            "round": review_round,
            "action_points": action_points,
            # Returned and not yet resubmitted: the latest action points belong to the round still under way.
            "with_the_team": bool(action_points) and action_points[0].round_id == getattr(review_round, "pk", None),
            "moves": {move.name: move for move in available_transitions(assessment, user)},
        },
    )


@login_required
def assign(request, pk):
    assessment = review_or_404(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    if not request.user.has_perm("reviews.manage_team", assessment):
        raise PermissionDenied
    form = AssignForm(request.POST, candidates=reviewer_candidates(assessment=assessment))
    if form.is_valid():
        done, _ = attempt(
            request,
            lambda: assignment_create(assessment=assessment, by=request.user, **form.cleaned_data),
            form=form,
            success=lambda assignment: (
                f"{assignment.reviewer.full_name} has been asked to review. They will get an e-mail."
            ),
        )
        if done:
            return redirect("reviews:review", pk=assessment.pk)
    # The same page again, with what was typed (the reviewer, the lead box, the due date) beside what to fix.
    return _review_page(request, assessment, assign_form=form)


@login_required
def remove(request, pk, assignment_id):
    assessment = review_or_404(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    if not request.user.has_perm("reviews.manage_team", assessment):
        raise PermissionDenied
    assignment = next((member for member in review_team(assessment=assessment) if member.pk == assignment_id), None)
    if assignment is None:
        raise Http404("Not found.")
    form = RemoveForm(request.POST)
    if not form.is_valid():
        form_problems_to_messages(request, form)
        return redirect("reviews:review", pk=assessment.pk)
    return act(
        request,
        lambda: assignment_remove(assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]),
        success=f"{assignment.reviewer.full_name} is no longer on the review team.",
        then="reviews:review",
        pk=assessment.pk,
    )
