"""Two requests at the same moment on a reviewer's work, as a double click or two tabs make them: real threads with
their own connections against PostgreSQL."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from reviews.models import ReviewerScore
from reviews.services.assignments import assignment_create
from workflow.models import AuditEvent

from .conftest import due

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent transactions and row locks need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def at_once(person, posts: list[tuple[str, dict]]) -> list:
    """Each (url, data) posted by `person` from its own browser tab (client) and thread, released together."""
    clients = []
    for _ in posts:
        client = Client()
        client.force_login(person)
        clients.append(client)
    start = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def post(index):
        try:
            start.wait(timeout=10)
            url, data = posts[index]
            responses[index] = clients[index].post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_a_double_click_on_accept_is_never_a_403(submitted, administrator, lead_reviewer):
    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    url = reverse("reviews:assignment", args=[assignment.pk])
    for response in at_once(lead_reviewer, [(url, {"reply": "accept"})] * 2):
        assert response.status_code == 302
        assert response["Location"] == reverse("reviews:score", args=[assignment.pk])
    assert AuditEvent.objects.filter(action="reviews.assignment.accepted").count() == 1


def test_two_tabs_saving_different_scores_at_once_do_not_overwrite_each_other_unseen(in_review, lead_reviewer):
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    bel1 = in_review.responses.get(standard__code="BEL.1")
    url = reverse("reviews:score_value", args=[lead.pk, "BEL"])
    ReviewerScore.objects.create(
        assignment=lead, round=in_review.review_rounds.get(), response=bel1, score="partly_met"
    )
    from reviews.services.scoring import score_version

    seen = {f"version-{bel1.pk}": score_version(ReviewerScore.objects.get(response=bel1))}
    tabs = [
        (url, {f"score-{bel1.pk}": score, f"comment-{bel1.pk}": f"Tab {score}", **seen}) for score in ("met", "not_met")
    ]
    responses = at_once(lead_reviewer, tabs)
    assert sorted(response.status_code for response in responses) == [200, 302], "one saved, one told"
    refused = next(response for response in responses if response.status_code == 200).content.decode()
    assert "Nothing was saved from this page" in refused
    saved = ReviewerScore.objects.get(response=bel1)
    assert saved.comment in refused, "the refused tab shows what is saved now"
