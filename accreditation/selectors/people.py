"""Reads about people, teams and the programme as a whole."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Window
from django.utils import timezone

from ..models import Assessment, Organisation, Service, ServiceMembership, User, add_months

DUE_SOON_DAYS = 90
# How many rows of each of the administrator's queues their home shows; the rest are a link away.
QUEUE_ROWS = 10


@dataclass(frozen=True)
class Queue:
    """Work waiting for someone: how much there is in all, and the first few rows of it, most urgent first."""

    count: int
    rows: list[Any]


def queue_of(queryset: QuerySet, *, limit: int = QUEUE_ROWS) -> Queue:
    """The first `limit` rows of `queryset` and how many rows it has in all, in one query (a window count)."""
    rows = list(queryset.annotate(queue_total=Window(Count("pk")))[:limit])
    return Queue(count=rows[0].queue_total if rows else 0, rows=rows)


def memberships_for_user(*, user: User) -> QuerySet[ServiceMembership]:
    """The teams a person belongs to, with their services, organisations and everyone on each team."""
    return (
        ServiceMembership.objects.filter(user=user)
        .select_related("service__organisation")
        .prefetch_related(
            Prefetch(
                "service__memberships",
                queryset=ServiceMembership.objects.select_related("user").order_by("role", "user__full_name"),
                to_attr="team",
            ),
            # For `award_in_force`, asked of every service on the page (and by the start permission).
            "service__awards",
        )
        .order_by("service__name")
    )


def award_in_force(*, service: Service, today: datetime.date | None = None):
    """The service's award valid on `today`, or None; of two (a renewal's award issued before the last one ends),
    the one that lasts longer. Read through `service.awards` because the awards app sits above this one, so it costs
    nothing when the page prefetched them, and valid means what `Award.is_valid_on` says."""
    today = today or timezone.localdate()
    valid = [award for award in service.awards.all() if award.is_valid_on(today)]
    return max(valid, key=lambda award: award.valid_until, default=None)


def renewal_opens_on(award) -> datetime.date:
    """The first day the service may start the portfolio that renews `award`."""
    return add_months(award.valid_until, -settings.RENEWAL_WINDOW_MONTHS)


@dataclass(frozen=True)
class ProgrammeSummary:
    organisations: int
    services: int
    people: int
    reviewers: int
    overdue: int
    due_soon: int
    upcoming: list[Service]
    by_setting: list[tuple[str, int]]


def _owes_a_portfolio() -> Q:
    """A service's deadline binds while the team still owes the work: it has not started a portfolio, or its portfolio
    is a draft or back with it for changes. Once handed in (under review, reported on, decided) it is never late."""
    portfolios = Assessment.objects.filter(service=OuterRef("pk"))
    return Q(Exists(portfolios.filter(status__in=Assessment.EDITABLE_STATES))) | ~Q(Exists(portfolios))


def portfolios_overdue(*, today: datetime.date | None = None) -> Queue:
    """Services whose portfolio deadline has passed while the team still owes the work (never one handed in)."""
    today = today or timezone.localdate()
    return queue_of(
        Service.objects.filter(_owes_a_portfolio(), portfolio_due_on__lt=today)
        .select_related("organisation")
        .order_by("portfolio_due_on", "name")
    )


def programme_summary(*, today: datetime.date | None = None, upcoming_limit: int = 8) -> ProgrammeSummary:
    """The administrator's view of the programme: how big it is and whose portfolio deadlines come next."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    owes = _owes_a_portfolio()
    service_counts = Service.objects.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=owes & Q(portfolio_due_on__lt=today)),
        due_soon=Count("id", filter=owes & Q(portfolio_due_on__gte=today, portfolio_due_on__lte=soon)),
    )
    people = User.objects.filter(is_active=True).aggregate(
        total=Count("id"), reviewers=Count("id", filter=Q(is_reviewer=True))
    )
    labels = dict(Service.SettingType.choices)
    by_setting = [
        (labels.get(row["setting_type"], row["setting_type"]), row["n"])
        for row in Service.objects.values("setting_type").annotate(n=Count("id")).order_by("-n", "setting_type")
    ]
    upcoming = list(
        Service.objects.filter(owes, portfolio_due_on__lte=soon)
        .select_related("organisation")
        .order_by("portfolio_due_on", "name")[:upcoming_limit]
    )
    return ProgrammeSummary(
        organisations=Organisation.objects.count(),
        services=service_counts["total"],
        people=people["total"],
        reviewers=people["reviewers"],
        overdue=service_counts["overdue"],
        due_soon=service_counts["due_soon"],
        upcoming=upcoming,
        by_setting=by_setting,
    )


def service_team(*, service: Service) -> list[ServiceMembership]:
    return list(service.memberships.select_related("user").order_by("role", "user__full_name"))
