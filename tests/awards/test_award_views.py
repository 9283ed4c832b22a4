"""The award page: its status, the versions of the PDF report (download, try again), and what may be done to it."""

import datetime

import pytest
import rules
from django.urls import reverse
from django.utils import timezone

from accreditation.models import Assessment
from awards.models import Appeal, AwardReport
from awards.services import appeal_lodge
from tests.dates import date_fields

pytestmark = pytest.mark.django_db

MANAGE = "Manage the award"
RENEW = "Start the renewal portfolio"
INTERIM = "Record the interim review"


def award_page(client, person, award) -> str:
    client.force_login(person)
    response = client.get(reverse("awards:award", args=[award.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_award_page_shows_the_report_and_polls_while_it_is_made(client, awarded, team_member):
    client.force_login(team_member)
    page = client.get(reverse("awards:award", args=[awarded.reference])).content.decode()
    assert awarded.reference in page and "Download PDF" in page
    assert "hx-trigger" not in page
    AwardReport.objects.filter(award=awarded).update(
        status="generating", lease_expires_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    page = client.get(reverse("awards:award", args=[awarded.reference])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Being made" in page
    fragment = client.get(reverse("awards:report_status", args=[awarded.reference])).content.decode()
    assert fragment.strip().startswith('<div id="reports"')


def test_the_report_downloads_for_the_team_reviewers_and_administrators_only(
    client, awarded, team_member, lead_reviewer, administrator, other_member
):
    url = reverse("awards:report_download", args=[awarded.reference, 1])
    for person in (team_member, lead_reviewer, administrator):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, person
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(other_member)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_outsiders_get_404_on_every_award_and_decision_url(client, awarded, other_member, same_organisation_reviewer):
    from django.urls import URLResolver, get_resolver

    appeal_lodge(decision=awarded.decision, by=awarded.service.memberships.get(role="lead").user, grounds="x")
    values = {
        "pk": awarded.assessment_id,
        "reference": awarded.reference,
        "version": 1,
        "action": "suspend",
        "appeal_id": Appeal.objects.get().pk,
        "condition_id": 1,
        "decision_id": awarded.decision_id,
    }
    urls = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "awards":
            for pattern in entry.url_patterns:
                urls.append(
                    reverse(f"awards:{pattern.name}", kwargs={p: values[p] for p in pattern.pattern.converters})
                )
    assert len(urls) >= 9
    unassigned = __import__("tests.factories", fromlist=["UserFactory"]).UserFactory(is_reviewer=True)
    for person in (other_member, same_organisation_reviewer, unassigned):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person, url)
            assert client.post(url, {"reason": "x", "grounds": "x", "note": "x", "result": "upheld"}).status_code == 404
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302, url
    awarded.refresh_from_db()
    assert awarded.status == "valid"


def test_award_and_decision_pages_have_a_fixed_number_of_queries(client, awarded, administrator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from awards.models import PanelMember

    def counts():
        result = []
        for url in (
            reverse("awards:decision", args=[awarded.assessment_id]),
            reverse("awards:award", args=[awarded.reference]),
            reverse("awards:report_status", args=[awarded.reference]),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    client.force_login(administrator)
    before = counts()
    for version in range(2, 8):
        AwardReport.objects.create(award=awarded, version=version, reason="More", status="ready")
    PanelMember.objects.bulk_create(
        PanelMember(decision=awarded.decision, name=f"M {n}", role="other") for n in range(8)
    )
    assert counts() == before == [11, 5, 4]


def test_try_again_is_offered_to_administrators_only_and_only_for_a_failed_report(
    client, awarded, administrator, team_lead
):
    retry = reverse("awards:report_retry", args=[awarded.reference, 1])
    assert retry not in award_page(client, administrator, awarded)  # ready: nothing to try again
    AwardReport.objects.filter(award=awarded).update(status="failed", error="RuntimeError: font missing", file="")
    page = award_page(client, team_lead, awarded)
    assert "Failed" in page and "font missing" in page
    assert retry not in page and "Try again" not in page and "Download PDF" not in page
    assert client.post(retry).status_code == 403
    page = award_page(client, administrator, awarded)
    assert f'action="{retry}"' in page and "Try again" in page
    response = client.post(retry)
    assert response["Location"] == reverse("awards:award", args=[awarded.reference])
    page = client.get(response["Location"]).content.decode()
    assert "The report is queued again." in page and "Waiting to be made" in page and "Try again" not in page
    assert awarded.reports.get().status == "queued"


def test_a_report_that_is_not_ready_is_neither_offered_nor_downloaded(client, awarded, administrator):
    AwardReport.objects.filter(award=awarded).update(status="generating")
    assert "Download PDF" not in award_page(client, administrator, awarded)
    assert client.get(reverse("awards:report_download", args=[awarded.reference, 1])).status_code == 404


def test_the_renewal_is_offered_to_the_team_lead_and_administrators_while_no_portfolio_is_open(
    client, awarded, administrator, team_lead, team_member, in_the_renewal_window
):
    assert RENEW in award_page(client, administrator, awarded)
    assert RENEW not in award_page(client, team_member, awarded)
    assert not rules.has_perm("awards.renew", team_member, awarded)
    assert RENEW in award_page(client, team_lead, awarded)
    response = client.post(reverse("awards:action", args=[awarded.reference, "renew"]))
    renewal = Assessment.objects.get(service=awarded.service, kind="renewal")
    assert response["Location"] == reverse("portfolio:overview", args=[renewal.pk])
    assert "The renewal portfolio has started" in client.get(response["Location"]).content.decode()
    for person in (team_lead, administrator):
        assert RENEW not in award_page(client, person, awarded), person
        assert not rules.has_perm("awards.renew", person, awarded)


def test_the_interim_review_is_offered_to_administrators_until_it_is_recorded(
    client, awarded, administrator, team_lead
):
    interim = reverse("awards:action", args=[awarded.reference, "interim"])
    assert INTERIM not in award_page(client, team_lead, awarded)
    assert client.get(interim).status_code == 403
    assert f'href="{interim}">{INTERIM}</a>' in award_page(client, administrator, awarded)
    today = timezone.localdate()
    response = client.post(interim, {"confirmed": "yes", **date_fields("completed_on", today)})
    assert response["Location"] == reverse("awards:action_done", args=[awarded.reference, "interim"])
    page = award_page(client, administrator, awarded)
    assert INTERIM not in page and f"(completed {today:%-d %B %Y})" in page


def test_only_administrators_manage_the_award_and_each_change_needs_a_reason(client, awarded, administrator, team_lead):
    suspend = reverse("awards:action", args=[awarded.reference, "suspend"])
    page = award_page(client, team_lead, awarded)
    assert MANAGE not in page and suspend not in page
    assert client.post(suspend, {"reason": "x"}).status_code == 403
    assert client.post(suspend, {"reason": "x", "confirmed": "yes"}).status_code == 403
    page = award_page(client, administrator, awarded)
    assert MANAGE in page and f'action="{suspend}"' in page
    page = client.post(suspend, {"reason": ""}).content.decode()
    assert "There is a problem" in page and "Give the reason; it is recorded and shown to the service." in page
    awarded.refresh_from_db()
    assert awarded.status == "valid"
    client.post(suspend, {"reason": "Safeguarding investigation."})
    client.post(suspend, {"reason": "Safeguarding investigation.", "confirmed": "yes"})
    page = award_page(client, administrator, awarded)
    assert "Lift the suspension" in page
    awarded.refresh_from_db()
    assert awarded.status == "suspended"
    assert client.post(reverse("awards:action", args=[awarded.reference, "unknown"])).status_code == 404
