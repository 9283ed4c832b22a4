"""A reviewer scoring: the overview of their progress per value, one value's standards, submitting the scores."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from accreditation.middleware import take_kept_draft
from accreditation.views.access import refuse_unless_post
from accreditation.views.actions import act, attempt

from ..forms import ScoreSheetForm
from ..selectors.rounds import current_action_points
from ..selectors.scoring import scoring_progress, scoring_rows
from ..services.scoring import changed_since_seen, review_submit, score_version, scores_save
from .access import own_assignment_or_404


def _scoring(request, pk):
    """The assignment, whether this reviewer may score now and whether they may see the others' scores; or, for an
    invitation not yet answered, the redirect to answering it."""
    assignment = own_assignment_or_404(request, pk)
    user = request.user
    if not user.has_perm("reviews.open_assignment", assignment):
        if user.has_perm("reviews.respond_to_assignment", assignment):
            return redirect("reviews:assignment", pk=assignment.pk)
        raise Http404("Not found.")
    return assignment, user.has_perm("reviews.score", assignment), user.has_perm("reviews.see_other_scores", assignment)


@login_required
def score(request, pk):
    """The scoring overview: the ten values with this reviewer's progress in each, and submitting the scores."""
    scoring = _scoring(request, pk)
    if isinstance(scoring, HttpResponseBase):
        return scoring
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])  # scores are saved one value at a time, on its own page
    assignment, can_score, show_others = scoring
    progress = scoring_progress(assignment=assignment)
    unscored = [code for value in progress for code in value.unscored]
    return render(
        request,
        "reviews/score.html",
        {
            "assignment": assignment,
            "assessment": assignment.assessment,
            "progress": progress,
            "total": sum(value.total for value in progress),
            "unscored": unscored,
            "first_unscored": next((value for value in progress if value.unscored), None),
            "can_score": can_score,
            "show_others": show_others,
            "action_points": current_action_points(assessment=assignment.assessment),
        },
    )


@login_required
def score_value(request, pk, value_code):
    """Scoring one value: each of its standards, the team's response and evidence, and this reviewer's score."""
    scoring = _scoring(request, pk)
    if isinstance(scoring, HttpResponseBase):
        return scoring
    assignment, can_score, show_others = scoring
    rows = scoring_rows(assignment=assignment, value_code=value_code, show_others=show_others)
    if not rows:
        raise Http404("No such value in this portfolio.")
    form = None
    if request.method == "POST":
        if not can_score:
            raise PermissionDenied
        form = ScoreSheetForm(
            request.POST,
            response_ids=[row.pk for row in rows],
            score_prefix="score",
            text_prefix="comment",
            version_prefix="version",
        )
        if form.is_valid():
            done, _ = attempt(
                request,
                lambda: scores_save(
                    assignment=assignment, entries=form.entries, by=request.user, seen_versions=form.versions
                ),
                form=form,
                # Moving on to another value with nothing changed says nothing.
                success=lambda changed: (
                    f"Saved. {changed} standard{'s' if changed != 1 else ''} changed."
                    if changed or not request.POST.get("then")
                    else ""
                ),
            )
            if done:
                return _after_saving(request, assignment)
            # Refused: what is saved now may have been saved while this request waited for the lock.
            rows = scoring_rows(assignment=assignment, value_code=value_code, show_others=show_others)
    elif can_score and (kept := take_kept_draft(request)):
        # Typed before the session ran out: shown as typed (with what was saved since, if anything), saved only
        # when the reviewer saves.
        form = ScoreSheetForm(
            kept,
            response_ids=[row.pk for row in rows],
            score_prefix="score",
            text_prefix="comment",
            version_prefix="version",
        )
        form.is_valid()
    # What the form shows: what was just typed (unsaved, next to the problem), else what is saved; and the version of
    # what is saved now, so that saving again after reading a conflict keeps what was typed.
    stale = (
        changed_since_seen(
            saved={row.pk: row.mine for row in rows if row.mine}, entries=form.entries, seen=form.versions
        )
        if form is not None
        else []
    )
    for row in rows:
        saved = (row.mine.score, row.mine.comment) if row.mine else ("", "")
        row.form_score, row.form_comment = form.entries.get(row.pk, saved) if form is not None else saved
        row.version = score_version(row.mine)
        row.saved_since = row.pk in stale
    progress = scoring_progress(assignment=assignment)
    codes = [value.code for value in progress]
    here = codes.index(value_code)
    value_ids = {row.pk for row in rows}
    return render(
        request,
        "reviews/score_value.html",
        {
            "assignment": assignment,
            "assessment": assignment.assessment,
            "value": rows[0].standard.value,
            "rows": rows,
            "progress": progress,
            "previous_value": progress[here - 1] if here > 0 else None,
            "next_value": progress[here + 1] if here + 1 < len(progress) else None,
            "can_score": can_score,
            "show_others": show_others,
            "problems": form.non_field_errors() if form is not None else [],
            "unscored_here": [row.standard.code for row in rows if not (row.mine and row.mine.score)],
            # The overall points, then this value's own.
            "action_points": [
                point
                for point in current_action_points(assessment=assignment.assessment)
                if point.response_id is None or point.response_id in value_ids
            ],
        },
    )


def _after_saving(request, assignment):
    """On to the value or the overview the reviewer asked for; anything else (or nothing) stays on this value."""
    target = request.POST.get("then", "")
    if target == "overview":
        return redirect("reviews:score", pk=assignment.pk)
    if target in {value.code for value in scoring_progress(assignment=assignment)}:
        return redirect("reviews:score_value", pk=assignment.pk, value_code=target)
    return redirect(request.path)


@login_required
def submit_review(request, pk):
    assignment = own_assignment_or_404(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    return act(
        request,
        lambda: review_submit(assignment=assignment, by=request.user),
        success="Your scores are submitted. You can now see the other reviewers' scores.",
        then="reviews:score",
        pk=assignment.pk,
    )
