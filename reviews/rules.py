"""Who may do what in a peer review. Transitions, views, templates and admin all ask these."""

import rules

from accreditation.rules import (
    assessment_in,
    is_administrator,
    is_assigned_reviewer,
    is_lead_reviewer,
    is_team_lead,
    own_organisations,
)


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


in_review = assessment_in("in_review")

rules.add_perm("reviews", is_administrator)
for model in ("conflict",):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"reviews.{action}_{model}", is_administrator)
# Review records change only through the services; the admin shows them.
for model in ("assignment", "reviewerscore", "scorechange", "actionpoint", "visit", "consensusscore", "reviewreport"):
    rules.add_perm(f"reviews.view_{model}", is_administrator)

# On an assessment.
rules.add_perm(
    "reviews.manage_team", is_administrator & assessment_in("submitted", "in_review", "returned", "resubmitted")
)
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
rules.add_perm("reviews.see_other_scores", is_the_reviewer & assignment_is_open & has_submitted_own_review)
