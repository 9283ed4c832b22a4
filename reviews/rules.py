"""Who may do what in a peer review. Transitions, views, templates and admin all ask these."""

from typing import NamedTuple

import rules
from rules.permissions import permissions

from accreditation.models import Assessment
from accreditation.rules import assessment_in, is_team_lead, own_organisations
from workflow.rules import is_administrator

from .models import ReviewRound
from .selectors.scoring import review_submitted_at


class ReviewRole(NamedTuple):
    """A person's place on one assessment's review team."""

    status: str
    is_lead: bool
    declared: bool  # has declared no conflict of interest
    submitted: bool  # has submitted their scores for the current round
    last_submitted_round: int  # the latest round they submitted scores for; 0 if none


def review_roles(user) -> dict[int, ReviewRole]:
    """For each assessment the person is on the review team of, their role. One query, then kept on the user."""
    if not (user and user.is_authenticated and user.is_active and user.is_reviewer):
        return {}
    roles = getattr(user, "_review_roles", None)
    if roles is None:
        # One plain query: a row per assignment and round the person submitted scores for (joins, no subqueries
        # or grouping: this runs on every review page), folded into one role per assessment here.
        rows = user.review_assignments.filter(status__in=("invited", "accepted")).values_list(
            "assessment_id",
            "status",
            "is_lead",
            "no_conflict_declared_at",
            "review_submissions__round__number",
            "review_submissions__round__is_current",
        )
        roles = {}
        for assessment_id, status, is_lead, declared, round_number, round_is_current in rows:
            role = roles.get(assessment_id) or ReviewRole(status, is_lead, declared is not None, False, 0)
            roles[assessment_id] = role._replace(
                submitted=role.submitted or bool(round_is_current),
                last_submitted_round=max(role.last_submitted_round, round_number or 0),
            )
        user._review_roles = roles
    return roles


def reviewing(user, assessment, *, lead: bool = False) -> ReviewRole | None:
    """The person's role if they are on the assessment's review team, accepted, with no conflict declared, and not
    from the service's organisation (the lead, with `lead`); otherwise None."""
    if not isinstance(assessment, Assessment):
        return None
    role = review_roles(user).get(assessment.pk)
    if role is None or role.status != "accepted" or not role.declared or (lead and not role.is_lead):
        return None
    if assessment.service.organisation_id in own_organisations(user):
        return None
    return role


@rules.predicate
def is_assigned_reviewer(user, assessment) -> bool:
    return reviewing(user, assessment) is not None


@rules.predicate
def is_lead_reviewer(user, assessment) -> bool:
    return reviewing(user, assessment, lead=True) is not None


@rules.predicate
def has_submitted_this_round(user, assessment) -> bool:
    """On the review team and has submitted their own scores for the current round."""
    role = reviewing(user, assessment)
    return role is not None and role.submitted


@rules.predicate
def has_submitted_by_round(user, review_round) -> bool:
    """On the review team and has submitted their own scores for this round or a later one: the others' scores of
    the round cannot sway theirs any more."""
    if not isinstance(review_round, ReviewRound):
        return False
    role = reviewing(user, review_round.assessment)
    return role is not None and role.last_submitted_round >= review_round.number


@rules.predicate
def reviews_evidence(user, evidence) -> bool:
    """The evidence supports a portfolio this person is reviewing (and may therefore download)."""
    if evidence is None or not review_roles(user):
        return False
    if evidence.service.organisation_id in own_organisations(user):
        return False
    assessment_ids = [pk for pk, role in review_roles(user).items() if role.status == "accepted" and role.declared]
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
        and review_submitted_at(assignment=assignment) is None
    )


@rules.predicate
def has_submitted_own_review(user, assignment) -> bool:
    """The reviewer has submitted their scores for the current round."""
    return assignment is not None and review_submitted_at(assignment=assignment) is not None


