"""Every write to the standards library: loading an edition and moving it through its states."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from workflow.audit import audit_log
from workflow.engine import transition

from .models import AwardRule, Edition, Standard, Value


def edition_publish_problems(edition: Edition) -> list[str]:
    """What stops a draft edition being published, in words an administrator can act on."""
    problems = []
    values = list(edition.values.prefetch_related("standards"))
    if not values:
        problems.append("The edition has no values.")
    for value in values:
        standards = list(value.standards.all())
        if not standards:
            problems.append(f"{value.code} {value.name} has no standards.")
        elif not any(standard.type == Standard.Type.ESSENTIAL for standard in standards):
            problems.append(f"{value.code} {value.name} has no essential standard.")
    if not AwardRule.objects.filter(edition=edition).exists():
        problems.append("The edition has no award rule.")
    return problems


@transaction.atomic
def edition_transition(*, edition: Edition, to: str, by, note: str = "", on: datetime.date | None = None) -> Edition:
    """Publish or retire an edition (the moves are in standards/workflows.py). `on` backdates publication, for an
    edition loaded from a fixture that was published earlier."""
    fields = {"published_on": on or timezone.localdate()} if to == Edition.Status.PUBLISHED else {}
    return transition(edition, to=to, by=by, note=note, fields=fields)


@transaction.atomic
def edition_load(*, data: dict[str, Any], by=None) -> tuple[Edition, bool]:
    """
    Create an edition from its fixture (values, standards, award rule) and publish it if the fixture says so.

    Loading is idempotent: an edition whose code already exists is left exactly as it is, because a
    published edition must never change under the assessments that use it. Returns (edition, created).
    """
    existing = Edition.objects.filter(code=data["code"]).first()
    if existing is not None:
        return existing, False

    edition = Edition(code=data["code"], title=data["title"], summary=data.get("summary", ""))
    edition.full_clean()
    edition.save()

    rule = AwardRule(edition=edition, **data["award_rule"])
    rule.full_clean()
    rule.save()

    standards = []
    for value_order, value_data in enumerate(data["values"], start=1):
        value = Value(
            edition=edition,
            code=value_data["code"],
            name=value_data["name"],
            statement=value_data["statement"],
            order=value_order,
        )
        value.full_clean()
        value.save()
        for standard_order, standard_data in enumerate(value_data["standards"], start=1):
            standard = Standard(
                edition=edition,
                value=value,
                code=standard_data["code"],
                title=standard_data["title"],
                statement=standard_data["statement"],
                guidance=standard_data["guidance"],
                evidence_examples="\n".join(standard_data["evidence_examples"]),
                type=standard_data["type"],
                order=standard_order,
            )
            standard.full_clean(validate_constraints=False)
            standards.append(standard)
    Standard.objects.bulk_create(standards)
    audit_log(actor=by, action="standards.edition.loaded", target=edition, to_state=edition.status)

    if data.get("status", Edition.Status.DRAFT) != Edition.Status.DRAFT:
        published_on = datetime.date.fromisoformat(data["published_on"]) if data.get("published_on") else None
        edition_transition(
            edition=edition, to=Edition.Status.PUBLISHED, by=by, note="Loaded from fixture.", on=published_on
        )
        if data["status"] == Edition.Status.RETIRED:
            edition_transition(edition=edition, to=Edition.Status.RETIRED, by=by, note="Loaded from fixture.")
        edition.refresh_from_db()
    return edition, True
