"""A service's portfolio: the overview, a page per value and per standard, and submission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from reviews.selectors.report import report_released_to_team
from reviews.selectors.rounds import action_points_for_team
from standards.models import Rating
from workflow.engine import Move, available_transitions

from ..forms import LinkEvidenceForm, ResponseForm, SubmitForm
from ..middleware import take_kept_draft
from ..models import Assessment, Evidence
from ..selectors.assessments import (
    assessment_for_portfolio,
    portfolio_progress,
    portfolio_response,
    portfolio_task_list,
    portfolio_value_responses,
    standard_neighbours,
)
from ..selectors.evidence import evidence_linkable, response_links
from ..services.assessments import ResponseConflict, portfolio_submit, response_save, submit_target
from ..services.evidence import evidence_link, evidence_unlink
from .access import refuse_unless_post, visible_or_404
from .actions import attempt, form_problems_to_messages
from .confirm import Answer, Check, Done, check_page, done_page


def _assessment(request, pk) -> Assessment:
    return visible_or_404(assessment_for_portfolio(pk=pk), request.user, "accreditation.view_portfolio")


def _editable_or_403(request, assessment):
    if not request.user.has_perm("accreditation.edit_portfolio", assessment):
        raise PermissionDenied


def _submit_move(user, assessment) -> Move | None:
    """The move that sends the portfolio to the reviewers (a resubmission after a return: the service says which),
    if this person may make it now. Only the team's own states offer it, so no other move's permission is asked."""
    if not assessment.is_editable:
        return None
    target = submit_target(assessment)
    return next((move for move in available_transitions(assessment, user) if move.to == target), None)


@login_required
def overview(request, pk):
    assessment = _assessment(request, pk)
    progress = portfolio_progress(assessment=assessment)
    action_points = action_points_for_team(assessment=assessment)
    # Only while the portfolio is back with the team is a value's action point something to do now.
    returned = {point.response.standard.code for point in action_points if point.response_id}
    return render(
        request,
        "accreditation/portfolio/overview.html",
        {
            "assessment": assessment,
            "service": assessment.service,
            "progress": progress,
            "tasks": portfolio_task_list(
                progress=progress, returned_standards=returned if assessment.is_editable else set()
            ),
            "days_left": (assessment.due_on - timezone.localdate()).days,
            "can_edit": request.user.has_perm("accreditation.edit_portfolio", assessment),
            "submit_move": _submit_move(request.user, assessment),
            "action_points": action_points,
            "report_released": report_released_to_team(assessment=assessment),
        },
    )


@login_required
def value_page(request, pk, value_code):
    assessment = _assessment(request, pk)
    responses = portfolio_value_responses(assessment=assessment, value_code=value_code)
    if not responses:
        raise Http404("No such value in this portfolio.")
    return render(
        request,
        "accreditation/portfolio/value.html",
        {
            "assessment": assessment,
            "service": assessment.service,
            "value": responses[0].standard.value,
            "responses": responses,
            "can_edit": request.user.has_perm("accreditation.edit_portfolio", assessment),
        },
    )


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _evidence_context(assessment, response, can_edit) -> dict:
    """What the evidence part of a standard's page shows: its links, and the library items that could be linked."""
    return {
        "links": response_links(response=response),
        "linkable": list(evidence_linkable(response=response)) if can_edit else [],
    }


def _standard_context(request, assessment, response, form, conflict=None):
    previous_standard, next_standard = standard_neighbours(assessment=assessment, standard=response.standard)
    can_edit = request.user.has_perm("accreditation.edit_portfolio", assessment)
    return {
        "assessment": assessment,
        "service": assessment.service,
        "response": response,
        "standard": response.standard,
        "value": response.standard.value,
        "form": form,
        "conflict": conflict,
        **_evidence_context(assessment, response, can_edit),
        "can_edit": can_edit,
        "action_points": [
            point for point in action_points_for_team(assessment=assessment) if point.response_id == response.pk
        ],
        "previous_standard": previous_standard,
        "next_standard": next_standard,
    }


def _changed(response, data) -> bool:
    return data["rating"] != response.rating or data["narrative"].replace("\r\n", "\n") != response.narrative


def _save_draft(request, response, *, only_if_changed: bool, success: str):
    """Save the rating and narrative posted from a standard's form. Returns (form, conflict, done): on a refusal or
    a conflict the form holds what the person typed, so the page can show it again."""
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return form, None, False
    data = form.cleaned_data
    if only_if_changed and not _changed(response, data):
        return form, None, True
    try:
        done, _ = attempt(
            request,
            lambda: response_save(
                response=response,
                rating=data["rating"],
                narrative=data["narrative"],
                expected_version=data["version"],
                by=request.user,
            ),
            form=form,
            success=success,
        )
    except ResponseConflict as error:
        # Keep what this person typed; move the lock on so their next save, once they have compared, goes in.
        form = ResponseForm(
            initial={"rating": data["rating"], "narrative": data["narrative"], "version": error.current.version}
        )
        return form, error.current, False
    return form, None, done


