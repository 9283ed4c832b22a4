"""The decision page: the recommendation, the panel's decision recorded while it can be, appeals and conditions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Appeal, Award, Decision
from awards.services import ConditionDraft
from tests.conftest import decide

pytestmark = pytest.mark.django_db

RECORD = 'id="record-heading"'  # the form that records the decision


def decision_data(*, panel=(("Chris Chair", "chair"), ("Lou Lived", "lived_experience")), **fields):
    """What the decision form posts: the decision, the panel's rows, no conditions."""
    data = {
        "outcome": "awarded",
        "decided_on": timezone.localdate().isoformat(),
        "rationale": "Meets the standards.",
        "override_reason": "",
        "panel-TOTAL_FORMS": str(len(panel)),
        "panel-INITIAL_FORMS": "0",
        "conditions-TOTAL_FORMS": "0",
        "conditions-INITIAL_FORMS": "0",
    }
    for n, (name, role) in enumerate(panel):
        data |= {f"panel-{n}-name": name, f"panel-{n}-role": role}
    return data | fields


def test_the_decision_page_refuses_a_non_administrator_post(client, report_final, team_lead):
    client.force_login(team_lead)
    data = {"outcome": "awarded", "decided_on": timezone.localdate().isoformat(), "rationale": "x"}
    assert client.post(reverse("awards:decision", args=[report_final.pk]), data).status_code == 403
    assert not Decision.objects.exists()


def test_the_page_reads_the_recommendation_in_words(client, report_final, team_lead):
    client.force_login(team_lead)
    page = client.get(reverse("awards:decision", args=[report_final.pk])).content.decode()
    assert "Recommendation: <strong>Awarded</strong>" in page
    assert RECORD not in page


def test_the_decision_form_waits_for_the_final_report(client, in_review, administrator):
    client.force_login(administrator)
    url = reverse("awards:decision", args=[in_review.pk])
    page = client.get(url).content.decode()
    assert RECORD not in page and "What the award rule recommends" not in page
    assert client.post(url, decision_data()).status_code == 403
    assert not Decision.objects.exists()


def test_an_administrator_records_the_decision_on_the_page_and_sees_the_services_refusal_on_the_form(
    client, report_final, administrator, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    url = reverse("awards:decision", args=[report_final.pk])
    assert RECORD in client.get(url).content.decode()
    refused = client.post(url, decision_data(panel=[("Chris Chair", "chair")]))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "There is a problem" in page and "lived-experience member" in page
    assert not Decision.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, decision_data())
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "The decision is recorded." in page
    award = Award.objects.get(assessment=report_final)
    assert reverse("awards:award", args=[award.reference]) in page
    assert RECORD not in page  # decided: the move is no longer offered


def test_the_team_lead_appeals_on_the_page_and_an_administrator_records_the_outcome(
    client, report_final, administrator, team_lead
):
    decide(report_final, administrator, outcome="not_awarded", override_reason="Concerns at the visit.")
    url = reverse("awards:decision", args=[report_final.pk])
    client.force_login(team_lead)
    assert "Lodge the appeal" in client.get(url).content.decode()
    client.post(reverse("awards:appeal", args=[report_final.pk]), {"grounds": ""})
    assert "This field is required." in client.get(url).content.decode()
    response = client.post(reverse("awards:appeal", args=[report_final.pk]), {"grounds": "Evening groups missed."})
    assert response["Location"] == url
    assert "Your appeal has been lodged" in client.get(url).content.decode()
    appeal = Appeal.objects.get()
    outcome_url = reverse("awards:appeal_outcome", args=[report_final.pk, appeal.pk])
    assert client.post(outcome_url, {"result": "upheld", "note": "x"}).status_code == 403
    client.force_login(administrator)
    assert "Record the outcome" in client.get(url).content.decode()
    client.post(outcome_url, {"result": "upheld", "note": "The panel will reconsider."})
    appeal.refresh_from_db()
    assert appeal.status == "upheld"
    assert "The appeal&#x27;s outcome is recorded." in client.get(url).content.decode()


def test_the_lead_reviewer_marks_a_condition_as_met_on_the_page(client, report_final, administrator, lead_reviewer):
    decision = decide(
        report_final,
        administrator,
        outcome="deferred",
        override_reason="Weekends unclear.",
        conditions=[ConditionDraft("Show the weekend plan.", timezone.localdate() + datetime.timedelta(days=30))],
    )
    condition = decision.conditions.get()
    url = reverse("awards:decision", args=[report_final.pk])
    client.force_login(lead_reviewer)
    assert "Mark as met" in client.get(url).content.decode()
    client.post(reverse("awards:condition_met", args=[report_final.pk, condition.pk]), {"note": "Plan seen."})
    condition.refresh_from_db()
    assert condition.met_at is not None and condition.checked_by == lead_reviewer
    page = client.get(url).content.decode()
    assert "The condition is marked as met." in page and "Mark as met" not in page
