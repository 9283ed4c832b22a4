"""Issue 13 (pa11y, WCAG 3.2.2): a consensus page that cannot be changed is not a form without a button."""

import pytest
from django.urls import reverse

from .test_drafts_and_visit import lead_submitted_second_drafting  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_someone_who_cannot_change_the_consensus_gets_no_form(client, lead_submitted_second_drafting, administrator):  # noqa: F811
    assessment, _, _ = lead_submitted_second_drafting
    client.force_login(administrator)
    body = client.get(reverse("reviews:consensus", args=[assessment.pk])).content.decode()
    assert "Save the consensus" not in body
    assert '<form method="post" novalidate' not in body


def test_the_lead_reviewer_who_can_change_it_gets_the_form(client, lead_submitted_second_drafting, lead_reviewer):  # noqa: F811
    assessment, _, _ = lead_submitted_second_drafting
    client.force_login(lead_reviewer)
    body = client.get(reverse("reviews:consensus", args=[assessment.pk])).content.decode()
    assert '<form method="post" novalidate' in body
    assert "Save the consensus" in body
