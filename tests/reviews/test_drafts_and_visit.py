"""Issue 13: a reviewer's unsubmitted draft scores stay theirs until they submit, and a visit cannot be in the
future."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Visit
from reviews.selectors.report import consensus_matrix
from reviews.services.scoring import review_submit
from tests.dates import date_fields

from .test_workflow import score_all

pytestmark = pytest.mark.django_db

DRAFT_COMMENT = "Sam Second on"  # score_all writes "<name> on <code>" as each comment


@pytest.fixture
def lead_submitted_second_drafting(in_review, lead_reviewer, second_reviewer):
    """The lead has scored everything Met and submitted; the second reviewer has scored everything Not met (so every
    standard would look disputed) but not submitted."""
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    second = in_review.assignments.get(reviewer=second_reviewer)
    score_all(lead, lead_reviewer, score="met")
    review_submit(assignment=lead, by=lead_reviewer)
    score_all(second, second_reviewer, score="not_met")
    return in_review, lead, second


def test_the_consensus_matrix_leaves_out_unsubmitted_drafts(lead_submitted_second_drafting):
    assessment, lead, second = lead_submitted_second_drafting
    matrix = consensus_matrix(assessment=assessment)
    assert [reviewer.pk for reviewer in matrix.reviewers] == [lead.pk]
    assert [reviewer.pk for reviewer in matrix.waiting] == [second.pk]
    assert matrix.pairs == [], "no agreement figure from a draft"
    assert matrix.disagreement_count == 0, "a draft makes no disagreement"
    assert not any(row.agreed for row in matrix.rows), "nothing is agreed by all while one has still to submit"


def test_the_consensus_page_names_who_has_not_submitted_and_hides_their_drafts(
    client, lead_submitted_second_drafting, lead_reviewer, administrator
):
    assessment, _, _ = lead_submitted_second_drafting
    for person in (lead_reviewer, administrator):
        client.force_login(person)
        body = client.get(reverse("reviews:consensus", args=[assessment.pk])).content.decode()
        assert DRAFT_COMMENT not in body
        assert "Sam Second" in body and "has not submitted" in body
        assert "Sam Second and" not in body and "and Sam Second" not in body, "no agreement pair with a draft"
        assert "consensus-standard disagreement" not in body, "a draft makes no disagreement"
        assert "Agreed by all reviewers</span>" not in body and " selected>" not in body, "nothing filled in yet"


def test_the_consensus_page_uses_both_once_both_have_submitted(client, lead_submitted_second_drafting, lead_reviewer):
    assessment, _, second = lead_submitted_second_drafting
    review_submit(assignment=second, by=second.reviewer)
    client.force_login(lead_reviewer)
    body = client.get(reverse("reviews:consensus", args=[assessment.pk])).content.decode()
    assert DRAFT_COMMENT in body
    assert "Lee Lead-Reviewer and Sam Second" in body
    assert "has not submitted" not in body


def test_a_submitted_reviewer_does_not_see_another_reviewers_draft_while_scoring(
    client, lead_submitted_second_drafting, lead_reviewer
):
    _, lead, _ = lead_submitted_second_drafting
    client.force_login(lead_reviewer)
    body = client.get(reverse("reviews:score_value", args=[lead.pk, "SAF"])).content.decode()
    assert DRAFT_COMMENT not in body
    assert "Sam Second:" not in body


@pytest.mark.parametrize("viewer", ["lead_reviewer", "administrator"])
def test_the_rounds_page_hides_another_reviewers_draft(client, lead_submitted_second_drafting, request, viewer):
    assessment, _, _ = lead_submitted_second_drafting
    client.force_login(request.getfixturevalue(viewer))
    body = client.get(reverse("reviews:rounds", args=[assessment.pk])).content.decode()
    assert DRAFT_COMMENT not in body
    assert "Sam Second" in body and "has not submitted" in body


def test_a_reviewer_still_sees_their_own_draft_on_the_rounds_page(client, lead_submitted_second_drafting):
    assessment, _, second = lead_submitted_second_drafting
    client.force_login(second.reviewer)
    body = client.get(reverse("reviews:rounds", args=[assessment.pk])).content.decode()
    assert DRAFT_COMMENT in body


def visit_data(visited_on):
    return {**date_fields("visited_on", visited_on), "mode": "online", "met": "The manager.", "findings": "Calm wards."}


def test_a_visit_in_the_future_is_refused_keeping_what_was_typed(client, in_review, lead_reviewer):
    client.force_login(lead_reviewer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(reverse("reviews:visit", args=[in_review.pk]), visit_data(tomorrow))
    assert response.status_code == 200
    body = response.content.decode()
    assert "The visit date must be today or in the past" in body
    assert "error-summary" in body
    assert f'name="visited_on_day" value="{tomorrow.day}"' in body and "Calm wards." in body, "what was typed is kept"
    assert not Visit.objects.filter(assessment=in_review).exists()


def test_a_visit_today_is_recorded(client, in_review, lead_reviewer):
    client.force_login(lead_reviewer)
    response = client.post(reverse("reviews:visit", args=[in_review.pk]), visit_data(timezone.localdate()))
    assert response.status_code == 302
    assert Visit.objects.get(assessment=in_review).visited_on == timezone.localdate()
