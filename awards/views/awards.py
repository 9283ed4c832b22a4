"""The award page: the award's status, the versions of its PDF report (download, try again), and the actions on it
(suspend, revoke, reinstate, record the interim review, start the renewal)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accreditation.views.access import refuse_unless_post, visible_or_404
from accreditation.views.actions import act, act_on_form, attempt
from workflow.engine import available_transitions

from ..forms import ReasonForm
from ..models import AwardReport
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


# The award's moves (awards/workflows.py), each made by its service with the reason the person gave.
MOVES = {
    "suspend": (award_suspend, "The award is suspended. A new version of the report is being made."),
    "revoke": (award_revoke, "The award is revoked. A new version of the report is being made."),
    "reinstate": (award_reinstate, "The suspension is lifted. A new version of the report is being made."),
}


@login_required
def award_action(request, reference, action):
    award = _award(request, reference)
    if refused := refuse_unless_post(request):
        return refused
    back = {"then": "awards:award", "reference": award.reference}
    if action == "interim":
        return act(
            request,
            lambda: interim_review_record(award=award, by=request.user, completed_on=timezone.localdate()),
            success="The interim review is recorded as completed today.",
            **back,
        )
    if action == "renew":
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
    service, success = MOVES[action]
    return act_on_form(
        request,
        ReasonForm(request.POST),
        lambda data: service(award=award, by=request.user, reason=data["reason"]),
        success=success,
        **back,
    )
