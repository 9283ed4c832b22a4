import json

import pytest
from django.conf import settings

from accreditation.models import ServiceMembership
from standards.services import edition_load

from .factories import PASSWORD, MembershipFactory, ServiceFactory, UserFactory

EDITION_2026 = settings.BASE_DIR / "fixtures" / "standards" / "edition-2026.json"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Every test gets its own empty folder for uploaded files."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def edition_2026_data():
    return json.loads(EDITION_2026.read_text(encoding="utf-8"))


@pytest.fixture
def edition_2026(db, edition_2026_data):
    edition, _ = edition_load(data=edition_2026_data)
    return edition


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@example.org", full_name="Ada Admin", is_administrator=True)


@pytest.fixture
def reviewer(db):
    return UserFactory(email="reviewer@example.org", full_name="Rhys Reviewer", is_reviewer=True)


@pytest.fixture
def service(db):
    return ServiceFactory(name="Willow Ward")


@pytest.fixture
def team_lead(service):
    return MembershipFactory(
        service=service, role=ServiceMembership.Role.LEAD, user__full_name="Lena Lead", user__email="lead@example.org"
    ).user


@pytest.fixture
def team_member(service):
    return MembershipFactory(
        service=service,
        role=ServiceMembership.Role.MEMBER,
        user__full_name="Mo Member",
        user__email="member@example.org",
    ).user
