"""Who may do what in a peer review. Transitions, views, templates and admin all ask these."""

import rules
from rules.permissions import permissions

from accreditation.models import Assessment
from accreditation.rules import assessment_in, is_team_lead, own_organisations
from workflow.rules import is_administrator


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


@rules.predicate
def is_the_reviewer(user, assignment) -> bool:
    return assignment is not None and user.is_authenticated and assignment.reviewer_id == user.pk


@rules.predicate
def assignment_is_pending(user, assignment) -> bool:
    return assignment is not None and assignment.status == "invited"


@rules.predicate
def assignment_is_open(user, assignment) -> bool:
    """Accepted, no conflict declared, and the assessment is not from the reviewer's own organisation."""
    return (
        assignment is not None
        and assignment.can_see_portfolio
        and assignment.assessment.service.organisation_id not in own_organisations(user)
    )


@rules.predicate
def scoring_is_open(user, assignment) -> bool:
    """The assessment is being reviewed and this reviewer has not yet submitted this round's scores."""
    return (
        assignment is not None
        and assignment.assessment.status == "in_review"
        and assignment.review_submitted_at is None
    )


@rules.predicate
def has_submitted_own_review(user, assignment) -> bool:
    return assignment is not None and assignment.review_submitted_at is not None


@rules.predicate
def team_can_change(user, assignment) -> bool:
    """The review team may still change: the portfolio has not yet gone past the review."""
    return assignment is not None and assignment.assessment.status in TEAM_STATES


TEAM_STATES = ("submitted", "in_review", "returned", "resubmitted")
in_review = assessment_in("in_review")

rules.add_perm("reviews", is_administrator)
for model in ("conflict",):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"reviews.{action}_{model}", is_administrator)
# Review records change only through the services; the admin shows them.
for model in ("assignment", "reviewerscore", "scorechange", "actionpoint", "visit", "consensusscore", "reviewreport"):
    rules.add_perm(f"reviews.view_{model}", is_administrator)

# On an assessment.
rules.add_perm("reviews.manage_team", is_administrator & assessment_in(*TEAM_STATES))
rules.add_perm("reviews.start_review", is_administrator)
rules.add_perm("reviews.view_review", is_administrator | is_assigned_reviewer)
rules.add_perm("reviews.return_portfolio", (is_administrator | is_lead_reviewer) & in_review)
rules.add_perm("reviews.resume_review", is_administrator | is_lead_reviewer)
rules.add_perm("reviews.lead_review", is_lead_reviewer & in_review)
rules.add_perm("reviews.finalise_report", is_lead_reviewer & assessment_in("report_draft"))
rules.add_perm("reviews.comment_on_report", is_team_lead & assessment_in("report_draft"))
rules.add_perm("reviews.see_score_history", is_administrator)

# On an assignment.
rules.add_perm("reviews.respond_to_assignment", is_the_reviewer & assignment_is_pending)
rules.add_perm("reviews.open_assignment", is_the_reviewer & assignment_is_open)
rules.add_perm("reviews.score", is_the_reviewer & assignment_is_open & scoring_is_open)
rules.add_perm("reviews.remove_reviewer", is_administrator & team_can_change)
rules.add_perm("reviews.see_other_scores", is_the_reviewer & assignment_is_open & has_submitted_own_review)

# Reviewers download the evidence of portfolios they review, but do not browse the service's library.
# The permission belongs to accreditation, which knows nothing of reviews; this layer widens it.
rules.set_perm("accreditation.download_evidence", permissions["accreditation.download_evidence"] | reviews_evidence)
