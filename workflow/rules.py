"""Predicates about the person alone, which every app's permissions build on."""

import rules


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_administrator(user) -> bool:
    return bool(is_signed_in(user) and (user.is_administrator or user.is_superuser))


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(is_signed_in(user) and user.is_reviewer)


# The audit trail is read-only in the admin, for administrators.
rules.add_perm("workflow", is_administrator)
rules.add_perm("workflow.view_auditevent", is_administrator)

# Running the programme (its pipeline page, the admin): asked by the menu on every page. A rule, not a permission:
# Django's ModelBackend reads a person's stored permissions (two queries) for any permission asked without an object.
rules.add_rule("run_programme", is_administrator)
