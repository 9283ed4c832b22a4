"""Who may do what with people, services, portfolios and evidence.

Views, templates, selectors and the admin all ask these; nothing else decides who may see or change what.
"""

import rules

LEAD = "lead"


def service_roles(user) -> dict[int, str]:
    """The person's role in each of their services, read once per request and kept on the user object."""
    if not (user and user.is_authenticated):
        return {}
    roles = getattr(user, "_service_roles", None)
    if roles is None:
        roles = dict(user.memberships.values_list("service_id", "role"))
        user._service_roles = roles
    return roles


def _service_id(obj) -> int | None:
    """The service an object belongs to: a service, an assessment, a piece of evidence or a response."""
    if obj is None:
        return None
    if hasattr(obj, "assessment_id") and not hasattr(obj, "service_id"):
        return obj.assessment.service_id
    return getattr(obj, "service_id", None) or getattr(obj, "pk", None)


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
rules.add_perm("accreditation.manage_evidence", is_team_member & evidence_is_current)

# Background task results (PDF renders, e-mails) are visible to administrators, read-only.
rules.add_perm("django_tasks_database", is_administrator)
rules.add_perm("django_tasks_database.view_dbtaskresult", is_administrator)
