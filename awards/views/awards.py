"""The decision page (recommendation, panel decision, conditions, appeals) and the award page (status, PDF)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accreditation.models import Assessment
from accreditation.views.access import refuse_unless_post, visible_or_404
from workflow.engine import available_transitions
from workflow.rules import is_administrator

from ..forms import (
    AppealForm,
    AppealOutcomeForm,
    ConditionCheckForm,
    ConditionFormSet,
    DecisionForm,
    PanelFormSet,
    ReasonForm,
)
from ..models import Appeal, AwardReport, Condition
from ..recommendation import recommendation_for
from ..selectors import award_page
from ..services import (
    ConditionDraft,
    PanelSeat,
    appeal_decide,
    appeal_lodge,
    assessment_renew,
    award_reinstate,
    award_revoke,
    award_suspend,
    condition_check,
    decision_record,
    interim_review_record,
    report_retry,
)

S = Assessment.Status


def _assessment(request, pk) -> Assessment:
    assessment = Assessment.objects.select_related("service__organisation", "edition").filter(pk=pk).first()
    return visible_or_404(assessment, request.user, "awards.view_award")


def _award(request, reference):
    award = award_page(reference=reference)
    if award is None:
        raise Http404("Not found.")
    award.assessment.service = award.service
    visible_or_404(award.assessment, request.user, "awards.view_award")
    return award


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.error_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
def decision(request, pk):
    """Everything about the decision on one assessment. Administrators record it here."""
    assessment = _assessment(request, pk)
    user = request.user
    can_decide = user.has_perm("awards.decide", assessment) and assessment.status in (S.REPORT_FINAL, S.DEFERRED)
    form = DecisionForm(
        request.POST if request.method == "POST" else None, initial={"decided_on": timezone.localdate()}
    )
    panel = PanelFormSet(request.POST if request.method == "POST" else None, prefix="panel")
    conditions = ConditionFormSet(request.POST if request.method == "POST" else None, prefix="conditions")
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid() & panel.is_valid() & conditions.is_valid():
            try:
                decision_record(
                    assessment=assessment,
                    by=user,
                    outcome=form.cleaned_data["outcome"],
                    decided_on=form.cleaned_data["decided_on"],
                    rationale=form.cleaned_data["rationale"],
                    override_reason=form.cleaned_data["override_reason"],
                    panel=[PanelSeat(row["name"], row["role"]) for row in panel.cleaned_data if row.get("name")],
                    conditions=[
                        ConditionDraft(row["text"], row["due_on"]) for row in conditions.cleaned_data if row.get("text")
                    ],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "The decision is recorded.")
                return redirect("awards:decision", pk=assessment.pk)
    decisions = list(
        assessment.decisions.select_related("recorded_by").prefetch_related(
            "panel", "conditions__checked_by", "appeals"
        )
    )
    latest = decisions[0] if decisions else None
    return render(
        request,
        "awards/decision.html",
        {
            "assessment": assessment,
            "service": assessment.service,
            "recommendation": recommendation_for(assessment=assessment)
            if assessment.status in (S.REPORT_FINAL, S.DEFERRED, S.DECIDED)
            else None,
            "decisions": decisions,
            "latest": latest,
            "award": getattr(assessment, "award", None) if assessment.status == S.DECIDED else None,
            "can_decide": can_decide,
            "form": form,
            "panel": panel,
            "conditions": conditions,
            "can_appeal": latest is not None and user.has_perm("awards.appeal", assessment),
            "can_decide_appeal": user.has_perm("awards.decide_appeal", assessment),
            "can_check": user.has_perm("awards.check_condition", assessment),
            "appeal_form": AppealForm(),
            "appeal_outcome_form": AppealOutcomeForm(),
            "check_form": ConditionCheckForm(),
            "today": timezone.localdate(),
        },
    )


def _post_action(request, pk, action, form_class, success):
    assessment = _assessment(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(assessment, form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, success)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("awards:decision", pk=assessment.pk)


@login_required
def appeal(request, pk):
    def lodge(assessment, data):
        latest = assessment.decisions.order_by("-recorded_at", "-id").first()
        if latest is None:
            raise Http404("No decision to appeal against.")
        appeal_lodge(decision=latest, by=request.user, grounds=data["grounds"])

    return _post_action(request, pk, lodge, AppealForm, "Your appeal has been lodged. The programme team will respond.")


@login_required
def appeal_outcome(request, pk, appeal_id):
    def decide(assessment, data):
        item = Appeal.objects.filter(pk=appeal_id, decision__assessment=assessment).first()
        if item is None:
            raise Http404("No such appeal.")
        appeal_decide(appeal=item, by=request.user, result=data["result"], note=data["note"])

    return _post_action(request, pk, decide, AppealOutcomeForm, "The appeal's outcome is recorded.")


@login_required
def condition_met(request, pk, condition_id):
    def check(assessment, data):
        item = (
            Condition.objects.select_related("decision__assessment")
            .filter(pk=condition_id, decision__assessment=assessment)
            .first()
        )
        if item is None:
            raise Http404("No such condition.")
        item.decision.assessment = assessment
        condition_check(condition=item, by=request.user, note=data["note"])

    return _post_action(request, pk, check, ConditionCheckForm, "The condition is marked as met.")


@login_required
def award(request, reference):
    award = _award(request, reference)
    reports = list(award.reports.select_related("requested_by"))
    administrator = is_administrator(request.user)
    return render(
        request,
        "awards/award.html",
        {
            "award": award,
            "service": award.service,
            "assessment": award.assessment,
            "reports": reports,
            "administrator": administrator,
            "reason_form": ReasonForm(),
            "moves": available_transitions(award, request.user),
            "can_record_interim": award.interim_completed_on is None
            and request.user.has_perm("awards.manage_award", award),
            "can_renew": request.user.has_perm("accreditation.start_assessment", award.service)
            and not award.service.assessments.exclude(status__in=Assessment.CLOSED_STATES).exists(),
            "polling": any(report.status in ("queued", "generating") for report in reports),
        },
    )


@login_required
def report_status(request, reference):
    """The list of report versions alone, for the award page to refresh while a report is being made."""
    award = _award(request, reference)
    reports = list(award.reports.select_related("requested_by"))
    return render(
        request,
        "awards/_reports.html",
        {
            "award": award,
            "reports": reports,
            "administrator": is_administrator(request.user),
            "polling": any(report.status in ("queued", "generating") for report in reports),
        },
    )


@login_required
def report_download(request, reference, version):
    award = _award(request, reference)
    report = award.reports.filter(version=version, status=AwardReport.Status.READY).first()
    if report is None:
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
    try:
        report_retry(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The report is queued again.")
    return redirect("awards:award", reference=award.reference)


ACTIONS = {
    "suspend": (award_suspend, "The award is suspended. A new version of the report is being made."),
    "revoke": (award_revoke, "The award is revoked. A new version of the report is being made."),
    "reinstate": (award_reinstate, "The suspension is lifted. A new version of the report is being made."),
}


@login_required
def award_action(request, reference, action):
    award = _award(request, reference)
    if refused := refuse_unless_post(request):
        return refused
    if action == "interim":
        try:
            interim_review_record(award=award, by=request.user, completed_on=timezone.localdate())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The interim review is recorded as completed today.")
        return redirect("awards:award", reference=award.reference)
    if action == "renew":
        try:
            renewal = assessment_renew(award=award, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("awards:award", reference=award.reference)
        messages.success(
            request, "The renewal portfolio has started from your last one. Every rating needs setting again."
        )
        return redirect("portfolio:overview", pk=renewal.pk)
    if action not in ACTIONS:
        raise Http404("No such action.")
    service, success = ACTIONS[action]
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(award=award, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success)
    else:
        messages.error(request, "Give the reason; it is recorded and shown to the service.")
    return redirect("awards:award", reference=award.reference)
