"""Check the panel's decision before it is recorded, and a confirmation page after (accreditation/views/confirm.py):
the check page changes nothing, the confirmation records it once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Award, AwardReferenceCounter, Decision
from tests.awards.test_decision_views import decision_data
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def form_data(**fields):
    """What the decision form posts (the first step): no `confirmed`."""
    data = decision_data(**fields)
    del data["confirmed"]
    return data


def nothing_recorded():
    return not Decision.objects.exists() and not Award.objects.exists() and not AwardReferenceCounter.objects.exists()


def test_the_form_leads_to_a_check_page_that_changes_nothing(
    client, report_final, administrator, django_capture_on_commit_callbacks
):
    """Recording used to happen on the form's one click."""
    client.force_login(administrator)
    url = reverse("awards:decision", args=[report_final.pk])
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(url, form_data())
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Check the panel&#x27;s decision before you record it</h1>" in page
    today = timezone.localdate()
    valid_until = today.replace(year=today.year + 3) - datetime.timedelta(days=1)
    assert f"until {valid_until:%-d %B %Y}" in page, "the award's dates, as the service would set them"
    assert f"The team can appeal until {today + datetime.timedelta(days=28):%-d %B %Y}." in page
    assert "Chris Chair (chair)" in page and "Meets the standards." in page
    assert '<input type="hidden" name="rationale" value="Meets the standards.">' in page
    assert f'formaction="{url}#id_rationale"' in page
    assert "Confirm and record the decision" in page and "You cannot change a decision once it is recorded" in page
    assert nothing_recorded() and AuditEvent.objects.count() == events and not queued


def test_a_refusal_shows_on_the_form_before_the_check_page(client, report_final, administrator):
    client.force_login(administrator)
    url = reverse("awards:decision", args=[report_final.pk])
    page = client.post(url, form_data(outcome="not_awarded")).content.decode()
    assert "There is a problem" in page and "Say why the panel decided otherwise" in page
    assert "Confirm and record the decision" not in page and nothing_recorded()


def test_change_goes_back_to_the_form_with_everything_typed(client, report_final, administrator):
    client.force_login(administrator)
    url = reverse("awards:decision", args=[report_final.pk])
    page = client.post(url, form_data() | {"change": "id_rationale"}).content.decode()
    assert 'id="record-heading"' in page and "Meets the standards.</textarea>" in page
    assert 'value="Lou Lived"' in page and "There is a problem" not in page
    assert nothing_recorded()


def test_confirming_records_once_and_confirms_with_the_award_reference(client, report_final, administrator):
    client.force_login(administrator)
    url = reverse("awards:decision", args=[report_final.pk])
    response = client.post(url, decision_data())
    decision = Decision.objects.get()
    recorded = reverse("awards:decision_recorded", args=[report_final.pk, decision.pk])
    assert response["Location"] == recorded
    award = Award.objects.get()
    page = client.get(recorded).content.decode()
    assert '<h1 class="confirmation-panel-title">Award issued</h1>' in page
    assert f"<strong>{award.reference}</strong>" in page and decision.reference in page
    assert "What happens next" in page and reverse("awards:award", args=[award.reference]) in page
    again = client.post(url, decision_data(), follow=True)
    assert again.redirect_chain[-1][0] == recorded
    assert "You have already recorded this decision; it is recorded once." in again.content.decode()
    assert Decision.objects.count() == 1 and Award.objects.count() == 1


def test_a_not_awarded_decision_confirms_with_the_decision_reference(client, report_final, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("awards:decision", args=[report_final.pk]),
        decision_data(outcome="not_awarded", override_reason="Concerns at the visit."),
        follow=True,
    )
    decision = Decision.objects.get()
    page = response.content.decode()
    assert "Decision recorded" in page and f"<strong>{decision.reference}</strong>" in page
    assert not Award.objects.exists()


def test_the_confirmation_page_is_for_administrators(
    client, report_final, administrator, team_lead, other_member, django_assert_num_queries
):
    client.force_login(administrator)
    client.post(reverse("awards:decision", args=[report_final.pk]), decision_data())
    decision = Decision.objects.get()
    recorded = reverse("awards:decision_recorded", args=[report_final.pk, decision.pk])
    # Session, user, the assessment, the decision, its award.
    with django_assert_num_queries(5):
        assert client.get(recorded).status_code == 200
    assert client.get(reverse("awards:decision_recorded", args=[report_final.pk, decision.pk + 1])).status_code == 404
    client.force_login(team_lead)
    assert client.get(recorded)["Location"].endswith(f"#decision-{decision.pk}")
    client.force_login(other_member)
    assert client.get(recorded).status_code == 404
