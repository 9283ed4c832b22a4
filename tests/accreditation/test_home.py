"""Each person's home answers "what needs me now?": for that person, in that state, only for open work, with a direct
link and the due date; the rest below."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accreditation.models import ServiceMembership
from awards.models import Appeal, AwardReport
from awards.services import ConditionDraft, appeal_lodge
from reviews.models import Assignment
from reviews.services.assignments import Reply, assignment_create, assignment_respond
from reviews.services.report import (
    consensus_save,
    report_comment_answer,
    report_comments_send,
    report_save,
    visit_save,
)
from reviews.services.rounds import portfolio_return
from reviews.services.scoring import review_submit, scores_save
from tests.conftest import complete, decide, due
from tests.factories import MembershipFactory, UserFactory
from workflow.engine import transition

pytestmark = pytest.mark.django_db

NEEDS = "Needs you now"
NOTHING = "Nothing needs you now."


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def needs(page: str) -> str:
    """Just the "Needs you now" list (or its empty state)."""
    start = page.index(NEEDS)
    return page[start : page.index("</section>", start)]


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


def short(day: datetime.date) -> str:
    return day.strftime("%-d %b %Y")


def score_and_submit(assessment):
    for assignment in assessment.assignments.select_related("reviewer"):
        scores_save(
            assignment=assignment,
            entries={response.pk: ("met", "Good.") for response in assessment.responses.all()},
            by=assignment.reviewer,
        )
        review_submit(assignment=assignment, by=assignment.reviewer)


def ready_to_release(assessment, lead):
    score_and_submit(assessment)
    consensus_save(assessment=assessment, entries={r.pk: ("met", "") for r in assessment.responses.all()}, by=lead)
    visit_save(
        assessment=assessment,
        by=lead,
        visited_on=timezone.localdate(),
        mode="online",
        met="Staff",
        findings="Good.",
    )
    report_save(assessment=assessment, by=lead, strengths="Warm.", areas_for_development="More.", action_points="Do.")


@pytest.fixture
def report_draft(in_review, lead_reviewer):
    ready_to_release(in_review, lead_reviewer)
    transition(in_review, to="report_draft", by=lead_reviewer)
    in_review.refresh_from_db()
    return in_review


@pytest.fixture
def deferred(report_final, administrator):
    decide(
        report_final,
        administrator,
        outcome="deferred",
        override_reason="The weekend was not seen.",
        conditions=[
            ConditionDraft("Show the weekend activity plan.", timezone.localdate() + datetime.timedelta(days=20))
        ],
    )
    report_final.refresh_from_db()
    return report_final


# The team ---------------------------------------------------------------------------------------------------------


def test_the_team_is_told_to_finish_the_portfolio_with_its_due_date(client, assessment, team_lead, team_member):
    for person in (team_lead, team_member):
        items = needs(home(client, person))
        assert "Finish the portfolio for Willow Ward: 0 of 20 standards complete" in items, person
        assert reverse("portfolio:overview", args=[assessment.pk]) in items
        assert f"Due {short(assessment.due_on)}" in items


def test_only_the_team_lead_is_told_to_submit_a_complete_portfolio(client, assessment, team_lead, team_member):
    complete(assessment, team_lead)
    items = needs(home(client, team_lead))
    assert "Submit the portfolio for Willow Ward" in items
    assert reverse("portfolio:submit", args=[assessment.pk]) in items
    page = home(client, team_member)
    assert "Submit the portfolio" not in page and NOTHING in needs(page)
    assert "your team lead can submit the portfolio" in page


def test_a_returned_portfolio_asks_the_team_for_the_changes(client, in_review, lead_reviewer, team_member):
    portfolio_return(assessment=in_review, by=lead_reviewer, overall="Show more involvement.", per_standard=[])
    items = needs(home(client, team_member))
    assert "Make the changes the reviewers asked for in the portfolio for Willow Ward" in items
    assert reverse("portfolio:overview", args=[in_review.pk]) in items


def test_while_the_reviewers_have_it_the_team_has_nothing_to_do(client, in_review, team_lead):
    page = home(client, team_lead)
    assert NOTHING in needs(page)
    assert "The reviewers have the portfolio" in page
    assert "Portfolio due" not in page


def test_the_team_lead_is_asked_for_comments_on_the_draft_report_by_its_deadline(
    client, report_draft, team_lead, team_member, settings
):
    settings.REPORT_COMMENTS_DAYS = 10
    deadline = timezone.localdate(report_draft.report.released_at) + datetime.timedelta(days=10)
    items = needs(home(client, team_lead))
    assert "Read the draft report on Willow Ward and send any factual-accuracy comments" in items
    assert reverse("reviews:team_report", args=[report_draft.pk]) in items
    assert f"Due {short(deadline)}" in items
    # A team member may read it, but the comments are the lead's to send.
    page = home(client, team_member)
    assert NOTHING in needs(page)
    assert f"with your team lead for factual-accuracy comments until {deadline:%-d %B %Y}" in page
    # Past the deadline the time for comments is over: nothing is asked of the team lead any more.
    with on(deadline + datetime.timedelta(days=1)):
        page = home(client, team_lead)
    assert NOTHING in needs(page)
    assert f"The time for comments on the draft report ended on {deadline:%-d %B %Y}" in page
    # Once sent, nothing more is asked of the team.
    report_comments_send(assessment=report_draft, by=team_lead)
    page = home(client, team_lead)
    assert NOTHING in needs(page) and "the lead reviewer will answer them" in page


def test_a_deferred_team_sees_each_condition_with_its_due_date(client, deferred, team_member):
    condition = deferred.decisions.get().conditions.get()
    items = needs(home(client, team_member))
    assert "Meet the panel&#x27;s condition for Willow Ward: Show the weekend activity plan." in items
    assert reverse("awards:decision", args=[deferred.pk]) in items
    assert f"Due {short(condition.due_on)}" in items
    with on(condition.due_on + datetime.timedelta(days=1)):
        assert f"Overdue since {short(condition.due_on)}" in needs(home(client, team_member))


def test_after_the_award_the_team_reads_the_decision_until_the_appeal_window_ends(client, awarded, team_lead, settings):
    page = home(client, team_lead)
    items = needs(page)
    assert "Read the panel&#x27;s decision on Willow Ward (awarded" in items
    assert reverse("awards:decision", args=[awarded.assessment_id]) in items
    # Nothing about the closed portfolio: it was handed in and decided.
    assert "Finish the portfolio" not in page and "Submit the portfolio" not in page and "draft report" not in items
    with on(timezone.localdate() + datetime.timedelta(days=settings.APPEAL_WINDOW_DAYS + 1)):
        page = home(client, team_lead)
    assert NOTHING in needs(page) and awarded.reference in page


def test_an_appeal_lodged_is_shown_as_waiting_for_its_outcome(client, report_final, administrator, team_lead):
    decision = decide(report_final, administrator, outcome="not_awarded", override_reason="Not enough involvement.")
    appeal_lodge(decision=decision, by=team_lead, grounds="The visit missed the weekend.")
    page = home(client, team_lead)
    assert "Your appeal against the decision of" in page and "is waiting for its outcome" in page
    assert "Read the panel" not in needs(page)


# The reviewer -----------------------------------------------------------------------------------------------------


def test_a_reviewer_is_asked_to_answer_an_invitation(client, submitted, administrator, reviewer):
    assignment = assignment_create(
        assessment=submitted, reviewer=reviewer, is_lead=True, due_on=due(), by=administrator
    )
    items = needs(home(client, reviewer))
    assert "Accept or decline the invitation to review Willow Ward" in items
    assert reverse("reviews:assignment", args=[assignment.pk]) in items


def test_each_reviewer_sees_scoring_due_and_only_the_lead_the_visit(client, in_review, lead_reviewer, second_reviewer):
    other = in_review.assignments.get(reviewer=second_reviewer)
    items = needs(home(client, second_reviewer))
    assert "Score Willow Ward: 0 of 20 standards scored" in items
    assert reverse("reviews:score", args=[other.pk]) in items
    assert "Record the visit" not in items
    items = needs(home(client, lead_reviewer))
    assert "Record the visit to Willow Ward" in items and reverse("reviews:visit", args=[in_review.pk]) in items
    Assignment.objects.filter(pk=other.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    assert "Overdue since" in needs(home(client, second_reviewer))


def test_the_lead_reviewer_is_led_through_consensus_report_and_release(
    client, in_review, lead_reviewer, second_reviewer
):
    score_and_submit(in_review)
    items = needs(home(client, lead_reviewer))
    assert "Agree the consensus for Willow Ward: 20 standards need a score" in items
    assert "Write the report on Willow Ward" in items
    assert "Release the draft report" not in items
    assert NOTHING in needs(home(client, second_reviewer)), "the lead's work is not the other reviewer's"
    consensus_save(
        assessment=in_review, entries={r.pk: ("met", "") for r in in_review.responses.all()}, by=lead_reviewer
    )
    visit_save(
        assessment=in_review,
        by=lead_reviewer,
        visited_on=timezone.localdate(),
        mode="online",
        met="Staff",
        findings="Good.",
    )
    report_save(
        assessment=in_review, by=lead_reviewer, strengths="Warm.", areas_for_development="More.", action_points="Do."
    )
    items = needs(home(client, lead_reviewer))
    assert "Release the draft report on Willow Ward to the team" in items
    assert reverse("reviews:report", args=[in_review.pk]) in items
    assert "Agree the consensus" not in items and "Record the visit" not in items


def test_the_lead_reviewer_finalises_after_the_comments_or_the_deadline(client, report_draft, lead_reviewer, team_lead):
    assert NOTHING in needs(home(client, lead_reviewer)), "the draft is with the team until its deadline"
    deadline = timezone.localdate(report_draft.report.released_at) + datetime.timedelta(days=14)
    with on(deadline + datetime.timedelta(days=1)):
        items = needs(home(client, lead_reviewer))
    assert f"Finalise the report on Willow Ward: the team sent no comments by {deadline:%-d %B %Y}" in items
    report_comments_send(assessment=report_draft, by=team_lead, about="Visit", text="The visit was on a Tuesday.")
    items = needs(home(client, lead_reviewer))
    assert "Answer the team&#x27;s 1 comment on the draft report on Willow Ward" in items
    assert reverse("reviews:report", args=[report_draft.pk]) in items
    report_comment_answer(
        comment=report_draft.report.comments.get(), by=lead_reviewer, answer="accepted", text="Corrected the day."
    )
    items = needs(home(client, lead_reviewer))
    assert "Finalise the report on Willow Ward: every comment from the team is answered" in items


def test_the_lead_reviewer_checks_the_conditions_of_a_deferral(client, deferred, lead_reviewer, second_reviewer):
    items = needs(home(client, lead_reviewer))
    assert "Check whether Willow Ward has met its 1 condition" in items
    assert reverse("awards:decision", args=[deferred.pk]) in items
    assert NOTHING in needs(home(client, second_reviewer))


def test_reviewers_see_nothing_of_closed_work(client, awarded, lead_reviewer, second_reviewer):
    for person in (lead_reviewer, second_reviewer):
        page = home(client, person)
        assert NOTHING in needs(page) and "Willow Ward" not in page, person


# The administrator --------------------------------------------------------------------------------------------------


def test_an_administrator_sees_reports_that_failed(client, awarded, administrator):
    AwardReport.objects.filter(award=awarded).update(status="failed", error="RuntimeError: font missing")
    page = home(client, administrator)
    assert "1 award report has failed or stopped: try again" in needs(page)
    assert "Reports that failed or are stuck" in page
    assert reverse("awards:award", args=[awarded.reference]) in page


def test_a_report_made_again_is_no_longer_failed(client, awarded, administrator):
    AwardReport.objects.filter(award=awarded).update(status="failed")
    AwardReport.objects.create(award=awarded, version=2, reason="Made again.")
    assert "Reports that failed" not in home(client, administrator)


@pytest.mark.parametrize(
    ("state", "queue"),
    [
        ("submitted", "Portfolios waiting for reviewers"),
        ("report_final", "Awaiting the panel&#x27;s decision"),
        ("deferred", "Conditions due or lapsed"),
    ],
)
def test_an_administrator_sees_open_work_in_its_queue(client, request, administrator, state, queue):
    request.getfixturevalue(state)
    page = home(client, administrator)
    assert queue in page
    section = page[page.index(queue) :]
    assert "Willow Ward" in section[: section.index("</section>")]
    assert 'href="#' in needs(page)


def test_declined_invitations_and_overdue_reviews_wait_for_the_administrator(
    client, submitted, administrator, lead_reviewer, reviewer
):
    lead = assignment_create(assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator)
    declined = assignment_create(assessment=submitted, reviewer=reviewer, is_lead=False, due_on=due(), by=administrator)
    assignment_respond(assignment=lead, by=lead_reviewer, reply=Reply.ACCEPT)
    assignment_respond(assignment=declined, by=reviewer, reply=Reply.DECLINE)
    Assignment.objects.filter(pk=lead.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    page = home(client, administrator)
    assert "Invitations declined or not answered" in page and "Rhys Reviewer: declined" in page
    assert "Reviews overdue" in page and "Lee Lead-Reviewer has not submitted their scores" in page
    # Once someone else is invited, the decline is dealt with.
    assignment_create(
        assessment=submitted, reviewer=UserFactory(is_reviewer=True), is_lead=False, due_on=due(), by=administrator
    )
    assert "Invitations declined" not in home(client, administrator)


def test_an_administrator_sees_appeals_and_overdue_interim_reviews(client, awarded, administrator, team_lead):
    appeal_lodge(decision=awarded.decision, by=team_lead, grounds="We disagree.")
    page = home(client, administrator)
    assert "Appeals waiting for an outcome" in page
    assert Appeal.objects.get().status == "lodged"
    with on(awarded.interim_due_on + datetime.timedelta(days=1)):
        page = home(client, administrator)
    assert "Interim reviews overdue" in page and "1 interim review is overdue" in needs(page)


def test_an_administrator_sees_no_closed_work(client, awarded, administrator):
    page = home(client, administrator)
    for queue in (
        "waiting-for-reviewers",
        "awaiting-decision",
        "conditions",
        "reviews-overdue",
        "reports-failed",
        "portfolios-overdue",
        "invitations",
        "appeals",
        "interim-overdue",
    ):
        assert f'id="{queue}"' not in page, queue
    assert NOTHING in needs(page)


def test_a_person_with_several_roles_gets_one_list_most_urgent_first(client, in_review, second_reviewer, service):
    MembershipFactory(user=second_reviewer, role=ServiceMembership.Role.LEAD, service__name="Oak House")
    Assignment.objects.filter(reviewer=second_reviewer).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    items = needs(home(client, second_reviewer))
    assert items.index("Score Willow Ward") < items.index("Start the portfolio for Oak House")
