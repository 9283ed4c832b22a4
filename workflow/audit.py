"""The append-only audit trail: every state change in the app writes one event here, chained to the one before."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent


def audit_log(
    *,
    actor,
    action: str,
    target: models.Model,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, chained to the one before (see workflow.models). `actor` is None when the
    system acted (a loader, a scheduled job)."""
    person = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=person,
        actor_repr=str(person)[:300] if person is not None else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )
