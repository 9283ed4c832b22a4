"""The reviewer's answer to an invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from accreditation.views.actions import attempt
from workflow.engine import available_transitions

from ..forms import RespondForm
from ..services.assignments import REPLY_TARGETS, Reply, assignment_respond
from .access import own_assignment_or_404


@login_required
def assignment(request, pk):
    """The invitation: accept (declaring no conflict of interest), decline, or declare a conflict."""
    assignment = own_assignment_or_404(request, pk)
    moves = [move for move in available_transitions(assignment, request.user) if move.name in REPLY_TARGETS]
    form = RespondForm(request.POST if request.method == "POST" else None, moves=moves)
    if request.method == "POST":
        if not moves:
            raise PermissionDenied
        if form.is_valid():
            reply = form.cleaned_data["reply"]
            done, _ = attempt(
                request,
                lambda: assignment_respond(
                    assignment=assignment, by=request.user, reply=reply, note=form.cleaned_data["note"]
                ),
                form=form,
            )
            if done and reply == Reply.ACCEPT:
                messages.success(request, "Thank you. You can now read the portfolio and score it.")
                return redirect("reviews:score", pk=assignment.pk)
            if done:
                messages.success(request, "Thank you. The programme team has been told.")
                return redirect("home")
    return render(request, "reviews/assignment.html", {"assignment": assignment, "form": form, "moves": moves})
