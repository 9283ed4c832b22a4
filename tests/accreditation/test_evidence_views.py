"""The evidence library pages: adding, refusing, downloading, versions, links, deleting."""

from pathlib import Path

import pytest
from django.urls import reverse

from accreditation.models import Evidence, Response
from tests.dates import date_fields
from tests.factories import MembershipFactory, ServiceFactory
from tests.files import ALLOWED, upload

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Community meeting minutes",
        "description": "May's meeting.",
        "kind": "meeting",
        **date_fields("effective_on", "2026-05-12"),
        "contributed_by": "service_user",
        "no_personal_data": "on",
    }
    return data | overrides


def test_adding_a_file_from_a_standard_links_it_there(client, assessment, team_member):
    client.force_login(team_member)
    response_row = Response.objects.get(assessment=assessment, standard__code="BEL.1")
    url = reverse("evidence:add", args=[assessment.service_id]) + f"?for={response_row.pk}"
    page = client.get(url).content.decode()
    assert "will be linked to <strong>BEL.1" in page
    response = client.post(url, form_data(owner=team_member.pk, file=upload("minutes.pdf")))
    assert response["Location"] == reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    evidence = Evidence.objects.get()
    assert (evidence.title, evidence.kind, evidence.contributed_by, str(evidence.effective_on)) == (
        "Community meeting minutes",
        "meeting",
        "service_user",
        "2026-05-12",
    )
    assert list(response_row.evidence.all()) == [evidence]


