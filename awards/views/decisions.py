"""The decision page: what the award rule recommends, the panel's decisions, their conditions and appeals; and the
actions posted from it (recording a decision, lodging and deciding an appeal, checking a condition)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accreditation.models import Assessment
from accreditation.views.access import refuse_unless_post, visible_or_404
from accreditation.views.actions import act_on_form, attempt
from accreditation.views.confirm import changing, confirming, rehearse
from reviews.selectors.report import report_of
from workflow.engine import available_transitions
from workflow.forms import formset_errors

from ..forms import (
    AppealForm,
    AppealOutcomeForm,
    ConditionCheckForm,
    ConditionFormSet,
    DecisionForm,
    PanelFormSet,
)
from ..models import Appeal, Condition, Outcome
from ..recommendation import recommendation_for
from ..services import (
    ConditionDraft,
    PanelSeat,
    appeal_decide,
    appeal_lodge,
    condition_check,
    decision_in_words,
    decision_record,
)
from .decided import award_of, decision_check

S = Assessment.Status
# The award rule can be applied once the review report is final; an award exists once the panel has decided.
RECOMMENDATION_STATES = (S.REPORT_FINAL, S.DEFERRED, S.DECIDED)


def _assessment(request, pk) -> Assessment:
    assessment = Assessment.objects.select_related("service__organisation", "edition").filter(pk=pk).first()
    return visible_or_404(assessment, request.user, "awards.view_award")


def _decided_meanwhile(request, assessment: Assessment):
    """For an administrator whose decision was not recorded because another was recorded after they opened the page
    (a second tab, a colleague): whose, what and when, with a link to it, on the decision page. None if not so."""
    seen = request.POST.get("latest_seen", "")
    latest = assessment.decisions.select_related("recorded_by").first()
    if latest is None or str(latest.pk) == seen:
        return None
    link = reverse("awards:decision", kwargs={"pk": assessment.pk}) + f"#decision-{latest.pk}"
    if latest.recorded_by_id == request.user.pk:  # the same person: a double click, a second tab
        messages.info(
            request,
            format_html(
                'You have already recorded this decision; it is recorded once. <a href="{}">Read it</a>.', link
            ),
        )
        return redirect("awards:decision_recorded", pk=assessment.pk, decision_id=latest.pk)
    messages.warning(
        request,
        format_html(
            '{} Yours was not recorded. <a href="{}">Read that decision</a>; if the panel decided something else, '
            "talk to {} before recording anything.",
            decision_in_words(latest),
            link,
            latest.recorded_by.full_name,
        ),
    )
    return redirect(link)


def _report_links(user, assessment: Assessment) -> dict:
    """Where this person reads the review behind the decision: the reviewers' pages for the people on the review,
    the team's own view of the released report for the team; no link to a page they could not open."""
    if user.has_perm("reviews.view_review", assessment):
        return {
            "review_report_url": reverse("reviews:report", kwargs={"pk": assessment.pk}),
            "consensus_url": (
                reverse("reviews:consensus", kwargs={"pk": assessment.pk})
                if user.has_perm("reviews.see_consensus", assessment)
                else ""
            ),
        }
    report = report_of(assessment=assessment)
    released = report is not None and report.released_at is not None
    return {
        "review_report_url": reverse("reviews:team_report", kwargs={"pk": assessment.pk}) if released else "",
        "consensus_url": "",
    }


