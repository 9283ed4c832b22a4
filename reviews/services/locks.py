"""The lock every review write takes first."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accreditation.models import Assessment, User
from workflow.audit import lock_audit_trail


def locked_assessment(*, assessment_id: int, by: User, permission: str, target=None) -> Assessment:
    """Lock the assessment and check `permission` against its current state, not a copy read earlier: on `target`
    (re-read, with the locked assessment) if given, else on the assessment."""
    lock_audit_trail()
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("service__organisation", "edition")
        .get(pk=assessment_id)
    )
    if target is not None:
        target.refresh_from_db()
        target.__dict__.pop("review_submitted_at", None)  # asked again, under the lock
        target.assessment = assessment
    if not by.has_perm(permission, target if target is not None else assessment):
        raise PermissionDenied
    return assessment
