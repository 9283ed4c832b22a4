"""Who may do what with people, services, portfolios and evidence.

Views, templates, selectors and the admin all ask these; nothing else decides who may see or change what.
"""

import rules
from django.utils import timezone

from workflow.rules import is_administrator, is_signed_in

from .models import Response, Service
from .selectors.people import award_in_force, renewal_opens_on

LEAD = "lead"


def _memberships(user) -> list[tuple[int, str, int]]:
    """(service, role, organisation) for each of the person's teams, read once per request and kept on the user."""
    if not (user and user.is_authenticated):
        return []
    rows = getattr(user, "_membership_rows", None)
    if rows is None:
        rows = list(user.memberships.values_list("service_id", "role", "service__organisation_id"))
        user._membership_rows = rows
    return rows


def remember_memberships(user, memberships) -> None:
    """Keep the person's teams, already read by a page (with their services), for the predicates below, so that
    asking them costs no query of its own."""
    user._membership_rows = [(m.service_id, m.role, m.service.organisation_id) for m in memberships]


def service_roles(user) -> dict[int, str]:
    """The person's role in each of their services."""
    return {service_id: role for service_id, role, _ in _memberships(user)}


def own_organisations(user) -> set[int]:
    """Organisations the person works in: they may never review any service of these."""
    return {organisation_id for _, _, organisation_id in _memberships(user)}


def _service_id(obj) -> int | None:
    """The service an object belongs to: a service, or anything with a `service_id` (an assessment, a piece of
    evidence, an award), or a response (through its assessment)."""
    if isinstance(obj, Service):
        return obj.pk
    if isinstance(obj, Response):
        return obj.assessment.service_id
    return getattr(obj, "service_id", None)


@rules.predicate
def is_team_member(user, obj) -> bool:
    """On the team of the service that `obj` (service, assessment, response, evidence) belongs to."""
    return is_signed_in(user) and _service_id(obj) in service_roles(user)


@rules.predicate
def is_team_lead(user, obj) -> bool:
    return is_signed_in(user) and service_roles(user).get(_service_id(obj)) == LEAD


@rules.predicate
def portfolio_is_editable(user, obj) -> bool:
    """The assessment (or the response's assessment) is with the team, not frozen for review."""
    assessment = getattr(obj, "assessment", obj)
    return assessment is not None and assessment.is_editable


@rules.predicate
def evidence_is_current(user, evidence) -> bool:
    return evidence is not None and evidence.is_current


def _service(obj) -> Service | None:
    """The service itself, or the service of an award or assessment."""
    return obj if isinstance(obj, Service) else getattr(obj, "service", None)


@rules.predicate
def holds_no_award_in_force(user, obj) -> bool:
    """A service with a valid award renews it rather than starting over."""
    service = _service(obj)
    return service is not None and award_in_force(service=service) is None


@rules.predicate
def renewal_window_is_open(user, obj) -> bool:
    """The award (asked of an award) or the service's award in force (asked of a service) is valid and ends within
    RENEWAL_WINDOW_MONTHS."""
    today = timezone.localdate()
    if hasattr(obj, "valid_until"):
        award = obj if obj.is_valid_on(today) else None
    else:
        service = _service(obj)
        award = award_in_force(service=service, today=today) if service is not None else None
    return award is not None and renewal_opens_on(award) <= today


def assessment_in(*states: str):
    """A predicate: the assessment is in one of `states`."""

    @rules.predicate(name=f"assessment_in_{'_'.join(states)}")
    def predicate(user, assessment) -> bool:
        return assessment is not None and assessment.status in states

    return predicate


# Django's admin is the administrators' tool for running the programme.
rules.add_perm("accreditation", is_administrator)
for model in ("user", "organisation", "servicemembership"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"accreditation.{action}_{model}", is_administrator)
for action in ("add", "change", "delete"):
    rules.add_perm(f"accreditation.{action}_service", is_administrator)
# The audit trail, assessments and evidence are read-only in the admin: they change only through the services.
for model in ("assessment", "response", "evidence", "evidencelink"):
    rules.add_perm(f"accreditation.view_{model}", is_administrator)

# The app's own permissions.
rules.add_perm("accreditation.view_service", is_administrator | is_team_member)
# An initial portfolio, while the service holds no valid award; a renewal, only inside the award's renewal window.
rules.add_perm("accreditation.start_assessment", (is_administrator | is_team_lead) & holds_no_award_in_force)
rules.add_perm("accreditation.start_renewal", (is_administrator | is_team_lead) & renewal_window_is_open)
rules.add_perm("accreditation.view_portfolio", is_administrator | is_team_member)
rules.add_perm("accreditation.edit_portfolio", is_team_member & portfolio_is_editable)
rules.add_perm("accreditation.submit_portfolio", is_team_lead & portfolio_is_editable)
rules.add_perm("accreditation.view_evidence_library", is_administrator | is_team_member)
rules.add_perm("accreditation.add_evidence_item", is_team_member)
rules.add_perm("accreditation.see_evidence", is_administrator | is_team_member)
# Reviewers may download the evidence of portfolios they review too: reviews/rules.py adds them.
rules.add_perm("accreditation.download_evidence", is_administrator | is_team_member)
rules.add_perm("accreditation.manage_evidence", is_team_member & evidence_is_current)

# Sign-in attempts and lockouts (django-axes): administrators read them, and unlock someone by deleting theirs.
rules.add_perm("axes", is_administrator)
for model in ("accessattempt", "accesslog", "accessfailurelog"):
    rules.add_perm(f"axes.view_{model}", is_administrator)
    rules.add_perm(f"axes.delete_{model}", is_administrator)

# Background task results (PDF renders, e-mails) are visible to administrators, read-only.
rules.add_perm("django_tasks_database", is_administrator)
rules.add_perm("django_tasks_database.view_dbtaskresult", is_administrator)