@login_required
def decision(request, pk):
    """Everything about the decision on one assessment. Administrators record it here."""
    assessment = _assessment(request, pk)
    user = request.user
    # The panel's decision is one of the assessment's moves (awards/workflows.py): offered while it can be made.
    can_decide = any(move.name == "decide" for move in available_transitions(assessment, user))
    posted = request.POST if request.method == "POST" else None
    decisions = list(
        assessment.decisions.select_related("recorded_by").prefetch_related(
            "panel", "conditions__checked_by", "appeals"
        )
    )
    latest = decisions[0] if decisions else None
    form = DecisionForm(
        posted, initial={"decided_on": timezone.localdate(), "latest_seen": latest.pk if latest else ""}
    )
    panel = PanelFormSet(posted, prefix="panel")
    conditions = ConditionFormSet(posted, prefix="conditions")
    if request.method == "POST":
        if user.has_perm("awards.decide", assessment) and (meanwhile := _decided_meanwhile(request, assessment)):
            return meanwhile
        if not can_decide:
            raise PermissionDenied
        # "Change" on the check page: the form again, as it was filled in.
        if not changing(request) and form.is_valid() & panel.is_valid() & conditions.is_valid():
            data = form.cleaned_data
            record = partial(
                decision_record,
                assessment=assessment,
                by=user,
                outcome=data["outcome"],
                decided_on=data["decided_on"],
                rationale=data["rationale"],
                override_reason=data["override_reason"],
                panel=[PanelSeat(row["name"], row["role"]) for row in panel.cleaned_data if row.get("name")],
                conditions=[
                    ConditionDraft(row["text"], row["due_on"]) for row in conditions.cleaned_data if row.get("text")
                ],
                latest_seen_id=form.latest_seen_id(),
            )
            if not confirming(request):
                would, award = rehearse(request, lambda: award_of(record()), form=form)
                if would:
                    return decision_check(request, assessment, record.keywords, award)
            else:
                done, recorded = attempt(request, record, form=form)
                if done:
                    return redirect("awards:decision_recorded", pk=assessment.pk, decision_id=recorded.pk)
            # Two administrators at the same moment: the other's decision was recorded while this one waited.
            if meanwhile := _decided_meanwhile(request, assessment):
                return meanwhile
    for item in decisions:
        for appeal in item.appeals.all():
            # The outcomes this person may record now: from the appeal's table, so none once it has one.
            appeal.outcome_moves = available_transitions(appeal, user, offered=False)
    sees_recommendation = user.has_perm("awards.see_recommendation", assessment)
    recommendation = (
        recommendation_for(assessment=assessment)
        if sees_recommendation and assessment.status in RECOMMENDATION_STATES
        else None
    )
    return render(
        request,
        "awards/decision.html",
        {
            "assessment": assessment,
            "service": assessment.service,
            "recommendation": recommendation,
            "recommended": Outcome(recommendation.outcome).label if recommendation else "",
            "sees_recommendation": sees_recommendation,
            **_report_links(user, assessment),
            "decisions": decisions,
            "latest": latest,
            "award": getattr(assessment, "award", None) if assessment.status == S.DECIDED else None,
            "can_decide": can_decide,
            "form": form,
            "panel": panel,
            "conditions": conditions,
            "formset_errors": formset_errors(panel, "Panel member") + formset_errors(conditions, "Condition"),
            "can_appeal": latest is not None and user.has_perm("awards.appeal", assessment),
            "can_check": user.has_perm("awards.check_condition", assessment),
            "appeal_form": AppealForm(),
            "appeal_outcome_form": AppealOutcomeForm(),
            "check_form": ConditionCheckForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
def appeal(request, pk):
    assessment = _assessment(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    latest = assessment.decisions.order_by("-recorded_at", "-id").first()
    if latest is None:
        raise Http404("No decision to appeal against.")
    return act_on_form(
        request,
        AppealForm(request.POST),
        lambda data: appeal_lodge(decision=latest, by=request.user, grounds=data["grounds"]),
        success="Your appeal has been lodged. The programme team will respond.",
        then="awards:decision",
        pk=assessment.pk,
    )


@login_required
def appeal_outcome(request, pk, appeal_id):
    assessment = _assessment(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    item = Appeal.objects.filter(pk=appeal_id, decision__assessment=assessment).first()
    if item is None:
        raise Http404("No such appeal.")
    return act_on_form(
        request,
        AppealOutcomeForm(request.POST),
        lambda data: appeal_decide(appeal=item, by=request.user, result=data["result"], note=data["note"]),
        success="The appeal's outcome is recorded.",
        then="awards:decision",
        pk=assessment.pk,
    )


@login_required
def condition_met(request, pk, condition_id):
    assessment = _assessment(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    item = (
        Condition.objects.select_related("decision__assessment")
        .filter(pk=condition_id, decision__assessment=assessment)
        .first()
    )
    if item is None:
        raise Http404("No such condition.")
    item.decision.assessment = assessment
    return act_on_form(
        request,
        ConditionCheckForm(request.POST),
        lambda data: condition_check(condition=item, by=request.user, note=data["note"]),
        success="The condition is marked as met.",
        then="awards:decision",
        pk=assessment.pk,
    )