def _standard_page_again(request, assessment, response, form, conflict):
    return render(
        request,
        "accreditation/portfolio/standard.html",
        _standard_context(request, assessment, response, form, conflict),
        status=409 if conflict else 200,
    )


# The buttons of a standard's form that save and then go to a neighbouring standard.
MOVES = ("save_next", "save_previous")


@login_required
def standard_page(request, pk, standard_code):
    assessment = _assessment(request, pk)
    response = portfolio_response(assessment=assessment, standard_code=standard_code)
    if response is None:
        raise Http404("No such standard in this portfolio.")
    if request.method != "POST":
        initial = {"rating": response.rating, "narrative": response.narrative, "version": response.version}
        if request.user.has_perm("accreditation.edit_portfolio", assessment) and (kept := take_kept_draft(request)):
            # Typed before the session ran out. The version it was typed against goes with it: if someone saved in
            # between, the next save shows both texts instead of overwriting theirs.
            version = kept.get("version", "")
            initial.update(
                rating=kept.get("rating", "") if kept.get("rating", "") in Rating.values else "",
                narrative=kept.get("narrative", ""),
                version=int(version) if version.isdigit() and len(version) < 10 else response.version,
            )
        return _standard_page_again(request, assessment, response, ResponseForm(initial=initial), None)
    _editable_or_403(request, assessment)
    move = next((name for name in MOVES if name in request.POST), None)
    # Going to another standard with nothing changed saves nothing (and writes no audit event).
    form, conflict, done = _save_draft(
        request, response, only_if_changed=move is not None, success=f"{response.standard.code} saved."
    )
    if not done:
        return _standard_page_again(request, assessment, response, form, conflict)
    previous_standard, next_standard = standard_neighbours(assessment=assessment, standard=response.standard)
    target = {"save_next": next_standard, "save_previous": previous_standard}.get(move) or response.standard
    return redirect("portfolio:standard", pk=assessment.pk, standard_code=target.code)


def _evidence_change(request, assessment, response, change):
    """Link or unlink evidence, pressed on a standard's page.

    The buttons belong to the narrative's form, so without JavaScript the typed rating and narrative come with them:
    they are saved as a draft first (a conflict or a problem shows the page again with the text, and nothing is
    linked). With htmx only the evidence part of the page is replaced; the form, and what is typed in it, stay."""
    if _is_htmx(request):
        change()
        return render(
            request,
            "accreditation/portfolio/_evidence.html",
            {
                "assessment": assessment,
                "response": response,
                "standard": response.standard,
                "service": assessment.service,
                "can_edit": True,
                "swapped": True,
                **_evidence_context(assessment, response, True),
            },
        )
    if "narrative" in request.POST:
        form, conflict, done = _save_draft(
            request, response, only_if_changed=True, success=f"Your draft of {response.standard.code} was saved."
        )
        if not done:
            messages.warning(request, "The evidence has not been linked or unlinked yet: save your response first.")
            return _standard_page_again(request, assessment, response, form, conflict)
    change()
    return redirect("portfolio:standard", pk=assessment.pk, standard_code=response.standard.code)


