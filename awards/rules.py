"""Who may decide, appeal, check conditions, and see or change an award."""

import rules

from accreditation.models import Assessment
from accreditation.rules import assessment_in, is_team_lead, is_team_member, renewal_window_is_open
from reviews.rules import is_assigned_reviewer, is_lead_reviewer
from workflow.rules import is_administrator

from .models import AwardReport

decided = assessment_in("decided", "deferred")
# Seeing an award (its page, decision and PDF report; in the admin, administrators only as the team and reviewers
# have no admin): the service's team, its reviewers, administrators. Asked of the award's assessment.
sees_award = is_administrator | is_team_member | is_assigned_reviewer


@rules.predicate
def sees_the_reports_award(user, report) -> bool:
    return report is not None and sees_award.test(user, report.award.assessment)


@rules.predicate
def report_is_ready(user, report) -> bool:
    return report is not None and report.status == AwardReport.Status.READY


@rules.predicate
def interim_review_pending(user, award) -> bool:
    return award is not None and award.interim_completed_on is None


@rules.predicate
def service_has_no_open_portfolio(user, award) -> bool:
    """A service works on one portfolio at a time, so a renewal waits until the open one is decided or withdrawn."""
    return award is not None and not award.service.assessments.exclude(status__in=Assessment.CLOSED_STATES).exists()


rules.add_perm("awards", is_administrator)
# Decisions, awards and appeals are read-only in the admin: they change only through the services.
for model in ("decision", "panelmember", "condition", "appeal", "awardreport"):
    rules.add_perm(f"awards.view_{model}", is_administrator)

# On an assessment.
rules.add_perm("awards.decide", is_administrator)
rules.add_perm("awards.decide_appeal", is_administrator)
rules.add_perm("awards.appeal", is_team_lead & decided)
rules.add_perm("awards.check_condition", (is_lead_reviewer | is_administrator) & assessment_in("deferred"))
rules.add_perm("awards.view_award", sees_award)
# The award rule's recommendation is advice to the panel: the people on the review see it, the team sees only the
# panel's decision, so that a machine's guess is never read as the outcome.
rules.add_perm("awards.see_recommendation", is_administrator | is_assigned_reviewer)
# The panel has decided (or deferred), and there is a decision to read.
rules.add_perm("awards.read_decision", sees_award & decided)
# On an award.
rules.add_perm("awards.manage_award", is_administrator)
rules.add_perm("awards.record_interim_review", is_administrator & interim_review_pending)
# Whoever may start a portfolio for the service (its team lead, an administrator), once no other is open and the
# award's renewal window has opened.
rules.add_perm(
    "awards.renew", (is_administrator | is_team_lead) & service_has_no_open_portfolio & renewal_window_is_open
)
# On a version of the award report.
rules.add_perm("awards.download_report", sees_the_reports_award & report_is_ready)
