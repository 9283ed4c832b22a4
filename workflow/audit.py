"""The append-only audit trail: every state change in the app writes one event here, chained to the one before."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent, lock_chain


def lock_audit_trail() -> None:
    """Take the audit trail's lock before any row lock, in every transaction that may write an audit event.

    Appending to the chain holds one lock until commit. A transaction that locked a row first and then waits for it,
    while the holder of that lock waits for the row, would deadlock (PostgreSQL then aborts one of them). Taken first,
    everywhere a row is locked for a change, the order is always the same: the trail, then rows."""
    lock_chain()


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
