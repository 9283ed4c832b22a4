"""Who may do what with people, services and the audit trail. Views, templates and admin all ask these."""

import rules


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_administrator or user.is_superuser))


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_reviewer)


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_team_member(user, service) -> bool:
    if not is_signed_in(user) or service is None:
        return False
    return service.memberships.filter(user=user).exists()


@rules.predicate
def is_team_lead(user, service) -> bool:
    if not is_signed_in(user) or service is None:
        return False
    return service.memberships.filter(user=user, role="lead").exists()


# Django's admin is the administrators' tool for running the programme.
rules.add_perm("accreditation", is_administrator)
for model in ("user", "organisation", "service", "servicemembership"):
    for action in ("view", "add", "change", "delete"):
        if (action, model) != ("view", "service"):
            rules.add_perm(f"accreditation.{action}_{model}", is_administrator)
# The audit trail can be read, never written or removed by hand.
rules.add_perm("accreditation.view_auditevent", is_administrator)

rules.add_perm("accreditation.view_service", is_administrator | is_team_member)
rules.add_perm("accreditation.manage_team", is_administrator | is_team_lead)

# Background task results (PDF renders, e-mails) are visible to administrators, read-only.
rules.add_perm("django_tasks_database", is_administrator)
rules.add_perm("django_tasks_database.view_dbtaskresult", is_administrator)
