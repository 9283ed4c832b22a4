"""Writes to people and service teams."""

from __future__ import annotations

from django.db import transaction

from workflow.audit import audit_log

from ..models import Service, ServiceMembership, User


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