def test_a_refused_upload_keeps_everything_else_that_was_typed(client, service, team_member, settings):
    client.force_login(team_member)
    response = client.post(
        reverse("evidence:add", args=[service.pk]),
        form_data(
            owner=team_member.pk, title="Renamed program", file=upload("report.pdf", b"MZ\x90\x00" + b"\x00" * 300)
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "a Windows program" in page and "Allowed: PDF" in page
    assert 'value="Renamed program"' in page
    assert "May&#x27;s meeting." in page
    assert Evidence.objects.count() == 0
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.*")) if Path(settings.MEDIA_ROOT).exists() else True


def test_the_personal_data_box_must_be_ticked(client, service, team_member):
    client.force_login(team_member)
    data = form_data(owner=team_member.pk)
    del data["no_personal_data"]
    response = client.post(reverse("evidence:add", args=[service.pk]), data)
    assert "Confirm that you have removed anything that identifies a person" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_the_owner_must_be_on_the_team(client, service, team_member, other_member):
    client.force_login(team_member)
    response = client.post(reverse("evidence:add", args=[service.pk]), form_data(owner=other_member.pk))
    assert response.status_code == 200
    assert Evidence.objects.count() == 0


def test_download_is_an_attachment_with_the_stored_type(client, make_evidence, team_member):
    evidence = make_evidence(upload=upload("policy.docx"))
    client.force_login(team_member)
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == ALLOWED["policy.docx"][1]
    assert response["Content-Disposition"] == 'attachment; filename="policy.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == ALLOWED["policy.docx"][0]


def test_a_tampered_file_gives_an_error_not_the_file(client, make_evidence, team_member):
    evidence = make_evidence(upload=upload("minutes.txt"))
    Path(evidence.file.path).write_bytes(b"changed behind our back")
    client.force_login(team_member)
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response.status_code == 409
    assert "not the file that was uploaded" in response.content.decode()
    assert b"changed behind our back" not in response.content


def test_a_written_note_has_nothing_to_download(client, make_evidence, team_member):
    evidence = make_evidence()
    client.force_login(team_member)
    assert client.get(reverse("evidence:download", args=[evidence.pk])).status_code == 404


def test_links_are_set_from_the_evidence_page(client, assessment, make_evidence, team_member):
    evidence = make_evidence()
    chosen = list(Response.objects.filter(assessment=assessment).order_by("pk")[:3])
    client.force_login(team_member)
    page = client.get(reverse("evidence:detail", args=[evidence.pk])).content.decode()
    assert "tick every standard it supports" in page
    client.post(reverse("evidence:links", args=[evidence.pk]), {"responses": [r.pk for r in chosen]})
    assert set(evidence.responses.all()) == set(chosen)
    client.post(reverse("evidence:links", args=[evidence.pk]), {"responses": [chosen[0].pk]})
    assert list(evidence.responses.all()) == [chosen[0]]


def test_the_standards_to_tick_are_grouped_by_value_with_a_filter_and_no_scroll_box(
    client, assessment, make_evidence, team_member
):
    """Before: 20 (in a full edition 45) checkboxes in one small scrolling box, with nothing to find one by."""
    from accreditation.services.evidence import evidence_link

    evidence = make_evidence()
    bou = Response.objects.select_related("assessment", "standard").get(assessment=assessment, standard__code="BOU.2")
    evidence_link(response=bou, evidence=evidence, by=team_member)
    client.force_login(team_member)
    page = client.get(reverse("evidence:detail", args=[evidence.pk])).content.decode()
    assert "standards-checklist" not in page
    assert page.count("data-filter-group") == 10
    legend = '<legend class="fs-6 fw-semibold mb-1"><span class="value-code">BOU</span> '
    assert page.count(legend) == 1 and page.split(legend, 1)[1].split("</legend>")[0].endswith("(1 linked)</span>")
    assert f'value="{bou.pk}" id="link-standard-{bou.pk}" checked>' in page
    assert 'data-filter-list="standard-choices"' in page and "Find a standard by code or title" in page


def test_a_new_version_from_the_page_replaces_the_old(client, assessment, make_evidence, team_member):
    old = make_evidence(upload=upload("minutes.txt"), title="Minutes")
    Response.objects.get(assessment=assessment, standard__code="BEL.1").evidence.add(
        old, through_defaults={"linked_by": team_member}
    )
    client.force_login(team_member)
    page = client.get(reverse("evidence:new_version", args=[old.pk])).content.decode()
    assert 'value="Minutes"' in page
    response = client.post(
        reverse("evidence:new_version", args=[old.pk]),
        form_data(owner=team_member.pk, title="Minutes (approved)", file=upload("minutes.pdf")),
    )
    new = Evidence.objects.get(version=2)
    assert response["Location"] == reverse("evidence:detail", args=[new.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Version 1" in page and "Version 2" in page
    assert list(Response.objects.get(assessment=assessment, standard__code="BEL.1").evidence.all()) == [new]
    old_page = client.get(reverse("evidence:detail", args=[old.pk])).content.decode()
    assert "has been replaced by a newer version" in old_page


def test_a_new_version_can_keep_the_file_and_change_the_details(client, make_evidence, team_member):
    old = make_evidence(upload=upload("minutes.txt"), title="Minutes")
    client.force_login(team_member)
    client.post(reverse("evidence:new_version", args=[old.pk]), form_data(owner=team_member.pk, title="Better title"))
    new = Evidence.objects.get(version=2)
    assert (new.title, new.sha256, new.original_name) == ("Better title", old.sha256, "minutes.txt")
    assert new.file.name != old.file.name


def test_deleting_evidence_asks_first(client, make_evidence, team_member):
    evidence = make_evidence()
    client.force_login(team_member)
    assert "cannot be undone" in client.get(reverse("evidence:delete", args=[evidence.pk])).content.decode()
    response = client.post(reverse("evidence:delete", args=[evidence.pk]))
    assert response["Location"] == reverse("evidence:library", args=[evidence.service_id])
    assert not Evidence.objects.exists()


def test_the_library_searches_filters_and_paginates(client, service, team_member, make_evidence):
    for n in range(30):
        make_evidence(title=f"Minutes {n:02d}", kind="meeting")
    make_evidence(title="Safeguarding policy", kind="policy")
    client.force_login(team_member)
    url = reverse("evidence:library", args=[service.pk])
    page = client.get(url).content.decode()
    assert "31 items" in page and "Page 1 of 2" in page
    page = client.get(url, {"q": "safeguard"}).content.decode()
    assert "1 item found" in page and "Safeguarding policy" in page
    page = client.get(url, {"kind": "policy"}).content.decode()
    assert "Safeguarding policy" in page and "Minutes 00" not in page
    assert "Nothing matches" in client.get(url, {"q": "zebra"}).content.decode()


def test_an_empty_library_explains_what_evidence_is(client, service, team_member):
    client.force_login(team_member)
    page = client.get(reverse("evidence:library", args=[service.pk])).content.decode()
    assert "Your library is empty" in page


@pytest.mark.parametrize("items", [3, 30])
def test_evidence_pages_have_a_fixed_number_of_queries(
    client, assessment, team_member, make_evidence, items, django_assert_num_queries
):
    evidence = [make_evidence(title=f"Item {n}") for n in range(items)]
    responses = list(assessment.responses.select_related("assessment", "standard"))
    for item in evidence:
        for response in responses[:5]:
            response.evidence.add(item, through_defaults={"linked_by": team_member})
    client.force_login(team_member)
    with django_assert_num_queries(7):
        assert client.get(reverse("evidence:library", args=[assessment.service_id])).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(reverse("evidence:detail", args=[evidence[0].pk])).status_code == 200


def test_administrators_can_see_any_library(client, service, administrator, make_evidence):
    make_evidence(title="Visible to admins")
    client.force_login(administrator)
    assert "Visible to admins" in client.get(reverse("evidence:library", args=[service.pk])).content.decode()


def test_a_member_of_two_services_sees_each_library_separately(client, service, make_evidence, team_member):
    second = ServiceFactory(name="Oak House")
    MembershipFactory(user=team_member, service=second)
    make_evidence(service=service, title="Willow item")
    make_evidence(service=second, title="Oak item")
    client.force_login(team_member)
    page = client.get(reverse("evidence:library", args=[second.pk])).content.decode()
    assert "Oak item" in page and "Willow item" not in page
