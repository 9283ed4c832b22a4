"""Reviewers' long texts are kept too when the session runs out mid-typing: a scoring comment, a consensus reason, the
report's text. (Before: only the team's pages gave text back; a reviewer's post went to sign-in and was gone.)"""

import pytest
from django.urls import reverse

from reviews.models import ConsensusScore, ReviewerScore, ReviewReport
from reviews.services.scoring import review_submit, scores_save

pytestmark = pytest.mark.django_db

TYPED = "Residents told us the community meeting decides the house rules."


def expire_then_sign_in_again(client, url, data, email, password):
    """Post `data` to `url` as someone whose session has run out, sign in again, and open the page."""
    client.logout()
    response = client.post(url, data)
    assert response["Location"] == f"{reverse('login')}?next={url}", "sent to sign in, back to this page after"
    response = client.post(reverse("login"), {"username": email, "password": password, "next": url})
    assert response["Location"] == url
    return client.get(url).content.decode()


def test_a_scoring_comment_comes_back_after_signing_in(client, in_review, lead_reviewer, password):
    assignment = in_review.assignments.get(reviewer=lead_reviewer)
    response = in_review.responses.filter(standard__value__code="BEL").order_by("standard__order").first()
    url = reverse("reviews:score_value", args=[assignment.pk, "BEL"])
    page = expire_then_sign_in_again(
        client,
        url,
        {f"score-{response.pk}": "partly_met", f"comment-{response.pk}": TYPED, f"version-{response.pk}": ""},
        lead_reviewer.email,
        password,
    )
    assert "We kept what you typed before you were signed out" in page
    assert f"{TYPED}</textarea>" in page
    assert not ReviewerScore.objects.filter(assignment=assignment, comment=TYPED).exists(), "not saved by itself"


def test_a_consensus_reason_comes_back_after_signing_in(client, in_review, lead_reviewer, password):
    for assignment in in_review.assignments.select_related("reviewer"):
        scores_save(
            assignment=assignment,
            entries={r.pk: ("met", "") for r in in_review.responses.all()},
            by=assignment.reviewer,
        )
        review_submit(assignment=assignment, by=assignment.reviewer)
    response = in_review.responses.order_by("standard__value__order", "standard__order").first()
    url = reverse("reviews:consensus", args=[in_review.pk])
    page = expire_then_sign_in_again(
        client,
        url,
        {f"consensus-{response.pk}": "partly_met", f"reason-{response.pk}": TYPED},
        lead_reviewer.email,
        password,
    )
    assert "We kept what you typed before you were signed out" in page
    assert f"{TYPED}</textarea>" in page
    assert not ConsensusScore.objects.exists()


def test_the_report_text_comes_back_after_signing_in(client, in_review, lead_reviewer, password):
    url = reverse("reviews:report", args=[in_review.pk])
    page = expire_then_sign_in_again(
        client,
        url,
        {"strengths": TYPED, "areas_for_development": "", "action_points": ""},
        lead_reviewer.email,
        password,
    )
    assert "We kept what you typed before you were signed out" in page
    assert f"{TYPED}</textarea>" in page
    assert not ReviewReport.objects.filter(strengths=TYPED).exists()


def test_another_reviewer_does_not_get_the_lead_reviewers_report_text(
    client, in_review, lead_reviewer, second_reviewer, password
):
    url = reverse("reviews:report", args=[in_review.pk])
    client.post(url, {"strengths": TYPED})
    client.post(reverse("login"), {"username": second_reviewer.email, "password": password, "next": url})
    assert TYPED not in client.get(url).content.decode()
