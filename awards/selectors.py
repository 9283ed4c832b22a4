"""Reads about decisions and awards, each with the joins its page needs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accreditation.models import Response
from reviews.models import Assignment, ReviewerScore, ReviewReport

from .models import Award, Condition, PanelMember


def register_awards(*, query: str = "", setting: str = "", region: str = "", today=None) -> QuerySet:
    """Awards that are valid today (interim review overdue included), for services that agree to be listed."""
    today = today or timezone.localdate()
    awards = (
        Award.objects.valid_on(today)
        .filter(service__listed_on_register=True)
        .select_related("service__organisation")
        .only(
            "reference",
            "verification_code",
            "valid_from",
            "valid_until",
            "service__name",
            "service__setting_type",
            "service__region",
            "service__organisation__name",
        )
    )
    if query:
        awards = awards.filter(
            Q(service__name__icontains=query)
            | Q(service__organisation__name__icontains=query)
            | Q(reference__iexact=query)
        )
    if setting:
        awards = awards.filter(service__setting_type=setting)
    if region:
        awards = awards.filter(service__region=region)
    return awards.order_by("service__name", "reference")


def award_by_code(*, code: str):
    """The award with this verification code, or None; a code that cannot be one is not looked up."""
    if not code.isascii() or not code.isalnum() or len(code) > Award._meta.get_field("verification_code").max_length:
        return None
    return (
        Award.objects.select_related("service__organisation", "assessment__edition")
        .filter(verification_code=code)
        .first()
    )


def award_page(*, reference: str):
    return (
        Award.objects.select_related("service__organisation", "assessment__edition", "decision")
        .filter(reference=reference)
        .first()
    )


@dataclass(frozen=True)
class AwardReportData:
    """What the PDF award report shows, read in a fixed number of queries whatever the edition's size."""

    award: Award
    panel: list[PanelMember]
    conditions: list[Condition]
    review_report: ReviewReport | None
    # Per value, in the edition's order: {"value": Value, "responses": [Response with .consensus and .comments]}
    values: list[dict]


def award_report_data(*, award: Award) -> AwardReportData:
    award = Award.objects.select_related("service__organisation", "assessment__edition", "decision__recorded_by").get(
        pk=award.pk
    )
    assessment, decision = award.assessment, award.decision
    responses = (
        Response.objects.filter(assessment=assessment)
        .select_related("standard__value", "consensus")
        .prefetch_related(
            Prefetch(
                "reviewer_scores",
                # The reviewers' comments of the last round, from the reviewers still on the team.
                queryset=ReviewerScore.objects.filter(assignment__status__in=Assignment.ACTIVE_STATES)
                .current()
                .exclude(comment="")
                .order_by("assignment__assigned_at"),
                to_attr="comments",
            )
        )
        .order_by("standard__value__order", "standard__order", "standard__code")
    )
    values: list[dict] = []
    for response in responses:
        if not values or values[-1]["value"].pk != response.standard.value_id:
            values.append({"value": response.standard.value, "responses": []})
        values[-1]["responses"].append(response)
    return AwardReportData(
        award=award,
        panel=list(PanelMember.objects.filter(decision=decision)),
        conditions=list(decision.conditions.all()) if decision else [],
        review_report=ReviewReport.objects.filter(assessment=assessment).first(),
        values=values,
    )
