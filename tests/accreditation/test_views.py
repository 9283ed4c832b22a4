"""The home page shows each person what they can do, and nothing else."""

import datetime

import pytest
from django.urls import reverse

from accreditation.models import ServiceMembership
from tests.factories import MembershipFactory, ServiceFactory, UserFactory
from workflow.engine import transition

pytestmark = pytest.mark.django_db

SERVICES = "Your services"
REVIEWS = "Your reviews"
PROGRAMME = "The programme"
NOTHING = "Nothing to do yet"
SECTIONS = [SERVICES, REVIEWS, PROGRAMME, NOTHING]


def sections_on(page: str) -> list[str]:
    return [section for section in SECTIONS if section in page]


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_get_the_introduction(client):
    page = client.get(reverse("home")).content.decode()
    assert "A quality award for services where relationships come first" in page
    assert sections_on(page) == []
    assert reverse("login") in page
    assert reverse("admin:index") not in page


def test_a_team_member_sees_their_service_and_its_deadline(client, team_member, service):
    page = home(client, team_member)
    assert sections_on(page) == [SERVICES]
    assert "Willow Ward" in page
    assert "Team member" in page
    assert service.portfolio_due_on.strftime("%-d %B %Y") in page
    assert reverse("admin:index") not in page


def test_a_team_lead_sees_their_role_and_their_team(client, team_lead, team_member):
    page = home(client, team_lead)
    assert sections_on(page) == [SERVICES]
    assert "Your role: <strong>Team lead</strong>" in page
    assert "Lena Lead (team lead) – you" in page
    assert "Mo Member" in page


def test_a_team_member_does_not_see_other_services(client, team_member):
    ServiceFactory(name="Oak House")
    page = home(client, team_member)
    assert "Oak House" not in page


def test_an_overdue_portfolio_stands_out(client):
    member = MembershipFactory(service__joined_on=datetime.date.today() - datetime.timedelta(days=400)).user
    page = home(client, member)
    assert "days overdue" in page


def test_a_reviewer_sees_their_reviews(client, reviewer):
    page = home(client, reviewer)
    assert sections_on(page) == [REVIEWS]
    assert reverse("admin:index") not in page


def test_a_reviewer_who_also_leads_a_team_sees_both(client, reviewer, service):
    MembershipFactory(user=reviewer, service=service, role=ServiceMembership.Role.LEAD)
    page = home(client, reviewer)
    assert sections_on(page) == [SERVICES, REVIEWS]


def test_an_administrator_sees_the_programme(client, administrator, service):
    ServiceFactory(name="Overdue Unit", joined_on=datetime.date.today() - datetime.timedelta(days=500))
    page = home(client, administrator)
    assert sections_on(page) == [PROGRAMME]
    assert reverse("admin:index") in page
    assert "Overdue Unit" in page
    assert "1 service overdue" in page
    assert reverse("admin:accreditation_service_add") in page


def test_someone_with_no_role_is_told_what_to_do(client):
    page = home(client, UserFactory())
    assert sections_on(page) == [NOTHING]
    assert "ask your programme administrator" in page


@pytest.mark.parametrize("size", [1, 10])
def test_the_home_page_has_a_fixed_number_of_queries(client, django_assert_num_queries, administrator, size):
    """Session, user, memberships with their teams and awards, open portfolios, the programme summary (4 counts and
    2 lists)."""
    for _ in range(size):
        service = ServiceFactory()
        MembershipFactory(service=service, user=administrator)
        MembershipFactory.create_batch(2, service=service)
    client.force_login(administrator)
    with django_assert_num_queries(12):
        response = client.get(reverse("home"))
    assert response.content.decode().count('class="card h-100"') == size


def test_an_administrator_sees_submitted_portfolios_waiting_for_reviewers(client, administrator, assessment, team_lead):
    from tests.conftest import complete

    complete(assessment, team_lead)
    transition(assessment, to="submitted", by=team_lead)
    page = home(client, administrator)
    assert "Portfolios waiting for reviewers" in page
    assert reverse("reviews:review", args=[assessment.pk]) in page


def test_the_menu_offers_the_programme_and_the_admin_to_administrators_only(client, administrator, team_lead, reviewer):
    url = reverse("public:register")
    for person in (team_lead, reviewer):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert reverse("reviews:programme") not in page and reverse("admin:index") not in page, person
    client.force_login(administrator)
    page = client.get(url).content.decode()
    assert reverse("reviews:programme") in page and reverse("admin:index") in page


@pytest.mark.parametrize("who", ["team_member", "reviewer", "administrator"])
def test_the_menu_costs_a_signed_in_person_no_query(client, who, request):
    """Asking who runs the programme reads nothing: a signed-in page costs only the session and the user more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("public:register")
    with CaptureQueriesContext(connection) as anonymous:
        client.get(url)
    client.force_login(request.getfixturevalue(who))
    with CaptureQueriesContext(connection) as signed_in:
        client.get(url)
    assert len(signed_in) == len(anonymous) + 2


def test_a_reviewer_is_asked_to_answer_an_invitation_then_goes_to_the_review(
    client, submitted, administrator, lead_reviewer
):
    from reviews.services.assignments import Reply, assignment_create, assignment_respond
    from tests.conftest import due

    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    page = home(client, lead_reviewer)
    assert "Please accept or decline" in page
    assert reverse("reviews:assignment", args=[assignment.pk]) in page
    assignment_respond(assignment=assignment, by=lead_reviewer, reply=Reply.ACCEPT)
    page = home(client, lead_reviewer)
    assert "Please accept or decline" not in page
    assert reverse("reviews:review", args=[submitted.pk]) in page


def test_only_the_team_lead_is_offered_to_start_a_portfolio_from_home(client, team_lead, team_member):
    """The link asks the start_assessment permission (no role compared in the template), at no extra query."""
    assert "Start the portfolio for Willow Ward" in home(client, team_lead)
    page = home(client, team_member)
    assert "Start the portfolio" not in page and "See the service" in page
    assert "Your team lead can start it" in page
