"""Peer review pages. Anyone who may not see a review gets a 404, exactly as if it did not exist."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from accreditation.models import Assessment, Response
from accreditation.views.access import refuse_unless_post, visible_or_404
from workflow.engine import transition
from workflow.rules import is_administrator

from .forms import (
    AssignForm,
    RemoveForm,
    ReportForm,
    RespondForm,
    ReturnForm,
    TeamCommentForm,
    VisitForm,
    read_scores,
)
from .models import Assignment, ReviewReport
from .selectors import (
    action_points_by_round,
    assessment_for_review,
    assessments_by_state,
    assignment_for_reviewer,
    assignment_of,
    consensus_matrix,
    consensus_results,
    current_action_points,
    report_of,
    review_team,
    reviewer_candidates,
    rounds_of,
    score_history,
    scoring_progress,
    scoring_rows,
    visit_of,
)
from .services import (
    assignment_create,
    assignment_remove,
    assignment_respond,
    consensus_save,
    current_round,
    portfolio_return,
    report_comment,
    report_release_problems,
    report_save,
    review_submit,
    scores_save,
    visit_save,
)

S = Assessment.Status


def _review(request, pk) -> Assessment:
    return visible_or_404(assessment_for_review(pk=pk), request.user, "reviews.view_review")


def _assignment(request, pk) -> Assignment:
    assignment = assignment_for_reviewer(pk=pk)
    if assignment is None or assignment.reviewer_id != request.user.pk:
        raise Http404("Not found.")
    return assignment


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# The review hub ----------------------------------------------------------------------------------------------------


@login_required
def review(request, pk):
    """Everything about one assessment's review: its state, team, rounds and what to do next."""
    assessment = _review(request, pk)
    user = request.user
    administrator = is_administrator(user)
    mine = assignment_of(assessment=assessment, user=user)
    candidates = reviewer_candidates(assessment=assessment) if user.has_perm("reviews.manage_team", assessment) else []
    return render(
        request,
        "reviews/review.html",
        {
            "assessment": assessment,
            "team": review_team(assessment=assessment),
            "mine": mine,
            "administrator": administrator,
            "candidates": candidates,
            "assign_form": AssignForm(candidates=candidates) if candidates else None,
            "round": current_round(assessment),
            "action_points": current_action_points(assessment=assessment),
            "can_lead": user.has_perm("reviews.lead_review", assessment),
            "can_return": user.has_perm("reviews.return_portfolio", assessment),
            "can_resume": assessment.status == S.RESUBMITTED and user.has_perm("reviews.resume_review", assessment),
            "can_finalise": user.has_perm("reviews.finalise_report", assessment),
            "release_problems": report_release_problems(assessment=assessment)
            if user.has_perm("reviews.lead_review", assessment)
            else [],
        },
    )


