"""Every write to people, services and the audit trail goes through here."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEvent, Service, ServiceMembership, User


def audit_log(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail. `actor` is None when the system acted (a loader, a scheduled job)."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


@transaction.atomic
def membership_set(*, service: Service, user: User, role: str, by: User | None) -> ServiceMembership:
    """Add a person to a service team, or change their role in it."""
    membership = ServiceMembership.objects.filter(service=service, user=user).first()
    if membership is None:
        membership = ServiceMembership(service=service, user=user, role=role)
        membership.full_clean()
        membership.save()
        audit_log(actor=by, action="accreditation.membership.added", target=membership, to_state=role)
    elif membership.role != role:
        previous = membership.role
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
        audit_log(
            actor=by,
            action="accreditation.membership.role_changed",
            target=membership,
            from_state=previous,
            to_state=role,
        )
    return membership


@transaction.atomic
def membership_remove(*, membership: ServiceMembership, by: User | None) -> None:
    """Take a person off a service team; the audit trail remembers they were on it."""
    audit_log(actor=by, action="accreditation.membership.removed", target=membership, from_state=membership.role)
    membership.delete()
