"""Each form with a date, posted as a person types it into the three boxes: it saves, or says what to fix."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.models import Evidence
from awards.models import Decision
from reviews.models import Assignment, Visit
from tests.accreditation.test_evidence_views import form_data
from tests.awards.test_decision_views import decision_data
from tests.conftest import due
from tests.dates import date_fields
from tests.reviews.test_drafts_and_visit import visit_data

pytestmark = pytest.mark.django_db


def test_new_evidence_offers_today_as_its_date(client, assessment, team_member):
    client.force_login(team_member)
    page = client.get(reverse("evidence:add", args=[assessment.service_id])).content.decode()
    today = timezone.localdate()
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        assert f'name="effective_on_{part}" value="{value}"' in page


def test_evidence_is_saved_with_its_typed_date(client, assessment, team_member):
    client.force_login(team_member)
    response = client.post(
        reverse("evidence:add", args=[assessment.service_id]),
        form_data(owner=team_member.pk)
        | {"effective_on_day": "03", "effective_on_month": "9", "effective_on_year": "2025"},
    )
    assert response.status_code == 302
    assert Evidence.objects.get().effective_on == datetime.date(2025, 9, 3)


def test_an_impossible_date_is_in_the_error_summary_and_what_was_typed_is_kept(client, assessment, team_member):
    client.force_login(team_member)
    data = form_data(owner=team_member.pk) | {
        "effective_on_day": "31",
        "effective_on_month": "2",
        "effective_on_year": "2026",
    }
    response = client.post(reverse("evidence:add", args=[assessment.service_id]), data)
    assert response.status_code == 200
    page = response.content.decode()
    summary = page[page.index("error-summary") : page.index("</ul>", page.index("error-summary"))]
    assert 'href="#id_effective_on_0"' in summary and "Date of the evidence: Enter a real date" in summary
    for part, value in (("day", "31"), ("month", "2"), ("year", "2026")):
        assert f'name="effective_on_{part}" value="{value}"' in page
    assert "Community meeting minutes" in page and not Evidence.objects.exists()


def test_a_reviewer_is_assigned_with_the_typed_due_date(client, submitted, administrator, lead_reviewer):
    client.force_login(administrator)
    client.post(
        reverse("reviews:assign", args=[submitted.pk]),
        {"reviewer": lead_reviewer.pk, "is_lead": "on", **date_fields("due_on", due())},
    )
    assert Assignment.objects.get(reviewer=lead_reviewer).due_on == due()


def test_the_visit_is_saved_with_its_typed_date(client, in_review, lead_reviewer):
    client.force_login(lead_reviewer)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(reverse("reviews:visit", args=[in_review.pk]), visit_data(yesterday))
    assert response.status_code == 302
    assert Visit.objects.get(assessment=in_review).visited_on == yesterday


def test_a_visit_with_no_date_says_enter_the_visit_date(client, in_review, lead_reviewer):
    client.force_login(lead_reviewer)
    data = visit_data(timezone.localdate()) | {"visited_on_day": "", "visited_on_month": "", "visited_on_year": ""}
    page = client.post(reverse("reviews:visit", args=[in_review.pk]), data).content.decode()
    assert "Date of the visit: Enter the visit date" in page
    assert not Visit.objects.filter(assessment=in_review).exists()


def test_a_deferral_is_recorded_with_its_panel_date_and_condition_due_date(client, report_final, administrator):
    client.force_login(administrator)
    today, due_on = timezone.localdate(), timezone.localdate() + datetime.timedelta(days=90)
    data = decision_data(outcome="deferred", override_reason="The panel wants more evidence.") | {
        "conditions-TOTAL_FORMS": "1",
        "conditions-0-text": "Show the new rota.",
        **date_fields("conditions-0-due_on", due_on),
    }
    response = client.post(reverse("awards:decision", args=[report_final.pk]), data)
    assert response.status_code == 302, response.content.decode()
    decision = Decision.objects.get()
    assert decision.decided_on == today
    assert [(condition.text, condition.due_on) for condition in decision.conditions.all()] == [
        ("Show the new rota.", due_on)
    ]


def test_a_half_typed_condition_date_is_refused_on_its_row(client, report_final, administrator):
    client.force_login(administrator)
    data = decision_data(outcome="deferred", override_reason="More evidence.") | {
        "conditions-TOTAL_FORMS": "1",
        "conditions-0-text": "Show the new rota.",
        "conditions-0-due_on_day": "12",
        "conditions-0-due_on_year": "2027",
    }
    page = client.post(reverse("awards:decision", args=[report_final.pk]), data).content.decode()
    assert "The date must include a month" in page
    assert 'name="conditions-0-due_on_day" value="12"' in page
    assert not Decision.objects.exists()
