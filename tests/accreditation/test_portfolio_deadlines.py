"""The administrator's "Portfolio deadlines": only work the team still owes is due or overdue; a portfolio already
submitted, under review, reported on or decided never is."""

import datetime

import pytest
from django.urls import reverse

from accreditation.models import Service
from accreditation.selectors.people import programme_summary
from reviews.services.rounds import portfolio_return
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

LATE = datetime.date.today() - datetime.timedelta(days=10)


def make_late(service):
    Service.objects.filter(pk=service.pk).update(portfolio_due_on=LATE)


@pytest.fixture
def returned(in_review, lead_reviewer):
    portfolio_return(assessment=in_review, by=lead_reviewer, overall="Show more involvement.", per_standard=[])
    in_review.refresh_from_db()
    return in_review


@pytest.mark.parametrize("state", ["assessment", "returned"])
def test_a_portfolio_the_team_still_owes_is_overdue(request, state):
    assessment = request.getfixturevalue(state)
    assert assessment.is_editable
    make_late(assessment.service)
    summary = programme_summary()
    assert summary.overdue == 1
    assert [service.pk for service in summary.upcoming] == [assessment.service_id]


def test_a_service_that_has_not_started_its_portfolio_is_overdue():
    make_late(ServiceFactory())
    assert programme_summary().overdue == 1


@pytest.mark.parametrize("state", ["submitted", "in_review", "report_final", "awarded"])
def test_a_portfolio_the_team_has_handed_in_is_never_overdue(client, request, administrator, state):
    service = request.getfixturevalue(state).service
    make_late(service)
    summary = programme_summary()
    assert summary.overdue == 0 and summary.due_soon == 0
    assert summary.upcoming == []
    client.force_login(administrator)
    page = client.get(reverse("home")).content.decode()
    assert "0 services overdue" in page and "overdue</span>" not in page
