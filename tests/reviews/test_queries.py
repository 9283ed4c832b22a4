"""The scoring and consensus pages cost the same number of queries for 1 reviewer and 40 standards as for 3 and 60."""

import datetime

import pytest
from django.urls import reverse

from accreditation.services.assessments import assessment_start
from reviews.services.assignments import Reply, assignment_create, assignment_respond
from reviews.services.rounds import portfolio_return
from reviews.services.scoring import review_submit
from tests.conftest import complete
from tests.factories import MembershipFactory, UserFactory, edition_with
from workflow.engine import transition

from .conftest import due
from .test_workflow import score_all

pytestmark = pytest.mark.django_db


def reviewed_portfolio(standards_per_value: int, reviewers: int):
    edition_with(standards_per_value=standards_per_value)
    lead = MembershipFactory(role="lead").user
    assessment = assessment_start(service=lead.memberships.get().service, by=lead)
    complete(assessment, lead)
    transition(assessment, to="submitted", by=lead)
    administrator = UserFactory(is_administrator=True)
    assignments = []
    for number in range(reviewers):
        reviewer = UserFactory(is_reviewer=True)
        assignment = assignment_create(
            assessment=assessment, reviewer=reviewer, is_lead=number == 0, due_on=due(), by=administrator
        )
        assignment_respond(assignment=assignment, by=reviewer, reply=Reply.ACCEPT)
        score_all(assignment, reviewer, score=["met", "partly_met", "not_met"][number % 3])
        review_submit(assignment=assignment, by=reviewer)
        assignments.append(assignment)
    return assessment, assignments, administrator


# Session, user, the assignment, the person's memberships, then the progress per value and the current action points.
SCORING_OVERVIEW_QUERIES = 6
# Session, user, the assignment, memberships, then the value's responses, evidence links, the reviewer's own scores,
# the others' scores, the progress per value (for the navigation) and the current action points.
SCORING_VALUE_QUERIES = 10
# Session, user, the assessment, memberships, review roles (which say whether the person has submitted this round),
# then reviewers, responses with their consensus, and the current round's scores.
CONSENSUS_QUERIES = 8


@pytest.mark.parametrize(("standards_per_value", "reviewers"), [(4, 1), (6, 3)])
def test_scoring_and_consensus_pages_have_a_fixed_number_of_queries(
    client, django_assert_num_queries, standards_per_value, reviewers
):
    assessment, assignments, _ = reviewed_portfolio(standards_per_value, reviewers)
    lead = assignments[0]
    client.force_login(lead.reviewer)
    with django_assert_num_queries(SCORING_OVERVIEW_QUERIES):
        response = client.get(reverse("reviews:score", args=[lead.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="progress-bar-native"') == 10
    with django_assert_num_queries(SCORING_VALUE_QUERIES):
        response = client.get(reverse("reviews:score_value", args=[lead.pk, "SAF"]))
    assert response.status_code == 200
    assert response.content.decode().count('class="score-row') == standards_per_value
    with django_assert_num_queries(CONSENSUS_QUERIES):
        response = client.get(reverse("reviews:consensus", args=[assessment.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="card mb-3 consensus-standard') == 10 * standards_per_value
    assert page.count('class="consensus-value') == 10, "one section per value"
    assert page.count("<dt>") == 10 * standards_per_value * (reviewers + 1), "the team and each reviewer"


@pytest.mark.parametrize(("standards_per_value", "reviewers"), [(4, 1), (6, 3)])
def test_review_hub_and_programme_pages_have_a_fixed_number_of_queries(
    client, django_assert_num_queries, standards_per_value, reviewers
):
    assessment, assignments, administrator = reviewed_portfolio(standards_per_value, reviewers)
    client.force_login(administrator)
    with django_assert_num_queries(11):
        assert client.get(reverse("reviews:review", args=[assessment.pk])).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("reviews:programme")).status_code == 200
    client.force_login(assignments[0].reviewer)
    with django_assert_num_queries(4):  # session, user, memberships (none), assignments with their counts
        assert client.get(reverse("home")).status_code == 200


# Session, user, the assessment, then the rounds with what the team sent, the action points, the reviewers'
# submissions, every round's scores, the team and the standards; a reviewer adds their memberships and review roles.
ROUNDS_QUERIES = {"administrator": 9, "reviewer": 11}


@pytest.mark.parametrize(("standards_per_value", "reviewers"), [(4, 1), (6, 3)])
def test_the_rounds_page_has_a_fixed_number_of_queries_however_many_rounds(
    client, django_assert_num_queries, standards_per_value, reviewers
):
    assessment, assignments, administrator = reviewed_portfolio(standards_per_value, reviewers)
    lead = assignments[0].reviewer

    def check():
        for role, person in (("administrator", administrator), ("reviewer", lead)):
            client.force_login(person)
            with django_assert_num_queries(ROUNDS_QUERIES[role]):
                assert client.get(reverse("reviews:rounds", args=[assessment.pk])).status_code == 200

    check()
    portfolio_return(assessment=assessment, by=lead, overall="More, please.", per_standard=[])
    transition(assessment, to="resubmitted", by=assessment.started_by)
    transition(assessment, to="in_review", by=lead)
    check()


# Lead reviewer on the report page: session, user, the assessment, review roles, memberships, the report, the team's
# comments, the results per standard, and the finalise move's guard (the report, its unanswered comments).
REPORT_QUERIES = 10
# Team lead on their copy: session, user, the assessment, memberships, the report, the results per standard and the
# team's comments.
TEAM_REPORT_QUERIES = 7


@pytest.mark.parametrize(("standards_per_value", "reviewers", "comments"), [(4, 1, 1), (6, 3, 4)])
def test_the_report_pages_have_a_fixed_number_of_queries_however_many_comments(
    client, django_assert_num_queries, standards_per_value, reviewers, comments
):
    from reviews.services.report import (
        consensus_save,
        report_comment_add,
        report_comments_send,
        report_save,
        visit_save,
    )

    assessment, assignments, _ = reviewed_portfolio(standards_per_value, reviewers)
    lead = assignments[0].reviewer
    team_lead = assessment.started_by
    consensus_save(
        assessment=assessment, entries={r.pk: ("met", "Agreed.") for r in assessment.responses.all()}, by=lead
    )
    visit_save(
        assessment=assessment,
        by=lead,
        visited_on=due() - datetime.timedelta(days=60),
        mode="online",
        met="Staff",
        findings="Good.",
    )
    report_save(assessment=assessment, by=lead, strengths="a", areas_for_development="b", action_points="c")
    transition(assessment, to="report_draft", by=lead)
    for number in range(comments):
        report_comment_add(assessment=assessment, by=team_lead, about="Strengths", text=f"Comment {number}.")

    client.force_login(team_lead)
    with django_assert_num_queries(TEAM_REPORT_QUERIES):
        assert client.get(reverse("reviews:team_report", args=[assessment.pk])).status_code == 200
    report_comments_send(assessment=assessment, by=team_lead)
    with django_assert_num_queries(TEAM_REPORT_QUERIES):
        assert client.get(reverse("reviews:team_report", args=[assessment.pk])).status_code == 200
    client.force_login(lead)
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(reverse("reviews:report", args=[assessment.pk]))
    assert response.content.decode().count("Save your answer to comment") == comments
