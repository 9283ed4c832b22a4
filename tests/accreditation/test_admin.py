"""The administrators' tool: every list and form opens, and team changes are audited."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accreditation.models import ServiceMembership
from tests.factories import MembershipFactory, ServiceFactory, UserFactory
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_add_page_opens(client, administrator, edition_2026, team_lead):
    client.force_login(administrator)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(changelist, {"q": "a"})
        assert response.status_code == 200, changelist
        if model_admin.has_add_permission(type("R", (), {"user": administrator})()):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert client.get(add).status_code == 200, add
        first = model.objects.first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change


def test_adding_a_team_member_in_the_admin_is_audited(client, administrator, service):
    person = UserFactory(full_name="New Person")
    client.force_login(administrator)
    url = reverse("admin:accreditation_service_change", args=[service.pk])
    data = {
        "organisation": service.organisation.pk,
        "name": service.name,
        "setting_type": service.setting_type,
        "region": service.region,
        "address": "",
        "joined_on": service.joined_on.isoformat(),
        "portfolio_due_on": service.portfolio_due_on.isoformat(),
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": person.pk,
        "memberships-0-role": "lead",
        "memberships-0-service": service.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ServiceMembership.objects.get(service=service, user=person).role == "lead"
    event = AuditEvent.objects.get(action="accreditation.membership.added")
    assert (event.actor, event.to_state) == (administrator, "lead")


def test_granting_a_programme_role_in_the_admin_is_audited(client, administrator):
    person = UserFactory(full_name="Future Reviewer")
    client.force_login(administrator)
    url = reverse("admin:accreditation_user_change", args=[person.pk])
    response = client.post(
        url,
        {
            "email": person.email,
            "full_name": person.full_name,
            "is_reviewer": "on",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.is_reviewer
    assert AuditEvent.objects.filter(action="accreditation.user.reviewer_granted", actor=administrator).exists()


def test_the_audit_trail_is_read_only_in_the_admin(client, administrator, edition_2026):
    client.force_login(administrator)
    event = AuditEvent.objects.first()
    page = client.get(reverse("admin:workflow_auditevent_change", args=[event.pk])).content.decode()
    assert 'name="_save"' not in page
    assert client.post(reverse("admin:workflow_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403


def test_the_service_list_has_a_fixed_number_of_queries(client, administrator, django_assert_max_num_queries):
    client.force_login(administrator)
    for size in (2, 20):
        for _ in range(size):
            MembershipFactory(service=ServiceFactory())
        with django_assert_max_num_queries(12):
            assert client.get(reverse("admin:accreditation_service_changelist")).status_code == 200
