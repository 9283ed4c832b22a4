"""The assessment workflow: starting a portfolio, saving responses, and every change of state.

`ASSESSMENT_TRANSITIONS` is the only place that says which state may follow which, who may make the move,
and what must be true first. `assessment_transition` is the only code that changes `Assessment.status`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from standards.selectors import edition_current

from ..models import Assessment, Response, Service, User
from .audit import audit_log


@dataclass(frozen=True)
class Transition:
    action: str
    permission: str
    # Returns what stops the move, in words the person can act on; empty when nothing does.
    problems: Callable[[Assessment], list[str]] = lambda assessment: []
    # Run after the transaction commits (e-mails, background jobs). Receives the assessment's id.
    after_commit: tuple[Callable[[int], None], ...] = field(default_factory=tuple)


def _missing_for_submission(assessment: Assessment) -> list[str]:
    from ..selectors import portfolio_missing

    missing = portfolio_missing(assessment=assessment)
    return [f"{item.standard.code}: {', '.join(item.missing)} missing" for item in missing]


def _notify_submitted(assessment_id: int) -> None:
    from ..tasks import notify_portfolio_submitted

    notify_portfolio_submitted.enqueue(assessment_id)


S = Assessment.Status
ASSESSMENT_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.DRAFT, S.SUBMITTED): Transition(
        action="accreditation.assessment.submitted",
        permission="accreditation.submit_portfolio",
        problems=_missing_for_submission,
        after_commit=(_notify_submitted,),
    ),
}


@transaction.atomic
def assessment_transition(*, assessment: Assessment, to: str, by: User, note: str = "") -> Assessment:
    """Move an assessment to state `to` if the table allows it, `by` may, and nothing stands in the way."""
    assessment = Assessment.objects.select_for_update().select_related("service").get(pk=assessment.pk)
    transition = ASSESSMENT_TRANSITIONS.get((assessment.status, to))
    if transition is None:
        raise ValidationError(
            f"This portfolio is {assessment.get_status_display().lower()}; it cannot move to {to.replace('_', ' ')}."
        )
    if not by.has_perm(transition.permission, assessment):
        raise PermissionDenied
    if problems := transition.problems(assessment):
        raise ValidationError(problems)
    previous = assessment.status
    assessment.status = to
    update_fields = ["status"]
    if to == S.SUBMITTED:
        assessment.submitted_at = timezone.now()
        update_fields.append("submitted_at")
    assessment.save(update_fields=update_fields)
    audit_log(actor=by, action=transition.action, target=assessment, from_state=previous, to_state=to, note=note)
    for effect in transition.after_commit:
        transaction.on_commit(lambda effect=effect: effect(assessment.pk))
    return assessment


@transaction.atomic
def assessment_start(*, service: Service, by: User, kind: str = Assessment.Kind.INITIAL) -> Assessment:
    """Open a portfolio on the current edition, with an empty response for every standard."""
    if not by.has_perm("accreditation.start_assessment", service):
        raise PermissionDenied
    edition = edition_current()
    if edition is None:
        raise ValidationError("No edition of the standards has been published yet, so a portfolio cannot start.")
    Service.objects.select_for_update().filter(pk=service.pk).first()
    if service.assessments.exclude(status__in=Assessment.CLOSED_STATES).exists():
        raise ValidationError(f"{service.name} already has an open portfolio. Finish it before starting another.")
    assessment = Assessment(service=service, edition=edition, kind=kind, due_on=service.portfolio_due_on, started_by=by)
    assessment.full_clean()
    assessment.save()
    Response.objects.bulk_create(
        Response(assessment=assessment, standard=standard) for standard in edition.standards.order_by("pk")
    )
    audit_log(actor=by, action="accreditation.assessment.started", target=assessment, to_state=assessment.status)
    return assessment


class ResponseConflict(Exception):
    """Someone else saved the response after this person opened it. Carries what they saved."""

    def __init__(self, current: Response):
        super().__init__("The response was changed by someone else.")
        self.current = current


@transaction.atomic
def response_save(*, response: Response, rating: str, narrative: str, expected_version: int, by: User) -> Response:
    """Save a team's rating and narrative for one standard, unless someone else saved it first."""
    if not by.has_perm("accreditation.edit_portfolio", response.assessment):
        raise PermissionDenied
    narrative = narrative.replace("\r\n", "\n")
    candidate = Response(
        pk=response.pk, assessment=response.assessment, standard=response.standard, rating=rating, narrative=narrative
    )
    candidate.full_clean(exclude=["assessment", "standard", "version"], validate_unique=False)
    previous_rating = Response.objects.filter(pk=response.pk).values_list("rating", flat=True).first()
    updated = Response.objects.filter(pk=response.pk, version=expected_version).update(
        rating=rating, narrative=narrative, version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    if not updated:
        raise ResponseConflict(Response.objects.select_related("updated_by").get(pk=response.pk))
    response.refresh_from_db()
    audit_log(
        actor=by,
        action="accreditation.response.saved",
        target=response,
        from_state=previous_rating or "",
        to_state=rating,
        data={"version": response.version},
    )
    return response
