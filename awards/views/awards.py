"""The award page: the award's status, the versions of its PDF report (download, try again), and the actions on it
(suspend, revoke, reinstate, record the interim review, start the renewal)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accreditation.views.access import refuse_unless_post, visible_or_404
from accreditation.views.actions import act, attempt
from accreditation.views.confirm import (
    Answer,
    Check,
    Done,
    carried,
    changing,
    check_page,
    confirming,
    done_page,
    rehearse,
)
from workflow.engine import available_transitions, problems_for

from ..forms import InterimReviewForm, ReasonForm
from ..models import Award, AwardReport
from ..selectors import award_page
from ..services import (
    assessment_renew,
    award_reinstate,
    award_revoke,
    award_suspend,
    interim_review_record,
    report_retry,
)

R = AwardReport.Status
# How the list of versions says where each report is.
REPORT_STATE_WORDS = {
    R.QUEUED: "Waiting to be made…",
    R.GENERATING: "Being made…",
    R.READY: "Ready",
    R.FAILED: "Failed",
}
BEING_MADE = (R.QUEUED, R.GENERATING)
# A report whose worker's lease is over: its worker has most likely stopped. The page stops refreshing and says so.
OVERDUE_WORDS = (
    "This is taking longer than it should: the worker making it may have stopped. "
    "It will be tried again automatically within a few minutes."
)
OVERDUE_WORDS_FOR_MANAGERS = f"{OVERDUE_WORDS} You can also try again now."


def _award(request, reference):
    award = award_page(reference=reference)
    if award is None:
        raise Http404("Not found.")
    award.assessment.service = award.service
    visible_or_404(award.assessment, request.user, "awards.view_award")
    return award


def _reports(request, award) -> dict:
    """The report versions, each with its state in words and the moves this person may make on it (try again)."""
    reports = list(award.reports.select_related("requested_by"))
    polling = False
    for report in reports:
        # Moves whose guard stands in the way now are not offered (trying again while the worker holds the report).
        report.moves = [move for move in available_transitions(report, request.user) if not move.problems]
        overdue = report.status == R.GENERATING and report.lease_is_over
        if overdue:
            report.state_words = OVERDUE_WORDS_FOR_MANAGERS if report.moves else OVERDUE_WORDS
        else:
            report.state_words = REPORT_STATE_WORDS[report.status]
        polling = polling or (report.status in BEING_MADE and not overdue)
    return {"reports": reports, "polling": polling}


@login_required
def award(request, reference):
    award = _award(request, reference)
    user = request.user
    return render(
        request,
        "awards/award.html",
        {
            "award": award,
            "service": award.service,
            "assessment": award.assessment,
            **_reports(request, award),
            "can_manage": user.has_perm("awards.manage_award", award),
            "moves": available_transitions(award, user),
            "can_record_interim": user.has_perm("awards.record_interim_review", award),
            "can_renew": user.has_perm("awards.renew", award),
        },
    )


@login_required
def report_status(request, reference):
    """The list of report versions alone, for the award page to refresh while a report is being made."""
    award = _award(request, reference)
    return render(request, "awards/_reports.html", {"award": award, **_reports(request, award)})


@login_required
def report_download(request, reference, version):
    award = _award(request, reference)
    report = award.reports.filter(version=version).first()
    if report is None or not request.user.has_perm("awards.download_report", report):
        raise Http404("That report is not ready.")
    response = FileResponse(
        report.file.storage.open(report.file.name, "rb"),
        as_attachment=True,
        filename=f"{award.reference}-award-report-v{report.version}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_retry_view(request, reference, version):
    award = _award(request, reference)
    if refused := refuse_unless_post(request):
        return refused
    report = award.reports.filter(version=version).first()
    if report is None:
        raise Http404("No such report.")
    return act(
        request,
        lambda: report_retry(report=report, by=request.user),
        success="The report is queued again.",
        then="awards:award",
        reference=award.reference,
    )


# The award's moves (awards/workflows.py), each made by its service with the reason the person gave, after the check
# page (accreditation/views/confirm.py): what the check page says will happen, its button, the confirmation's title.
MOVES = {
    "suspend": {
        "service": award_suspend,
        "to": Award.State.SUSPENDED,
        "button": "Confirm and suspend the award",
        "happens": (
            "Award {ref} will be suspended. The service's pages, the public register and the certificate check will "
            "show it as suspended at once.",
            "The reason is recorded and shown to the service. A new version of the award report is made.",
            "You can lift the suspension later, or revoke the award.",
        ),
        "done": "Award suspended",
        "already": "Award {ref} is already suspended; nothing was changed.",
    },
    "revoke": {
        "service": award_revoke,
        "to": Award.State.REVOKED,
        "button": "Confirm and revoke the award",
        "style": "danger",
        "happens": (
            "Award {ref} will be revoked. The service's pages, the public register and the certificate check will "
            "show it as revoked at once.",
            "The reason is recorded and shown to the service. A new version of the award report is made.",
        ),
        "warning": "You cannot undo this: a revoked award cannot be reinstated.",
        "done": "Award revoked",
        "already": "Award {ref} is already revoked; nothing was changed.",
    },
    "reinstate": {
        "service": award_reinstate,
        "to": Award.State.IN_FORCE,
        "button": "Confirm and lift the suspension",
        "happens": (
            "The suspension of award {ref} will be lifted: the award is in force again until {until}, and the "
            "public register and the certificate check will show it as valid at once.",
            "The reason is recorded and shown to the service. A new version of the award report is made.",
        ),
        "done": "Suspension lifted",
        "already": "Award {ref} is not suspended; nothing was changed.",
    },
}


def _words(text: str, award) -> str:
    return text.format(ref=award.reference, until=f"{award.valid_until:%-d %B %Y}")


def _caption(award) -> str:
    return f"Award {award.reference} · {award.service.name}"


def _reason_page(request, award, move, form, status=200):
    return render(
        request,
        "awards/award_action.html",
        {"award": award, "service": award.service, "move": move, "form": form, "caption": _caption(award)},
        status=status,
    )


def _move_check(request, award, action, move, form):
    spec = MOVES[action]
    url = reverse("awards:action", kwargs={"reference": award.reference, "action": action})
    return check_page(
        request,
        Check(
            title=f"Check before you {move.label[0].lower()}{move.label[1:]}",
            caption=_caption(award),
            answers=[
                Answer("Award", award.reference),
                Answer("Service", f"{award.service.name}, {award.service.organisation.name}"),
                Answer("Status now", award.get_status_display()),
                Answer(
                    "Reason",
                    form.cleaned_data["reason"],
                    change_field="id_reason",
                    change_words="the reason",
                    multiline=True,
                ),
            ],
            happens=[_words(text, award) for text in spec["happens"]],
            button=spec["button"],
            style=spec.get("style", "primary"),
            warning=spec.get("warning", ""),
            action=url,
            back_url=reverse("awards:award", kwargs={"reference": award.reference}),
            carry=carried(request),
        ),
    )


def _interim_check(request, award, form, status=200):
    return check_page(
        request,
        Check(
            title="Check before you record the interim review",
            caption=_caption(award),
            answers=[
                Answer("Award", award.reference),
                Answer("Service", f"{award.service.name}, {award.service.organisation.name}"),
                Answer("Awarded", f"{award.valid_from:%-d %B %Y}"),
                Answer("Interim review due", f"{award.interim_due_on:%-d %B %Y}"),
            ],
            happens=[
                f"The interim review of award {award.reference} will be recorded as completed on the date you give. "
                f"The award stays valid until {award.valid_until:%-d %B %Y}, and it is no longer shown as overdue.",
                "The service's team sees the date on its home page and the award page.",
            ],
            button="Confirm and record the interim review",
            action=reverse("awards:action", kwargs={"reference": award.reference, "action": "interim"}),
            back_url=reverse("awards:award", kwargs={"reference": award.reference}),
            form=form,
        ),
        status=status,
    )


def _interim(request, award):
    """The interim review's check page asks the day it was completed (today unless changed)."""
    user = request.user
    if not user.has_perm("awards.manage_award", award):
        raise PermissionDenied
    done_url = reverse("awards:action_done", kwargs={"reference": award.reference, "action": "interim"})
    if award.interim_completed_on is not None:
        messages.info(
            request,
            f"The interim review is already recorded as completed on {award.interim_completed_on:%-d %B %Y}; "
            "nothing was changed.",
        )
        return redirect(done_url)
    if not confirming(request):
        return _interim_check(request, award, InterimReviewForm(initial={"completed_on": timezone.localdate()}))
    form = InterimReviewForm(request.POST)
    if form.is_valid():
        done, _ = attempt(
            request,
            lambda: interim_review_record(award=award, by=user, completed_on=form.cleaned_data["completed_on"]),
            form=form,
        )
        if done:
            return redirect(done_url)
    return _interim_check(request, award, form)