@login_required
def link_evidence(request, pk, standard_code):
    assessment = _assessment(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    response = portfolio_response(assessment=assessment, standard_code=standard_code)
    if response is None:
        raise Http404("No such standard in this portfolio.")
    _editable_or_403(request, assessment)

    def change():
        form = LinkEvidenceForm(request.POST, queryset=evidence_linkable(response=response))
        if not form.is_valid():
            form_problems_to_messages(request, form)
            return
        evidence = form.cleaned_data["evidence"]
        attempt(
            request,
            lambda: evidence_link(response=response, evidence=evidence, by=request.user),
            success=f"“{evidence.title}” now supports {response.standard.code}.",
        )

    return _evidence_change(request, assessment, response, change)


@login_required
def unlink_evidence(request, pk, standard_code, evidence_id):
    assessment = _assessment(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    response = portfolio_response(assessment=assessment, standard_code=standard_code)
    if response is None:
        raise Http404("No such standard in this portfolio.")
    _editable_or_403(request, assessment)
    evidence = get_object_or_404(Evidence, pk=evidence_id, service_id=assessment.service_id)
    return _evidence_change(
        request,
        assessment,
        response,
        lambda: attempt(
            request,
            lambda: evidence_unlink(response=response, evidence=evidence, by=request.user),
            success=f"“{evidence.title}” no longer supports {response.standard.code}. It stays in your library.",
        ),
    )


# The submission's check page and confirmation page (accreditation/views/confirm.py), for a first submission and for
# a resubmission after the reviewers' return.
SUBMISSION_WORDS = {
    "submit": {
        "title": "Check your portfolio before you submit it",
        "happens": (
            "The portfolio goes to the programme team, who assign peer reviewers to it.",
            "It becomes read-only for the team, and evidence linked to it cannot be deleted.",
        ),
        "button": "Confirm and submit the portfolio",
        "done": "Portfolio submitted",
        "next": (
            "The programme team has been told. They assign peer reviewers, who read the portfolio and score every "
            "standard; they may send it back to you with action points.",
            "The reviewers arrange a visit with you. After it, you receive a draft report to check for factual "
            "accuracy, then the award panel decides.",
            "Until then the portfolio is read-only. You can keep adding evidence to your library.",
        ),
    },
    "resubmit": {
        "title": "Check your portfolio before you resubmit it",
        "happens": (
            "The revised portfolio goes back to the reviewers, who are told and look at your changes.",
            "It becomes read-only for the team again.",
        ),
        "button": "Confirm and resubmit the portfolio",
        "done": "Portfolio resubmitted",
        "next": (
            "The reviewers have been told. They look at what you changed for their action points and score the "
            "portfolio again.",
            "Until then the portfolio is read-only.",
        ),
    },
}


def _submission_check(request, assessment, progress, move, form):
    overview = reverse("portfolio:overview", kwargs={"pk": assessment.pk})
    words = SUBMISSION_WORDS[move.name]
    ratings = progress.ratings
    return check_page(
        request,
        Check(
            title=words["title"],
            caption=f"{assessment.service.name} · {assessment.service.organisation.name}",
            answers=[
                Answer("Portfolio", f"{assessment.reference}: {assessment.get_kind_display().lower()} assessment"),
                Answer("Standards", f"{assessment.edition.code} edition"),
                Answer(
                    "Complete",
                    f"All {progress.total} standards have a self-rating, a narrative and evidence",
                    change_url=overview,
                    change_words="the portfolio",
                ),
                Answer(
                    "Self-ratings",
                    f"{ratings['met']} met, {ratings['partly_met']} partly met, {ratings['not_met']} not met",
                    change_url=overview,
                    change_words="the self-ratings",
                ),
            ],
            happens=list(words["happens"]),
            button=words["button"],
            action=reverse("portfolio:submit", kwargs={"pk": assessment.pk}),
            back_url=overview,
            back_words="Not yet: back to the portfolio",
            form=form,
        ),
    )


@login_required
def submit(request, pk):
    """The check page before (re)submitting, with the team's confirmation; a submission is sent once."""
    assessment = _assessment(request, pk)
    move = _submit_move(request.user, assessment)
    if move is None:
        latest = assessment.submissions.order_by("-number").first() if not assessment.is_editable else None
        if latest is None:
            raise PermissionDenied
        # Sent already: a second press, a second tab, the back button.
        messages.info(
            request,
            f"This portfolio was already sent to the reviewers on "
            f"{timezone.localtime(latest.submitted_at):%-d %B %Y at %H:%M}; it was sent once.",
        )
        return redirect("portfolio:submitted", pk=assessment.pk)
    progress = portfolio_progress(assessment=assessment)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if not progress.missing and request.method == "POST" and form.is_valid():
        done, _ = attempt(request, lambda: portfolio_submit(assessment=assessment, by=request.user))
        if done:
            return redirect("portfolio:submitted", pk=assessment.pk)
    if not progress.missing:
        return _submission_check(request, assessment, progress, move, form)
    return render(
        request,
        "accreditation/portfolio/submit.html",
        {
            "assessment": assessment,
            "service": assessment.service,
            "progress": progress,
            "move": move,
        },
    )


@login_required
def submitted(request, pk):
    """The confirmation page after a (re)submission: its reference, when, and what happens next."""
    assessment = _assessment(request, pk)
    latest = assessment.submissions.select_related("submitted_by").order_by("-number").first()
    if latest is None or assessment.is_editable:
        return redirect("portfolio:overview", pk=assessment.pk)
    words = SUBMISSION_WORDS["submit" if latest.number == 1 else "resubmit"]
    return done_page(
        request,
        Done(
            title=words["done"],
            reference_words="Your portfolio reference",
            reference=assessment.reference,
            caption=f"{assessment.service.name} · {assessment.service.organisation.name}",
            details=[
                Answer("Sent", f"{timezone.localtime(latest.submitted_at):%-d %B %Y at %H:%M}"),
                Answer("Sent by", latest.submitted_by.full_name),
                Answer("Round", str(latest.number)),
            ],
            happens_next=list(words["next"]),
            links=[
                ("Go to the portfolio", reverse("portfolio:overview", kwargs={"pk": assessment.pk})),
                ("Go to your home page", reverse("home")),
            ],
        ),
    )
