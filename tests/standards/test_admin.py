import pytest
from django.urls import reverse

from standards.models import Edition
from tests.factories import edition_with
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_published_standard_is_read_only_in_the_admin(client, administrator, edition_2026):
    client.force_login(administrator)
    standard = edition_2026.standards.get(code="BEL.1")
    url = reverse("admin:standards_standard_change", args=[standard.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="statement"' not in page
    assert standard.title in page

    response = client.post(url, {"title": "Changed", "statement": "x", "guidance": "y", "evidence_examples": "z"})
    assert response.status_code == 403
    standard.refresh_from_db()
    assert standard.title != "Changed"


def test_a_published_edition_cannot_be_deleted_in_the_admin(client, administrator, edition_2026):
    client.force_login(administrator)
    response = client.post(reverse("admin:standards_edition_delete", args=[edition_2026.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Edition.objects.filter(pk=edition_2026.pk).exists()


def test_a_draft_standard_can_be_edited_in_the_admin(client, administrator):
    draft = edition_with(standards_per_value=1, status=Edition.Status.DRAFT)
    client.force_login(administrator)
    standard = draft.standards.get(code="BEL.1")
    response = client.get(reverse("admin:standards_standard_change", args=[standard.pk]))
    assert 'name="statement"' in response.content.decode()


def test_the_admin_publish_action_goes_through_the_transition_service(client, administrator):
    draft = edition_with(standards_per_value=1, status=Edition.Status.DRAFT)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:standards_edition_changelist"),
        {"action": "make_published", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "is now published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Edition.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="standards.edition.published", actor=administrator).exists()


def test_people_who_are_not_administrators_cannot_open_the_admin(client, team_lead, reviewer):
    for person in (team_lead, reviewer):
        client.force_login(person)
        response = client.get(reverse("admin:standards_edition_changelist"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