@login_required
def assign(request, pk):
    assessment = _review(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    if not request.user.has_perm("reviews.manage_team", assessment):
        raise PermissionDenied
    form = AssignForm(request.POST, candidates=reviewer_candidates(assessment=assessment))
    if form.is_valid():
        try:
            assignment = assignment_create(
                assessment=assessment,
                reviewer=form.cleaned_data["reviewer"],
                is_lead=form.cleaned_data["is_lead"],
                due_on=form.cleaned_data["due_on"],
                by=request.user,
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request, f"{assignment.reviewer.full_name} has been asked to review. They will get an e-mail."
            )
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("reviews:review", pk=assessment.pk)


@login_required
def remove(request, pk, assignment_id):
    assessment = _review(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    if not request.user.has_perm("reviews.manage_team", assessment):
        raise PermissionDenied
    assignment = assessment.assignments.select_related("reviewer").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404("Not found.")
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            assignment_remove(assignment=assignment, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"{assignment.reviewer.full_name} is no longer on the review team.")
    else:
        messages.error(request, "Say why the reviewer is leaving the team; it is kept in the history.")
    return redirect("reviews:review", pk=assessment.pk)


# The reviewer's own assignment -------------------------------------------------------------------------------------


@login_required
def assignment(request, pk):
    """The invitation: accept (declaring no conflict of interest), decline, or declare a conflict."""
    assignment = _assignment(request, pk)
    form = RespondForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.has_perm("reviews.respond_to_assignment", assignment):
            raise PermissionDenied
        if form.is_valid():
            try:
                assignment = assignment_respond(
                    assignment=assignment,
                    by=request.user,
                    reply=form.cleaned_data["reply"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, field_errors in error.error_dict.items():
                        for message in field_errors:
                            form.add_error(field, message)
                else:
                    form.add_error(None, error)
            else:
                if assignment.status == Assignment.Status.ACCEPTED:
                    messages.success(request, "Thank you. You can now read the portfolio and score it.")
                    return redirect("reviews:score", pk=assignment.pk)
                messages.success(request, "Thank you. The programme team has been told.")
                return redirect("home")
    return render(request, "reviews/assignment.html", {"assignment": assignment, "form": form})


def _scoring(request, pk):
    """The assignment, whether this reviewer may score now and whether they may see the others' scores; or, for an
    invitation not yet answered, the redirect to answering it."""
    assignment = _assignment(request, pk)
    if not request.user.has_perm("reviews.open_assignment", assignment):
        if assignment.status == Assignment.Status.INVITED:
            return redirect("reviews:assignment", pk=assignment.pk)
        raise Http404("Not found.")
    return (
        assignment,
        request.user.has_perm("reviews.score", assignment),
        request.user.has_perm("reviews.see_other_scores", assignment),
    )


POSTED_SCORE_FIELD = re.compile(r"(?:score|comment)-(\d{1,12})")


def _save_scores(request, assignment, can_score, response_ids) -> tuple[dict, list[str]]:
    """Read this reviewer's posted scores and comments for these standards and, if they are all valid, save them.
    Returns what was typed and the problems, if any (nothing is saved then)."""
    if not can_score:
        raise PermissionDenied
    entries, problems = read_scores(request.POST, response_ids, score_prefix="score", text_prefix="comment")
    if not problems:
        changed = scores_save(assignment=assignment, entries=entries, by=request.user)
        messages.success(request, f"Saved. {changed} standard{'s' if changed != 1 else ''} changed.")
    return entries, problems


@login_required
def score(request, pk):
    """The scoring overview: the ten values with this reviewer's progress in each, and submitting the scores."""
    scoring = _scoring(request, pk)
    if isinstance(scoring, HttpResponseBase):
        return scoring
    assignment, can_score, show_others = scoring
    if request.method == "POST":
        # The scoring form used to be one page posting here; a page left open across the change still saves.
        # scores_save ignores any id that is not a standard of this assessment.
        posted = sorted({int(match[1]) for key in request.POST if (match := POSTED_SCORE_FIELD.fullmatch(key))})
        _, problems = _save_scores(request, assignment, can_score, posted)
        for problem in dict.fromkeys(problems):
            messages.error(request, f"Your scores have not been saved. {problem}")
        return redirect("reviews:score", pk=assignment.pk)
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
    problems, entries = [], {}
    if request.method == "POST":
        entries, problems = _save_scores(request, assignment, can_score, [row.pk for row in rows])
        if not problems:
            target = request.POST.get("then", "")
            if target == "overview":
                return redirect("reviews:score", pk=assignment.pk)
            if target in {value.code for value in scoring_progress(assignment=assignment)}:
                return redirect("reviews:score_value", pk=assignment.pk, value_code=target)
            return redirect(request.path)  # no next step asked for, or one we do not know: stay here
    # What the form shows: what was just typed (unsaved, next to the problem), else what is saved.
    for row in rows:
        saved = (row.mine.score, row.mine.comment) if row.mine else ("", "")
        row.form_score, row.form_comment = entries.get(row.pk, saved) if problems else saved
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
            "problems": problems,
            "unscored_here": [row.standard.code for row in rows if not (row.mine and row.mine.score)],
            # The overall points, then this value's own.
            "action_points": [
                point
                for point in current_action_points(assessment=assignment.assessment)
                if point.response_id is None or point.response_id in value_ids
            ],
        },
    )


@login_required
def submit_review(request, pk):
    assignment = _assignment(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    try:
        review_submit(assignment=assignment, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "Your scores are submitted. You can now see the other reviewers' scores.")
    return redirect("reviews:score", pk=assignment.pk)


# The lead reviewer's work ------------------------------------------------------------------------------------------


@login_required
def return_portfolio(request, pk):
    assessment = _review(request, pk)
    if not request.user.has_perm("reviews.return_portfolio", assessment):
        raise PermissionDenied
    responses = list(
        Response.objects.filter(assessment=assessment)
        .select_related("standard")
        .order_by("standard__value__order", "standard__order")
    )
    form = ReturnForm(request.POST if request.method == "POST" else None)
    posted = {}
    if request.method == "POST":
        posted = {response.pk: request.POST.get(f"point-{response.pk}", "") for response in responses}
        too_long = [r.standard.code for r in responses if len(posted[r.pk]) > 3000]
        for code in too_long:
            form.add_error(None, f"The action point for {code} is longer than 3,000 characters.")
        if form.is_valid():
            try:
                portfolio_return(
                    assessment=assessment,
                    by=request.user,
                    overall=form.cleaned_data["overall"],
                    per_standard=[(response, posted[response.pk]) for response in responses],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "The portfolio has gone back to the team with your action points.")
                return redirect("reviews:review", pk=assessment.pk)
    for response in responses:
        response.posted = posted.get(response.pk, "")
    return render(request, "reviews/return.html", {"assessment": assessment, "form": form, "responses": responses})


@login_required
def resume(request, pk):
    assessment = _review(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    try:
        transition(assessment, to=S.IN_REVIEW, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "The review of the revised portfolio has started. Reviewers score it again.")
    return redirect("reviews:review", pk=assessment.pk)


@login_required
def rounds(request, pk):
    assessment = _review(request, pk)
    submissions, comparisons = rounds_of(assessment=assessment)
    return render(
        request,
        "reviews/rounds.html",
        {
            "assessment": assessment,
            "submissions": submissions,
            "comparisons": comparisons,
            "action_points": action_points_by_round(assessment=assessment),
        },
    )


@login_required
def visit(request, pk):
    assessment = _review(request, pk)
    existing = visit_of(assessment=assessment)
    can_edit = request.user.has_perm("reviews.lead_review", assessment)
    form = VisitForm(request.POST if request.method == "POST" else None, instance=existing)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            visit_save(assessment=assessment, by=request.user, **form.cleaned_data)
            messages.success(request, "The visit is recorded.")
            return redirect("reviews:review", pk=assessment.pk)
    return render(
        request, "reviews/visit.html", {"assessment": assessment, "form": form, "visit": existing, "can_edit": can_edit}
    )


@login_required
def consensus(request, pk):
    """Standards × reviewers. Reviewers see it once they have submitted their own scores."""
    assessment = _review(request, pk)
    mine = assignment_of(assessment=assessment, user=request.user)
    if not is_administrator(request.user) and (mine is None or mine.review_submitted_at is None):
        messages.info(request, "Submit your own scores first; then you can see everyone's.")
        return redirect("reviews:score", pk=mine.pk) if mine else redirect("reviews:review", pk=assessment.pk)
    can_edit = request.user.has_perm("reviews.lead_review", assessment)
    matrix = consensus_matrix(assessment=assessment)
    problems, entries = [], {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        entries, problems = read_scores(
            request.POST, [row.response.pk for row in matrix.rows], score_prefix="consensus", text_prefix="reason"
        )
        if not problems:
            try:
                changed = consensus_save(assessment=assessment, entries=entries, by=request.user)
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(request, f"Consensus saved. {changed} standard{'s' if changed != 1 else ''} changed.")
                return redirect("reviews:consensus", pk=assessment.pk)
    for row in matrix.rows:
        saved = (row.consensus.score, row.consensus.reason) if row.consensus else ("", "")
        row.form_score, row.form_reason = entries.get(row.response.pk, saved) if problems else saved
    return render(
        request,
        "reviews/consensus.html",
        {"assessment": assessment, "matrix": matrix, "can_edit": can_edit, "problems": problems},
    )


@login_required
def report(request, pk):
    assessment = _review(request, pk)
    existing = report_of(assessment=assessment) or ReviewReport(assessment=assessment)
    can_edit = request.user.has_perm("reviews.lead_review", assessment)
    form = ReportForm(request.POST if request.method == "POST" else None, instance=existing)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            report_save(assessment=assessment, by=request.user, **form.cleaned_data)
            messages.success(request, "The report is saved.")
            return redirect("reviews:report", pk=assessment.pk)
    return render(
        request,
        "reviews/report.html",
        {
            "assessment": assessment,
            "form": form,
            "report": existing,
            "can_edit": can_edit,
            "can_finalise": request.user.has_perm("reviews.finalise_report", assessment),
            "release_problems": report_release_problems(assessment=assessment) if can_edit else [],
            "results": consensus_results(assessment=assessment),
        },
    )


@login_required
def release(request, pk):
    return _move(request, pk, S.REPORT_DRAFT, "The draft report has gone to the team for factual-accuracy comments.")


@login_required
def finalise(request, pk):
    return _move(
        request, pk, S.REPORT_FINAL, "The report is final. The administrators have been told it is ready for decision."
    )


def _move(request, pk, to, success):
    assessment = _review(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    try:
        transition(assessment, to=to, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, success)
    return redirect("reviews:review", pk=assessment.pk)


@login_required
def history(request, pk):
    assessment = _review(request, pk)
    if not request.user.has_perm("reviews.see_score_history", assessment):
        raise Http404("Not found.")
    page = Paginator(score_history(assessment=assessment), 100).get_page(request.GET.get("page"))
    return render(request, "reviews/history.html", {"assessment": assessment, "page": page})


# The team's view of the report ------------------------------------------------------------------------------------


@login_required
def team_report(request, pk):
    """The draft or final report as the team sees it: consensus results, never individual reviewers' scores."""
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
            report_comment(assessment=assessment, by=request.user, comments=form.cleaned_data["comments"])
            messages.success(request, "Thank you. The lead reviewer has been told and will finalise the report.")
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


# The programme ----------------------------------------------------------------------------------------------------


@login_required
def programme(request):
    if not is_administrator(request.user):
        raise Http404("Not found.")
    state = request.GET.get("state", "")
    state = state if state in S.values else ""
    states, assessments = assessments_by_state(state=state)
    page = Paginator(assessments, 50).get_page(request.GET.get("page"))
    return render(request, "reviews/programme.html", {"states": states, "state": state, "page": page})
