"""Portfolios: starting one, saving responses, submitting. The assessment's moves are in accreditation/workflows.py
(and the review and decision moves in the apps above); `workflow.engine.transition` makes every one of them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from standards.selectors import edition_current
from workflow.audit import audit_log, lock_audit_trail
from workflow.engine import transition

from ..models import Assessment, Response, Service, Submission, User
from ..selectors.assessments import portfolio_missing, portfolio_snapshot


def submission_record(assessment: Assessment, by: User) -> Submission:
    """Freeze what the team sent as a new round, so reviewers can see what changed between rounds. Recorded with
    the move to Submitted or Resubmitted (see accreditation/workflows.py)."""
    number = assessment.submissions.count() + 1
    submission = Submission.objects.create(
        assessment=assessment, number=number, submitted_by=by, snapshot=portfolio_snapshot(assessment=assessment)
    )
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["submitted_at"])
    return submission


def submission_problems(assessment: Assessment) -> list[str]:
    """What stops the portfolio being (re)submitted, one line per incomplete standard."""
    return [
        f"{item.standard.code}: {', '.join(item.missing)} missing" for item in portfolio_missing(assessment=assessment)
    ]


def submit_target(assessment: Assessment) -> str:
    """Submitting a returned portfolio is a resubmission; any other is the first submission."""
    return (
        Assessment.Status.RESUBMITTED
        if assessment.status == Assessment.Status.RETURNED
        else Assessment.Status.SUBMITTED
    )


@transaction.atomic
def portfolio_submit(*, assessment: Assessment, by: User) -> Assessment:
    """The team lead sends the portfolio to the reviewers (again, after a return)."""
    return transition(assessment, to=submit_target(assessment), by=by)


@transaction.atomic
def assessment_start(*, service: Service, by: User, kind: str = Assessment.Kind.INITIAL) -> Assessment:
    """Open a portfolio on the current edition, with an empty response for every standard."""
    permission = "accreditation.start_renewal" if kind == Assessment.Kind.RENEWAL else "accreditation.start_assessment"
    if not by.has_perm(permission, service):
        raise PermissionDenied
    edition = edition_current()
    if edition is None:
        raise ValidationError("No edition of the standards has been published yet, so a portfolio cannot start.")
    lock_audit_trail()
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


def portfolio_lock_for_editing(*, assessment_id: int, by: User) -> Assessment:
    """Lock the assessment row and check, on the locked row, that `by` may still edit the portfolio.

    Every change to a portfolio's content goes through here, so no edit can slip in just after submission."""
    lock_audit_trail()
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("service").get(pk=assessment_id)
    if not by.has_perm("accreditation.edit_portfolio", assessment):
        raise PermissionDenied
    return assessment


@transaction.atomic
def response_save(*, response: Response, rating: str, narrative: str, expected_version: int, by: User) -> Response:
    """Save a team's rating and narrative for one standard, unless someone else saved it first."""
    response.assessment = portfolio_lock_for_editing(assessment_id=response.assessment_id, by=by)
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
