"""Reads of the standards library, each with the joins its page needs."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Edition, Standard, Value


def edition_current() -> Edition | None:
    """The edition new assessments start on: the most recently published one."""
    return Edition.objects.filter(status=Edition.Status.PUBLISHED).order_by("-published_on", "-code").first()


def editions_other(*, edition: Edition, include_drafts: bool) -> QuerySet[Edition]:
    editions = Edition.objects.exclude(pk=edition.pk).only("code", "title", "status")
    if not include_drafts:
        editions = editions.exclude(status=Edition.Status.DRAFT)
    return editions


def edition_with_standards(*, code: str) -> Edition | None:
    """An edition with its award rule, values and every standard, in three queries however large it is."""
    return (
        Edition.objects.filter(code=code)
        .select_related("award_rule")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=Value.objects.order_by("order", "code").prefetch_related(
                    Prefetch("standards", queryset=Standard.objects.order_by("order", "code"))
                ),
            )
        )
        .first()
    )


def edition_by_code(*, code: str) -> Edition | None:
    return Edition.objects.filter(code=code).first()


def edition_values(*, edition: Edition) -> list[Value]:
    return list(edition.values.order_by("order", "code"))


def value_standards(*, value: Value) -> list[Standard]:
    return list(value.standards.order_by("order", "code"))
