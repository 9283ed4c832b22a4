"""Reads about decisions and awards, each with the joins its page needs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accreditation.models import Assessment, Response
from accreditation.selectors.people import Queue, queue_of
from reviews.models import Assignment, ReviewerScore, ReviewReport

from .models import Appeal, Award, AwardReport, Condition, Decision, PanelMember


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


# What needs someone now: the decisions a team or a lead reviewer still has work from, and the administrator's
# queues. Only open work: a met condition, an appeal with its outcome or a report that was made again is done.

# A report queued this long without a worker taking it is stuck.
REPORT_STUCK_AFTER = datetime.timedelta(hours=1)


def decisions_for_home(
    *, service_ids: Iterable[int] = (), assessment_ids: Iterable[int] = (), today: datetime.date | None = None
) -> dict[int, Decision]:
    """The latest decision on each assessment that still asks something of the service's team or its lead reviewer:
    a deferral (with `open_conditions`, those not yet met, soonest due first), a decision still open to appeal, or
    one with an appeal waiting for its outcome (`lodged_appeals`). For the services' assessments and for the
    assessments named. Keyed by assessment; three queries."""
    today = today or timezone.localdate()
    lodged = Appeal.objects.filter(decision__assessment=OuterRef("assessment"), status=Appeal.Status.LODGED)
    still_open = (
        Q(assessment__status=Assessment.Status.DEFERRED)
        | Q(decided_on__gte=today - datetime.timedelta(days=settings.APPEAL_WINDOW_DAYS))
        | Q(Exists(lodged))
    )
    decisions = (
        Decision.objects.filter(
            Q(assessment__service_id__in=list(service_ids)) | Q(assessment_id__in=list(assessment_ids))
        )
        .filter(still_open)
        .select_related("assessment")
        .prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.filter(met_at__isnull=True), to_attr="open_conditions"),
            Prefetch("appeals", queryset=Appeal.objects.filter(status=Appeal.Status.LODGED), to_attr="lodged_appeals"),
        )
        .order_by("-recorded_at", "-id")
    )
    latest: dict[int, Decision] = {}
    for decision in decisions:
        latest.setdefault(decision.assessment_id, decision)
    return latest


def conditions_to_check(*, today: datetime.date | None = None) -> Queue:
    """Deferred portfolios, with `n_open` conditions not yet met and the first one's `first_due` date (None: every
    condition is met, and the decision on them waits), those with nothing left to meet and the soonest due first."""
    open_conditions = Condition.objects.filter(decision__assessment=OuterRef("pk"), met_at__isnull=True).order_by()
    return queue_of(
        Assessment.objects.filter(status=Assessment.Status.DEFERRED)
        .annotate(
            n_open=Coalesce(
                Subquery(
                    open_conditions.values("decision__assessment").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            first_due=Subquery(open_conditions.order_by("due_on").values("due_on")[:1]),
        )
        .select_related("service__organisation")
        .order_by(F("first_due").asc(nulls_first=True), "pk")
    )


def appeals_lodged() -> Queue:
    """Appeals waiting for their outcome, oldest first."""
    return queue_of(
        Appeal.objects.filter(status=Appeal.Status.LODGED)
        .select_related("decision__assessment__service__organisation")
        .order_by("lodged_at", "pk")
    )


def award_reports_stuck(*, now: datetime.datetime | None = None) -> Queue:
    """The latest version of each award's PDF report, where it failed, its worker stopped (its lease is over) or no
    worker has taken it for REPORT_STUCK_AFTER. An older version made again since is done with."""
    now = now or timezone.now()
    newer = AwardReport.objects.filter(award=OuterRef("award"), version__gt=OuterRef("version"))
    reports = AwardReport.objects.exclude(Exists(newer))
    over = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now)
    stuck = (
        reports.filter(status=AwardReport.Status.FAILED)
        | reports.filter(over, status=AwardReport.Status.GENERATING)
        | reports.filter(status=AwardReport.Status.QUEUED, created_at__lt=now - REPORT_STUCK_AFTER)
    )
    return queue_of(stuck.select_related("award__service__organisation").order_by("created_at", "pk"))


def interim_reviews_overdue(*, today: datetime.date | None = None) -> Queue:
    """Valid awards whose interim review is past its due date and not recorded as completed."""
    today = today or timezone.localdate()
    return queue_of(
        Award.objects.valid_on(today)
        .filter(interim_completed_on__isnull=True, interim_due_on__lt=today)
        .select_related("service__organisation")
        .order_by("interim_due_on", "pk")
    )