@login_required
def award_action(request, reference, action):
    award = _award(request, reference)
    back = {"then": "awards:award", "reference": award.reference}
    if action == "interim":
        return _interim(request, award)
    if action == "renew":
        if refused := refuse_unless_post(request):
            return refused
        done, renewal = attempt(
            request,
            lambda: assessment_renew(award=award, by=request.user),
            success="The renewal portfolio has started from your last one. Every rating needs setting again.",
        )
        return (
            redirect("portfolio:overview", pk=renewal.pk) if done else redirect(back["then"], reference=award.reference)
        )
    if action not in MOVES:
        raise Http404("No such action.")
    if not request.user.has_perm("awards.manage_award", award):
        raise PermissionDenied
    spec = MOVES[action]
    move = next((move for move in available_transitions(award, request.user) if move.name == action), None)
    if move is None:
        # Made already (a second press of the check page's button, a second tab), or not possible from here.
        if award.state == spec["to"] and confirming(request):
            messages.info(request, _words(spec["already"], award))
            return redirect("awards:action_done", reference=award.reference, action=action)
        messages.error(request, problems_for(award, spec["to"])[0])
        return redirect(back["then"], reference=award.reference)
    if request.method != "POST":
        return _reason_page(request, award, move, ReasonForm())
    form = ReasonForm(request.POST)
    if changing(request):
        return _reason_page(request, award, move, form)
    if not form.is_valid():
        return _reason_page(request, award, move, form)
    call = partial(spec["service"], award=award, by=request.user, reason=form.cleaned_data["reason"])
    if not confirming(request):
        if rehearse(request, call, form=form, field="reason")[0]:
            return _move_check(request, award, action, move, form)
        return _reason_page(request, award, move, form)
    done, _ = attempt(request, call, form=form, field="reason")
    if done:
        return redirect("awards:action_done", reference=award.reference, action=action)
    return _reason_page(request, award, move, form)


