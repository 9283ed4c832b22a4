"""Who may decide, appeal, check conditions, and see or change an award."""

import rules

from accreditation.rules import assessment_in, is_team_lead, is_team_member
from reviews.rules import is_assigned_reviewer, is_lead_reviewer
from workflow.rules import is_administrator

decided = assessment_in("decided", "deferred")

rules.add_perm("awards", is_administrator)
# Decisions, awards and appeals are read-only in the admin: they change only through the services.
for model in ("decision", "panelmember", "condition", "appeal", "awardreport"):
    rules.add_perm(f"awards.view_{model}", is_administrator)

# On an assessment.
rules.add_perm("awards.decide", is_administrator)
rules.add_perm("awards.decide_appeal", is_administrator)
rules.add_perm("awards.appeal", is_team_lead & decided)
rules.add_perm("awards.check_condition", (is_lead_reviewer | is_administrator) & assessment_in("deferred"))
# Seeing an award (its page, decision and PDF report; in the admin, administrators only as the team and reviewers
# have no admin): the service's team, its reviewers, administrators.
rules.add_perm("awards.view_award", is_administrator | is_team_member | is_assigned_reviewer)
# On an award.
rules.add_perm("awards.manage_award", is_administrator)
