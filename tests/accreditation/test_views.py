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
    """Session, user, memberships with their teams and awards, open portfolios, the decisions still open, the
    administrator's nine queues and the programme summary (4 counts and a list)."""
    for _ in range(size):
        service = ServiceFactory()
        MembershipFactory(service=service, user=administrator)
        MembershipFactory.create_batch(2, service=service)
    client.force_login(administrator)
    with django_assert_num_queries(21):
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


# Each role's home costs a fixed number of queries however much work there is -----------------------------------


def _assessment(edition, status, service=None, **fields):
    from accreditation.models import Assessment

    service = service or ServiceFactory()
    fields.setdefault("due_on", datetime.date.today() + datetime.timedelta(days=60))
    return Assessment.objects.create(service=service, edition=edition, status=status, **fields)


def _decision(assessment, by, outcome="awarded", conditions_due=None):
    from awards.models import Condition, Decision

    decision = Decision.objects.create(
        assessment=assessment,
        outcome=outcome,
        recommended=outcome,
        decided_on=datetime.date.today(),
        rationale="Because.",
        recorded_by=by,
    )
    if conditions_due:
        Condition.objects.create(decision=decision, text="Show the plan.", due_on=conditions_due)
    return decision


def _award(assessment, decision, n):
    from awards.models import Award, AwardReport

    today = datetime.date.today()
    award = Award.objects.create(
        assessment=assessment,
        service=assessment.service,
        decision=decision,
        reference=f"EE-TEST-{n:04d}",
        valid_from=today - datetime.timedelta(days=700),
        valid_until=today + datetime.timedelta(days=300),
        interim_due_on=today - datetime.timedelta(days=100),
    )
    AwardReport.objects.create(award=award, version=1, reason="First.")
    AwardReport.objects.filter(award=award).update(status="failed")
    return award


def _team_work(n, edition, lead, administrator):
    from awards.models import Appeal
    from reviews.models import ReviewReport

    past = datetime.date.today() - datetime.timedelta(days=5)
    for i in range(n):
        services = ServiceFactory.create_batch(4)
        for service in services:
            MembershipFactory(service=service, user=lead, role=ServiceMembership.Role.LEAD)
        _assessment(edition, "draft", services[0])
        draft_report = _assessment(edition, "report_draft", services[1])
        ReviewReport.objects.create(assessment=draft_report, released_at=datetime.datetime.now(datetime.UTC))
        _decision(_assessment(edition, "deferred", services[2]), administrator, "deferred", conditions_due=past)
        decided = _assessment(edition, "decided", services[3])
        decision = _decision(decided, administrator)
        _award(decided, decision, 1000 + i)
        Appeal.objects.create(decision=decision, grounds="We disagree.", lodged_by=lead)


def _review_work(n, edition, reviewer, administrator):
    from reviews.models import Assignment

    now = datetime.datetime.now(datetime.UTC)
    past = datetime.date.today() - datetime.timedelta(days=5)

    def assign(status, assessment_status, **fields):
        assessment = _assessment(edition, assessment_status)
        Assignment.objects.create(
            assessment=assessment, reviewer=reviewer, due_on=past, assigned_by=administrator, status=status, **fields
        )
        return assessment

    for _ in range(n):
        assign("invited", "in_review")
        assign("accepted", "in_review", is_lead=True, no_conflict_declared_at=now)
        assign("accepted", "report_draft", is_lead=True, no_conflict_declared_at=now)
        assign("accepted", "resubmitted", is_lead=True, no_conflict_declared_at=now)
        deferred = assign("accepted", "deferred", is_lead=True, no_conflict_declared_at=now)
        _decision(deferred, administrator, "deferred", conditions_due=past)


def _programme_work(n, edition, administrator):
    from awards.models import Appeal
    from reviews.models import Assignment, ReviewReport

    past = datetime.date.today() - datetime.timedelta(days=5)
    now = datetime.datetime.now(datetime.UTC)
    for i in range(n):
        ServiceFactory(joined_on=datetime.date.today() - datetime.timedelta(days=500))
        _assessment(edition, "submitted", submitted_at=now)
        final = _assessment(edition, "report_final")
        ReviewReport.objects.create(assessment=final, released_at=now, finalised_at=now)
        _decision(_assessment(edition, "deferred"), administrator, "deferred", conditions_due=past)
        in_review = _assessment(edition, "in_review")
        reviewer = UserFactory(is_reviewer=True)
        Assignment.objects.create(
            assessment=in_review, reviewer=reviewer, due_on=past, assigned_by=administrator, status="accepted"
        )
        Assignment.objects.create(
            assessment=in_review,
            reviewer=UserFactory(is_reviewer=True),
            due_on=past,
            assigned_by=administrator,
            status="declined",
            ended_at=now + datetime.timedelta(seconds=1),
        )
        decided = _assessment(edition, "decided")
        decision = _decision(decided, administrator)
        _award(decided, decision, 2000 + i)
        Appeal.objects.create(decision=decision, grounds="We disagree.", lodged_by=administrator)


# Session and user, then per role: a team lead's memberships with their teams and awards, their open portfolios,
# the draft reports' dates, and the decisions still open with their open conditions and appeals; a reviewer's
# assignments with everything their work needs, and the lead reviewer's deferrals with their conditions and appeals;
# an administrator's nine queues and the programme's counts (organisations, services, people, by setting, upcoming).
HOME_QUERIES = {"team_lead": 10, "reviewer": 7, "administrator": 17}


@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("role", ["team_lead", "reviewer", "administrator"])
def test_each_role_s_home_has_a_fixed_number_of_queries(client, django_assert_num_queries, edition, role, size):
    administrator = UserFactory(is_administrator=True)
    person = {"team_lead": UserFactory(), "reviewer": UserFactory(is_reviewer=True), "administrator": administrator}[
        role
    ]
    if role == "team_lead":
        _team_work(size, edition, person, administrator)
    elif role == "reviewer":
        _review_work(size, edition, person, administrator)
    else:
        _programme_work(size, edition, administrator)
    client.force_login(person)
    with django_assert_num_queries(HOME_QUERIES[role]):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert "Nothing needs you now" not in page
    items = page[page.index("Needs you now") : page.index("</section>", page.index("Needs you now"))]
    if role != "administrator":
        assert items.count("<li") >= 3 * size, items
