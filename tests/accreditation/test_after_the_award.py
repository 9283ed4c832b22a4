"""What the team's pages say and offer once its service holds an award: the award in force, no new initial
portfolio while it is valid, a renewal only inside the renewal window, and a decided portfolio that says so."""

import datetime

import pytest
import rules
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accreditation.models import Assessment
from accreditation.models.people import add_months
from accreditation.services.assessments import assessment_start

pytestmark = pytest.mark.django_db

START = "Start the portfolio"
RENEW = "Start the renewal portfolio"


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def renewal_opens(award) -> datetime.date:
    return add_months(award.valid_until, -6)


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


def test_the_home_shows_the_award_in_force_and_offers_no_new_portfolio(client, awarded, team_lead, team_member):
    for person in (team_lead, team_member):
        home = page(client, person, reverse("home"))
        assert awarded.reference in home, person
        assert awarded.valid_until.strftime("%-d %B %Y") in home
        assert awarded.interim_due_on.strftime("%-d %B %Y") in home
        assert reverse("awards:award", args=[awarded.reference]) in home
        assert "No portfolio in progress" not in home and "Start one" not in home
        # The portfolio the service owed is handed in and awarded: no "Portfolio due … overdue" beside the award.
        assert "Portfolio due" not in home and "overdue" not in home


def test_the_service_page_offers_no_initial_portfolio_while_the_award_is_valid(
    client, awarded, team_lead, administrator
):
    service = awarded.service
    for person in (team_lead, administrator):
        assert not rules.has_perm("accreditation.start_assessment", person, service), person
        detail = page(client, person, reverse("services:detail", args=[service.pk]))
        assert START not in detail and awarded.reference in detail
    client.force_login(team_lead)
    client.post(reverse("services:start", args=[service.pk]))
    assert service.assessments.count() == 1
    with pytest.raises(PermissionDenied):
        assessment_start(service=service, by=team_lead)


def test_a_renewal_starts_only_inside_its_window(client, awarded, team_lead, settings):
    service = awarded.service
    assert settings.RENEWAL_WINDOW_MONTHS == 6
    assert RENEW not in page(client, team_lead, reverse("awards:award", args=[awarded.reference]))
    assert not rules.has_perm("accreditation.start_renewal", team_lead, service)
    with pytest.raises(PermissionDenied):
        assessment_start(service=service, by=team_lead, kind=Assessment.Kind.RENEWAL)
    with on(renewal_opens(awarded) - datetime.timedelta(days=1)):
        assert not rules.has_perm("accreditation.start_renewal", team_lead, service)
    with on(renewal_opens(awarded)):
        assert rules.has_perm("accreditation.start_renewal", team_lead, service)
        assert not rules.has_perm("accreditation.start_assessment", team_lead, service)
        assert RENEW in page(client, team_lead, reverse("awards:award", args=[awarded.reference]))
        renewal = assessment_start(service=service, by=team_lead, kind=Assessment.Kind.RENEWAL)
    assert renewal.kind == "renewal"


def test_once_the_award_has_expired_a_new_initial_portfolio_may_start(awarded, team_lead):
    with on(awarded.valid_until + datetime.timedelta(days=1)):
        assert rules.has_perm("accreditation.start_assessment", team_lead, awarded.service)
        assert not rules.has_perm("accreditation.start_renewal", team_lead, awarded.service)


def test_a_decided_portfolio_says_it_was_awarded_not_that_the_reviewers_have_it(client, awarded, team_member):
    for url in (
        reverse("portfolio:overview", args=[awarded.assessment_id]),
        reverse("portfolio:value", args=[awarded.assessment_id, "BOU"]),
    ):
        text = page(client, team_member, url)
        assert "while the reviewers have it" not in text, url
        assert f"This portfolio was awarded on {awarded.decision.decided_on:%-d %B %Y}" in text
        assert "kept as it was decided" in text
