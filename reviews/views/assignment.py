"""The reviewer's answer to an invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from accreditation.views.actions import attempt
from workflow.engine import available_transitions

from ..forms import RespondForm
from ..models import Assignment
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
            return _answered_already(request, assignment)
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
            assignment.refresh_from_db()
            if assignment.status != Assignment.Status.INVITED:  # answered in the meantime: a double click
                return _answered_already(request, assignment)
    return render(request, "reviews/assignment.html", {"assignment": assignment, "form": form, "moves": moves})


def _answered_already(request, assignment: Assignment):
    """A second answer to an invitation answered already (a double click, an old tab): where the first answer
    leads, with what it was."""
    A = Assignment.Status
    answered = assignment.responded_at if assignment.status == A.ACCEPTED else assignment.ended_at
    when = f"{timezone.localtime(answered):%-d %B %Y at %H:%M}"
    if assignment.status == A.ACCEPTED:
        if request.POST.get("reply") == "accept":
            messages.info(request, f"You accepted this review on {when}. You can read the portfolio and score it.")
        else:
            messages.warning(
                request,
                f"You accepted this review on {when}, so this answer was not recorded. If you cannot do it after all, "
                "ask the programme team to take you off the review.",
            )
        return redirect("reviews:score", pk=assignment.pk)
    words = {
        A.DECLINED: f"You declined this review on {when}.",
        A.WITHDRAWN: f"You declared a conflict of interest and withdrew from this review on {when}.",
        A.REMOVED: f"The programme team took you off this review on {when}.",
    }
    messages.info(
        request, f"{words[assignment.status]} Nothing else needs doing; ask the programme team if that is wrong."
    )
    return redirect("home")
