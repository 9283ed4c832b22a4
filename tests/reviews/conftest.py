import datetime

import pytest

from accreditation.services.assessments import assessment_transition
from reviews.services import Reply, assignment_create, assignment_respond
from tests.conftest import complete
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def lead_reviewer(db):
    return UserFactory(full_name="Lee Lead-Reviewer", email="lead.reviewer@example.org", is_reviewer=True)


@pytest.fixture
def second_reviewer(db):
    return UserFactory(full_name="Sam Second", email="second@example.org", is_reviewer=True)


@pytest.fixture
def submitted(assessment, team_lead):
    """A complete portfolio, submitted by the team lead."""
    complete(assessment, team_lead)
    assessment_transition(assessment=assessment, to="submitted", by=team_lead)
    assessment.refresh_from_db()
    return assessment


def due():
    return datetime.date.today() + datetime.timedelta(days=30)


@pytest.fixture
def in_review(submitted, administrator, lead_reviewer, second_reviewer):
    """Two reviewers assigned and accepted; the review has started."""
    lead = assignment_create(assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator)
    other = assignment_create(
        assessment=submitted, reviewer=second_reviewer, is_lead=False, due_on=due(), by=administrator
    )
    assignment_respond(assignment=lead, by=lead_reviewer, reply=Reply.ACCEPT)
    assignment_respond(assignment=other, by=second_reviewer, reply=Reply.ACCEPT)
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def same_organisation_reviewer(service):
    """A reviewer who works in another service of the same organisation as the one under review."""
    return MembershipFactory(
        service__organisation=service.organisation, user__is_reviewer=True, user__full_name="Nina Neighbour"
    ).user