def _done_details(award, action) -> list[Answer]:
    service = Answer("Service", f"{award.service.name}, {award.service.organisation.name}")
    if action == "interim":
        return [
            service,
            Answer("Interim review completed", f"{award.interim_completed_on:%-d %B %Y}"),
            Answer("Valid until", f"{award.valid_until:%-d %B %Y}"),
        ]
    if action == "suspend":
        return [
            service,
            Answer("Suspended on", f"{timezone.localtime(award.suspended_at):%-d %B %Y}"),
            Answer("Reason", award.suspension_reason, multiline=True),
        ]
    if action == "revoke":
        return [
            service,
            Answer("Revoked on", f"{timezone.localtime(award.revoked_at):%-d %B %Y}"),
            Answer("Reason", award.revocation_reason, multiline=True),
        ]
    return [service, Answer("Valid until", f"{award.valid_until:%-d %B %Y}")]


DONE_NEXT = {
    "interim": (
        "Interim review recorded",
        (
            "The award is valid until {until}. The service's team sees the interim review's date on its home page "
            "and on the award page.",
            "The renewal is next: the team is reminded when its renewal window opens.",
        ),
    ),
    "suspend": (
        "Award suspended",
        (
            "The service's team sees the suspension and its reason on the award page. The public register and the "
            "certificate check show award {ref} as suspended.",
            "A new version of the award report is being made; it appears on the award page within a few minutes.",
            "When the service has put things right, lift the suspension from the award page. If it cannot, revoke "
            "the award there.",
        ),
    ),
    "revoke": (
        "Award revoked",
        (
            "The service's team sees the revocation and its reason on the award page. The public register and the "
            "certificate check show award {ref} as revoked.",
            "A new version of the award report is being made; it appears on the award page within a few minutes.",
            "To hold an award again, the service starts a new portfolio.",
        ),
    ),
    "reinstate": (
        "Suspension lifted",
        (
            "Award {ref} is in force again until {until}. The public register and the certificate check show it as "
            "valid.",
            "A new version of the award report is being made; it appears on the award page within a few minutes.",
        ),
    ),
}
# What must be true of the award for its confirmation page to show; otherwise there is nothing to confirm.
DONE_WHEN = {
    "interim": lambda award: award.interim_completed_on is not None,
    "suspend": lambda award: award.state == Award.State.SUSPENDED,
    "revoke": lambda award: award.state == Award.State.REVOKED,
    "reinstate": lambda award: award.state == Award.State.IN_FORCE,
}


@login_required
def action_done(request, reference, action):
    """The confirmation page after an action on the award, for those who manage it (anyone else who may see the award
    goes to the award page; nobody else learns it exists)."""
    award = _award(request, reference)
    if action not in DONE_WHEN:
        raise Http404("No such action.")
    if not request.user.has_perm("awards.manage_award", award) or not DONE_WHEN[action](award):
        return redirect("awards:award", reference=award.reference)
    title, happens_next = DONE_NEXT[action]
    return done_page(
        request,
        Done(
            title=title,
            reference_words="Award reference",
            reference=award.reference,
            caption=f"{award.service.name} · {award.service.organisation.name}",
            details=_done_details(award, action),
            happens_next=[_words(text, award) for text in happens_next],
            links=[
                (f"Go to award {award.reference}", reverse("awards:award", kwargs={"reference": award.reference})),
                ("Go to the programme", reverse("reviews:programme")),
            ],
        ),
    )
