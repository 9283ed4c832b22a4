"""Who may do what with people, services, portfolios and evidence.

Views, templates, selectors and the admin all ask these; nothing else decides who may see or change what.
"""

import rules

from .models import Assessment, Award, Evidence, Response, Service

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


def service_roles(user) -> dict[int, str]:
    """The person's role in each of their services."""
    return {service_id: role for service_id, role, _ in _memberships(user)}


def own_organisations(user) -> set[int]:
    """Organisations the person works in: they may never review any service of these."""
    return {organisation_id for _, _, organisation_id in _memberships(user)}


def review_roles(user) -> dict[int, tuple[str, bool, bool]]:
    """For each assessment the person is on the review team of: (status, is lead, has declared no conflict)."""
    if not (user and user.is_authenticated and user.is_active and user.is_reviewer):
        return {}
    roles = getattr(user, "_review_roles", None)
    if roles is None:
        roles = {
            assessment_id: (status, is_lead, declared is not None)
            for assessment_id, status, is_lead, declared in user.review_assignments.filter(
                status__in=("invited", "accepted")
            ).values_list("assessment_id", "status", "is_lead", "no_conflict_declared_at")
        }
        user._review_roles = roles
    return roles


def reviewing(user, assessment, *, lead: bool = False) -> bool:
    """On the assessment's review team, accepted, no conflict declared, and not from the service's organisation."""
    if not isinstance(assessment, Assessment):
        return False
    role = review_roles(user).get(assessment.pk)
    if role is None or role[0] != "accepted" or not role[2] or (lead and not role[1]):
        return False
    return assessment.service.organisation_id not in own_organisations(user)


def _service_id(obj) -> int | None:
    """The service an object belongs to: a service, an assessment, a piece of evidence or a response."""
    if isinstance(obj, Service):
        return obj.pk
    if isinstance(obj, Assessment | Evidence | Award):
        return obj.service_id
    if isinstance(obj, Response):
        return obj.assessment.service_id
    return None


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_administrator(user) -> bool:
    return bool(is_signed_in(user) and (user.is_administrator or user.is_superuser))


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(is_signed_in(user) and user.is_reviewer)


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


@rules.predicate
def is_assigned_reviewer(user, assessment) -> bool:
    return reviewing(user, assessment)


@rules.predicate
def is_lead_reviewer(user, assessment) -> bool:
    return reviewing(user, assessment, lead=True)


@rules.predicate
def reviews_evidence(user, evidence) -> bool:
    """The evidence supports a portfolio this person is reviewing (and may therefore download)."""
    if evidence is None or not review_roles(user):
        return False
    if evidence.service.organisation_id in own_organisations(user):
        return False
    assessment_ids = [
        pk for pk, (status, _, declared) in review_roles(user).items() if status == "accepted" and declared
    ]
    return evidence.links.filter(response__assessment_id__in=assessment_ids).exists()


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
for model in ("auditevent", "assessment", "response", "evidence", "evidencelink"):
    rules.add_perm(f"accreditation.view_{model}", is_administrator)

# The app's own permissions.
rules.add_perm("accreditation.view_service", is_administrator | is_team_member)
rules.add_perm("accreditation.start_assessment", is_administrator | is_team_lead)
rules.add_perm("accreditation.view_portfolio", is_administrator | is_team_member)
rules.add_perm("accreditation.edit_portfolio", is_team_member & portfolio_is_editable)
rules.add_perm("accreditation.submit_portfolio", is_team_lead & portfolio_is_editable)
rules.add_perm("accreditation.view_evidence_library", is_administrator | is_team_member)
rules.add_perm("accreditation.add_evidence_item", is_team_member)
rules.add_perm("accreditation.see_evidence", is_administrator | is_team_member)
# Reviewers download the evidence of portfolios they review, but do not browse the service's library.
rules.add_perm("accreditation.download_evidence", is_administrator | is_team_member | reviews_evidence)
rules.add_perm("accreditation.manage_evidence", is_team_member & evidence_is_current)

# Decisions and awards.
decided = assessment_in("decided", "deferred")
rules.add_perm("accreditation.decide", is_administrator)
rules.add_perm("accreditation.manage_award", is_administrator)
rules.add_perm("accreditation.decide_appeal", is_administrator)
rules.add_perm("accreditation.appeal", is_team_lead & decided)
rules.add_perm("accreditation.check_condition", (is_lead_reviewer | is_administrator) & assessment_in("deferred"))
# Seeing an award (its page, decision and PDF report): the service's team, its reviewers, administrators.
rules.add_perm("accreditation.view_award", is_administrator | is_team_member | is_assigned_reviewer)
for model in ("decision", "panelmember", "condition", "appeal", "awardreport"):
    rules.add_perm(f"accreditation.view_{model}", is_administrator)

# Sign-in attempts and lockouts (django-axes): administrators read them, and unlock someone by deleting theirs.
rules.add_perm("axes", is_administrator)
for model in ("accessattempt", "accesslog", "accessfailurelog"):
    rules.add_perm(f"axes.view_{model}", is_administrator)
    rules.add_perm(f"axes.delete_{model}", is_administrator)

# Background task results (PDF renders, e-mails) are visible to administrators, read-only.
rules.add_perm("django_tasks_database", is_administrator)
rules.add_perm("django_tasks_database.view_dbtaskresult", is_administrator)
