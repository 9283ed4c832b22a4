"""What the review pages offer comes from the moves a person may make and the permission rules; the forms check what
the services check."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.models import ActionPoint, Assignment
from reviews.services.assignments import assignment_create
from reviews.services.rounds import portfolio_return
from workflow.engine import transition

from .conftest import due

pytestmark = pytest.mark.django_db


def test_the_invitation_offers_the_moves_of_the_workflow(client, submitted, administrator, lead_reviewer):
    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    client.force_login(lead_reviewer)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    for value, words in (
        ("accept", "I accept, and I have no conflict of interest"),
        ("conflict", "I have a conflict of interest"),
        ("decline", "I cannot do this review"),
    ):
        assert f'value="{value}"' in page and words in page
    client.post(reverse("reviews:assignment", args=[assignment.pk]), {"reply": "accept"})
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert 'type="radio"' not in page, "answered: nothing more to choose"
    # A later answer from an old tab is not a 403: the reviewer is told the first answer stands, and where to go.
    response = client.post(reverse("reviews:assignment", args=[assignment.pk]), {"reply": "decline"}, follow=True)
    assert response.redirect_chain == [(reverse("reviews:score", args=[assignment.pk]), 302)]
    assert "so this answer was not recorded" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "accepted"


def test_an_over_long_action_point_is_refused_beside_its_standard(client, in_review, lead_reviewer):
    client.force_login(lead_reviewer)
    bel = in_review.responses.get(standard__code="BEL.1")
    url = reverse("reviews:return", args=[in_review.pk])
    page = client.post(url, {"overall": "Do more.", f"point-{bel.pk}": "x" * 3001})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Action point for BEL.1: Shorten it to 3,000 characters or fewer." in body
    assert "x" * 3001 in body, "what was typed is still there"
    assert not ActionPoint.objects.exists()
    in_review.refresh_from_db()
    assert in_review.status == "in_review"
    with pytest.raises(ValidationError, match=r"action point for BEL\.1 is longer than 3,000"):
        portfolio_return(assessment=in_review, by=lead_reviewer, overall="Do more.", per_standard=[(bel, "x" * 3001)])
    client.post(url, {"overall": "Do more.", f"point-{bel.pk}": "Add the minutes."})
    assert ActionPoint.objects.filter(response=bel, text="Add the minutes.").exists()


def test_the_hub_offers_removing_a_reviewer_with_a_reason(client, in_review, administrator, second_reviewer):
    member = in_review.assignments.get(reviewer=second_reviewer)
    client.force_login(administrator)
    page = client.get(reverse("reviews:review", args=[in_review.pk])).content.decode()
    url = reverse("reviews:remove", args=[in_review.pk, member.pk])
    assert f'action="{url}"' in page and 'name="reason"' in page
    client.post(url, {"reason": ""})
    assert Assignment.objects.get(pk=member.pk).status == "accepted"
    client.post(url, {"reason": "Off sick."})
    assert Assignment.objects.get(pk=member.pk).status == "removed"
    page = client.get(reverse("reviews:review", args=[in_review.pk])).content.decode()
    assert "Off sick." in page
    assert url not in page, "no one to remove twice"


def test_the_hub_builds_its_buttons_from_the_moves(client, in_review, lead_reviewer, second_reviewer, team_lead):
    client.force_login(lead_reviewer)
    page = client.get(reverse("reviews:review", args=[in_review.pk])).content.decode()
    assert "Return the portfolio to the team for further work" in page
    assert "Start reviewing the revised portfolio" not in page
    portfolio_return(assessment=in_review, by=lead_reviewer, overall="More.", per_standard=[])
    page = client.get(reverse("reviews:review", args=[in_review.pk])).content.decode()
    assert "Returned to the team" in page
    assert "Return the portfolio to the team for further work" not in page
    transition(in_review, to="resubmitted", by=team_lead)
    page = client.get(reverse("reviews:review", args=[in_review.pk])).content.decode()
    assert "Returned to the team" not in page
    assert "Start reviewing the revised portfolio" in page
    client.force_login(second_reviewer)
    page = client.get(reverse("reviews:review", args=[in_review.pk])).content.decode()
    assert "Start reviewing the revised portfolio" not in page, "only the lead or an administrator resumes"
