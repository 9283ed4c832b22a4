"""The decision page as each person who may open it sees it: every link on it works for them, and the team sees the
panel's decision, never the award rule's recommendation."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import decide

pytestmark = pytest.mark.django_db

RECOMMENDATION = "What the award rule recommends"
PEOPLE = ("administrator", "team_lead", "team_member", "lead_reviewer", "second_reviewer")


def links_in_main(page: str) -> set[str]:
    """The site's own pages linked from the page's main content, without their fragments."""
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return {href.split("#", 1)[0] for href in re.findall(r'href="(/[^"]*)"', main)} - {""}


@pytest.fixture(params=["report_final", "deferred", "awarded"])
def state(request, report_final, administrator, django_capture_on_commit_callbacks):
    """The assessment at each state in which the decision page has something to show."""
    if request.param == "deferred":
        from awards.services import ConditionDraft

        decide(
            report_final,
            administrator,
            outcome="deferred",
            override_reason="One thing to show first.",
            conditions=[ConditionDraft("Do more.", timezone.localdate() + datetime.timedelta(days=30))],
        )
    elif request.param == "awarded":
        with django_capture_on_commit_callbacks(execute=True):
            decide(report_final, administrator)
    report_final.refresh_from_db()
    return report_final


@pytest.mark.parametrize("person", PEOPLE)
def test_every_link_on_the_decision_page_opens_for_the_person_who_sees_it(client, request, state, person):
    user = request.getfixturevalue(person)
    client.force_login(user)
    response = client.get(reverse("awards:decision", args=[state.pk]))
    assert response.status_code == 200
    links = links_in_main(response.content.decode())
    assert links, "the page links somewhere"
    for link in sorted(links):
        assert client.get(link).status_code == 200, (person, state.status, link)


def test_the_team_is_linked_to_its_own_view_of_the_review_report(client, report_final, team_lead):
    client.force_login(team_lead)
    page = client.get(reverse("awards:decision", args=[report_final.pk])).content.decode()
    assert f'href="{reverse("reviews:team_report", args=[report_final.pk])}"' in page
    assert f'href="{reverse("reviews:report", args=[report_final.pk])}"' not in page
    assert f'href="{reverse("reviews:consensus", args=[report_final.pk])}"' not in page


def test_reviewers_and_administrators_are_linked_to_the_report_and_the_consensus(
    client, report_final, administrator, lead_reviewer
):
    for person in (administrator, lead_reviewer):
        client.force_login(person)
        page = client.get(reverse("awards:decision", args=[report_final.pk])).content.decode()
        assert reverse("reviews:report", args=[report_final.pk]) in page
        assert reverse("reviews:consensus", args=[report_final.pk]) in page


@pytest.mark.parametrize("person", ["team_lead", "team_member"])
def test_the_team_never_sees_the_award_rules_recommendation_before_the_panel_decides(
    client, request, report_final, person
):
    client.force_login(request.getfixturevalue(person))
    page = client.get(reverse("awards:decision", args=[report_final.pk])).content.decode()
    assert RECOMMENDATION not in page and "Recommendation:" not in page
    assert "The panel has not decided yet" in page
    assert "Record the panel's decision" not in page


def test_the_team_sees_the_panels_decision_once_it_is_recorded(client, report_final, administrator, team_lead):
    decide(report_final, administrator, rationale="Warm and thoughtful.")
    client.force_login(team_lead)
    page = client.get(reverse("awards:decision", args=[report_final.pk])).content.decode()
    assert RECOMMENDATION not in page and "Recommendation:" not in page
    assert "Warm and thoughtful." in page and "The panel has not decided yet" not in page


@pytest.mark.parametrize("person", ["administrator", "lead_reviewer"])
def test_administrators_and_reviewers_still_see_the_recommendation(client, request, report_final, person):
    client.force_login(request.getfixturevalue(person))
    page = client.get(reverse("awards:decision", args=[report_final.pk])).content.decode()
    assert "Recommendation: <strong>Awarded</strong>" in page
