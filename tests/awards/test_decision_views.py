"""The decision page: the recommendation, the panel's decision recorded while it can be, appeals and conditions."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Appeal, Award, Decision
from awards.services import ConditionDraft
from tests.conftest import decide
from tests.dates import date_fields

pytestmark = pytest.mark.django_db

RECORD = 'id="record-heading"'  # the form that records the decision


def decision_data(*, panel=(("Chris Chair", "chair"), ("Lou Lived", "lived_experience")), **fields):
    """What the check page's confirmation posts: the decision, the panel's rows, no conditions, `confirmed`. (The
    decision form itself posts the same without `confirmed`, and gets the check page.)"""
    data = {
        "confirmed": "yes",
        "outcome": "awarded",
        **date_fields("decided_on", timezone.localdate()),
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
    data = {"outcome": "awarded", **date_fields("decided_on", timezone.localdate()), "rationale": "x"}
    assert client.post(reverse("awards:decision", args=[report_final.pk]), data).status_code == 403
    assert not Decision.objects.exists()


def test_the_page_reads_the_recommendation_in_words(client, report_final, administrator):
    client.force_login(administrator)
    page = client.get(reverse("awards:decision", args=[report_final.pk])).content.decode()
    assert "Recommendation: <strong>Awarded</strong>" in page


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
    decision = Decision.objects.get()
    assert response["Location"] == reverse("awards:decision_recorded", args=[report_final.pk, decision.pk])
    page = client.get(url).content.decode()
    assert f'id="decision-{decision.pk}"' in page
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
    assert "Set out the grounds for the appeal" in client.get(url).content.decode()
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


def test_a_second_administrator_deciding_a_decided_portfolio_is_told_who_decided_what_and_when(
    client, report_final, administrator
):
    """Both opened the page before either decided; the second's decision is not recorded, and they are told whose
    is, with a link to it."""
    from tests.factories import UserFactory

    url = reverse("awards:decision", args=[report_final.pk])
    colleague = UserFactory(is_administrator=True, full_name="Cleo Colleague")
    client.force_login(colleague)
    assert '<input type="hidden" name="latest_seen" id="id_latest_seen">' in client.get(url).content.decode()
    first = decide(report_final, administrator)
    response = client.post(url, decision_data(outcome="not_awarded", override_reason="Concerns."), follow=True)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    recorded = timezone.localtime(first.recorded_at)
    assert (
        f"Ada Admin recorded the panel's decision (Awarded, panel of {first.decided_on:%-d %B %Y}) "
        f"at {recorded:%H:%M on %-d %B %Y}. Yours was not recorded."
    ) in page
    assert f'<a href="{url}#decision-{first.pk}">Read that decision</a>' in page
    assert f'id="decision-{first.pk}"' in page
    assert list(Decision.objects.values_list("outcome", flat=True)) == ["awarded"]


def test_a_deferral_recorded_meanwhile_is_not_overruled_unseen(client, report_final, administrator):
    """The other administrator deferred; this one, on a page opened before, chose Not awarded (a move a deferred
    portfolio can still make): nothing is recorded until they have read the deferral."""
    from tests.factories import UserFactory

    url = reverse("awards:decision", args=[report_final.pk])
    colleague = UserFactory(is_administrator=True, full_name="Cleo Colleague")
    client.force_login(colleague)
    deferral = decide(
        report_final,
        administrator,
        outcome="deferred",
        override_reason="More evidence.",
        conditions=[ConditionDraft("Show the minutes", timezone.localdate() + datetime.timedelta(days=30))],
    )
    page = client.post(url, decision_data(outcome="not_awarded", override_reason="No."), follow=True)
    assert "Ada Admin recorded the panel's decision (Deferred" in html.unescape(page.content.decode())
    assert Decision.objects.count() == 1
    # Having read it, they may record the decision on the conditions.
    data = decision_data(outcome="not_awarded", override_reason="No.", latest_seen=str(deferral.pk))
    assert "/recorded/" in client.post(url, data)["Location"]
    assert Decision.objects.count() == 2


def test_a_double_click_on_record_records_the_decision_once(client, report_final, administrator):
    url = reverse("awards:decision", args=[report_final.pk])
    client.force_login(administrator)
    client.post(url, decision_data())
    response = client.post(url, decision_data(), follow=True)
    assert "You have already recorded this decision; it is recorded once." in response.content.decode()
    assert Decision.objects.count() == 1


@pytest.mark.parametrize(
    ("decided_on", "problem"),
    [
        ("9999-12-31", "The date of the panel cannot be in the future. Give the day it met."),
        (
            (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "The date of the panel cannot be in the future.",
        ),
        ("1900-01-01", "The panel cannot have met before the portfolio was started on"),
        ("0001-01-01", "The panel cannot have met before the portfolio was started on"),
    ],
)
def test_a_decision_date_out_of_range_is_refused_on_the_form(client, report_final, administrator, decided_on, problem):
    """9999-12-31 used to be a 500 (the award's expiry ran past the last date there is)."""
    client.force_login(administrator)
    response = client.post(
        reverse("awards:decision", args=[report_final.pk]), decision_data(**date_fields("decided_on", decided_on))
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert problem in page and "Meets the standards." in page, "the typed rationale is kept"
    assert not Decision.objects.exists() and not Award.objects.exists()
