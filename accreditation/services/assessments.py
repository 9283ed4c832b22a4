"""The assessment workflow: starting a portfolio, saving responses, and every change of state.

`ASSESSMENT_TRANSITIONS` is the only place that says which state may follow which, who may make the move,
and what must be true first. `assessment_transition` is the only code that changes `Assessment.status`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import import_module

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from standards.selectors import edition_current

from ..models import Assessment, Response, Service, Submission, User
from .audit import audit_log


@dataclass(frozen=True)
class Transition:
    action: str
    permission: str
    # Returns what stops the move, in words the person can act on; empty when nothing does.
    problems: Callable[[Assessment], list[str]] = lambda assessment: []
    # Runs inside the transaction, after the state has changed (records that belong with the move).
    on_enter: Callable[[Assessment, User], None] | None = None
    # The task told about the move once the transaction commits (an e-mail). It receives the assessment's id
    # and the state it moved to, so that it can stay quiet if the assessment has moved on since.
    notify: str = ""


def _missing_for_submission(assessment: Assessment) -> list[str]:
    from ..selectors import portfolio_missing

    missing = portfolio_missing(assessment=assessment)
    return [f"{item.standard.code}: {', '.join(item.missing)} missing" for item in missing]


def _record_submission(assessment: Assessment, by: User) -> None:
    """Freeze what the team sent as a new round, so reviewers can see what changed between rounds."""
    from ..selectors import portfolio_snapshot

    number = assessment.submissions.count() + 1
    Submission.objects.create(
        assessment=assessment, number=number, submitted_by=by, snapshot=portfolio_snapshot(assessment=assessment)
    )
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["submitted_at"])


def _record_resubmission(assessment: Assessment, by: User) -> None:
    from reviews.services import review_round_reset

    _record_submission(assessment, by)
    review_round_reset(assessment=assessment)


def _review_guard(name: str) -> Callable[[Assessment], list[str]]:
    """A guard that lives with the peer review (reviews.services), imported when first used: reviews builds on
    this module, so it cannot be imported at the top."""

    def guard(assessment: Assessment) -> list[str]:
        return getattr(import_module("reviews.services"), name)(assessment=assessment)

    return guard


def _needs_decision(assessment: Assessment) -> list[str]:
    """A decision state needs a decision record made in the same transaction (see services.awards)."""
    latest = assessment.decisions.order_by("-recorded_at", "-id").first()
    if latest is None:
        return ["Record the panel's decision first."]
    return []


def _stamp_report(field_name: str) -> Callable[[Assessment, User], None]:
    def stamp(assessment: Assessment, by: User) -> None:
        from reviews.models import ReviewReport

        ReviewReport.objects.filter(assessment=assessment).update(**{field_name: timezone.now()})

    return stamp


S = Assessment.Status
# The assessment's whole life, in one place: which state may follow which, who may make the move, what must be
# true first, what is recorded with it, and who is told.
ASSESSMENT_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.DRAFT, S.SUBMITTED): Transition(
        action="accreditation.assessment.submitted",
        permission="accreditation.submit_portfolio",
        problems=_missing_for_submission,
        on_enter=_record_submission,
        notify="accreditation.tasks.notify_portfolio_submitted",
    ),
    (S.SUBMITTED, S.IN_REVIEW): Transition(
        action="accreditation.assessment.review_started",
        permission="reviews.start_review",
        problems=_review_guard("review_team_problems"),
    ),
    (S.IN_REVIEW, S.RETURNED): Transition(
        action="accreditation.assessment.returned",
        permission="reviews.return_portfolio",
        problems=_review_guard("return_problems"),
        notify="reviews.tasks.notify_returned",
    ),
    (S.RETURNED, S.RESUBMITTED): Transition(
        action="accreditation.assessment.resubmitted",
        permission="accreditation.submit_portfolio",
        problems=_missing_for_submission,
        on_enter=_record_resubmission,
        notify="reviews.tasks.notify_resubmitted",
    ),
    (S.RESUBMITTED, S.IN_REVIEW): Transition(
        action="accreditation.assessment.review_resumed",
        permission="reviews.resume_review",
    ),
    (S.IN_REVIEW, S.REPORT_DRAFT): Transition(
        action="accreditation.assessment.report_released",
        permission="reviews.lead_review",
        problems=_review_guard("report_release_problems"),
        on_enter=_stamp_report("released_at"),
        notify="reviews.tasks.notify_report_released",
    ),
    (S.REPORT_DRAFT, S.REPORT_FINAL): Transition(
        action="accreditation.assessment.report_finalised",
        permission="reviews.finalise_report",
        problems=_review_guard("report_finalise_problems"),
        on_enter=_stamp_report("finalised_at"),
        notify="reviews.tasks.notify_report_finalised",
    ),
    # The panel's decision, recorded through `decision_record`, which checks the rule and issues the award.
    (S.REPORT_FINAL, S.DECIDED): Transition(
        action="accreditation.assessment.decided",
        permission="accreditation.decide",
        problems=_needs_decision,
    ),
    (S.REPORT_FINAL, S.DEFERRED): Transition(
        action="accreditation.assessment.deferred",
        permission="accreditation.decide",
        problems=_needs_decision,
    ),
    (S.DEFERRED, S.DECIDED): Transition(
        action="accreditation.assessment.decided",
        permission="accreditation.decide",
        problems=_needs_decision,
    ),
}


def _enqueue(task_path: str, assessment_id: int, state: str) -> None:
    import_string(task_path).enqueue(assessment_id, state)


@transaction.atomic
def assessment_transition(*, assessment: Assessment, to: str, by: User, note: str = "") -> Assessment:
    """Move an assessment to state `to` if the table allows it, `by` may, and nothing stands in the way."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("service__organisation", "edition")
        .get(pk=assessment.pk)
    )
    transition = ASSESSMENT_TRANSITIONS.get((assessment.status, to))
    if transition is None:
        raise ValidationError(
            f"This portfolio is {assessment.get_status_display().lower()}; "
            f"it cannot become {S(to).label.lower() if to in S.values else to}."
        )
    if not by.has_perm(transition.permission, assessment):
        raise PermissionDenied
    if problems := transition.problems(assessment):
        raise ValidationError(problems)
    previous = assessment.status
    assessment.status = to
    assessment.save(update_fields=["status"])
    if transition.on_enter is not None:
        transition.on_enter(assessment, by)
    audit_log(actor=by, action=transition.action, target=assessment, from_state=previous, to_state=to, note=note)
    if transition.notify:
        transaction.on_commit(partial(_enqueue, transition.notify, assessment.pk, to))
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


def portfolio_lock_for_editing(*, assessment_id: int, by: User) -> Assessment:
    """Lock the assessment row and check, on the locked row, that `by` may still edit the portfolio.

    Every change to a portfolio's content goes through here, so no edit can slip in just after submission."""
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
