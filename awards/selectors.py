"""Reads about decisions and awards, each with the joins its page needs."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Award


def register_awards(*, query: str = "", setting: str = "", region: str = "", today=None) -> QuerySet:
    """Awards that are valid today (interim review overdue included), for services that agree to be listed."""
    today = today or timezone.localdate()
    awards = (
        Award.objects.valid_on(today)
        .filter(service__listed_on_register=True)
        .select_related("service__organisation")
        .only(
            "reference",
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