@rules.predicate
def team_can_change(user, assignment) -> bool:
    """The review team may still change: the portfolio has not yet gone past the review."""
    return assignment is not None and assignment.assessment.status in TEAM_STATES


@rules.predicate
def report_open_for_comments(user, assessment) -> bool:
    """The draft report is with the team: their comments not yet sent and the deadline not passed."""
    report = getattr(assessment, "report", None)  # one query, unless the page has read the report already
    return report is not None and report.open_for_comments


TEAM_STATES = ("submitted", "in_review", "returned", "resubmitted")
in_review = assessment_in("in_review")

rules.add_perm("reviews", is_administrator)
for model in ("conflict",):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"reviews.{action}_{model}", is_administrator)
# Review records change only through the services; the admin shows them.
for model in (
    "assignment",
    "reviewround",
    "reviewsubmission",
    "reviewerscore",
    "scorechange",
    "actionpoint",
    "visit",
    "consensusscore",
    "reviewreport",
    "reportcomment",
):
    rules.add_perm(f"reviews.view_{model}", is_administrator)

# The programme: every assessment by state, and why reviewers left teams.
rules.add_perm("reviews.view_programme", is_administrator)

# On an assessment.
rules.add_perm("reviews.manage_team", is_administrator & assessment_in(*TEAM_STATES))
rules.add_perm("reviews.start_review", is_administrator)
on_the_review = is_administrator | is_assigned_reviewer
rules.add_perm("reviews.view_review", on_the_review)
rules.add_perm("reviews.return_portfolio", (is_administrator | is_lead_reviewer) & in_review)
rules.add_perm("reviews.resume_review", is_administrator | is_lead_reviewer)
rules.add_perm("reviews.lead_review", is_lead_reviewer & in_review)
# The consensus and the report stay open to the lead while the draft is with the team, so that a factual-accuracy
# comment can lead to a correction.
rules.add_perm("reviews.correct_report", is_lead_reviewer & assessment_in("in_review", "report_draft"))
rules.add_perm("reviews.finalise_report", is_lead_reviewer & assessment_in("report_draft"))
rules.add_perm("reviews.answer_comments", is_lead_reviewer & assessment_in("report_draft"))
# The team lead speaks for the team on the draft; they may add and send comments until they send them or the
# deadline passes (`check_draft_report`: the role alone, so that a late comment is told why, not refused blankly).
rules.add_perm("reviews.check_draft_report", is_team_lead & assessment_in("report_draft"))
rules.add_perm("reviews.comment_on_report", is_team_lead & assessment_in("report_draft") & report_open_for_comments)
rules.add_perm("reviews.see_score_history", is_administrator)
# Everyone's scores side by side: reviewers once they have submitted their own for this round.
rules.add_perm("reviews.see_consensus", is_administrator | has_submitted_this_round)
rules.add_perm("reviews.see_report", on_the_review & assessment_in("report_draft", "report_final"))
rules.add_perm("reviews.see_decision", on_the_review & assessment_in("deferred", "decided"))

# On a round: the reviewers' scores of that round.
rules.add_perm("reviews.see_round_scores", is_administrator | has_submitted_by_round)

# On an assignment.
rules.add_perm("reviews.respond_to_assignment", is_the_reviewer & assignment_is_pending)
rules.add_perm("reviews.open_assignment", is_the_reviewer & assignment_is_open)
rules.add_perm("reviews.score", is_the_reviewer & assignment_is_open & scoring_is_open)
rules.add_perm("reviews.remove_reviewer", is_administrator & team_can_change)
rules.add_perm("reviews.see_other_scores", is_the_reviewer & assignment_is_open & has_submitted_own_review)

# Reviewers download the evidence of portfolios they review, but do not browse the service's library.
# The permission belongs to accreditation, which knows nothing of reviews; this layer widens it.
rules.set_perm("accreditation.download_evidence", permissions["accreditation.download_evidence"] | reviews_evidence)
