"""Only the service's team (and administrators) reach its portfolio and evidence; everyone else gets a 404.

The URLs come from the URL configuration, so a new portfolio, evidence or service URL is checked automatically."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import UserFactory
from tests.files import upload
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db

PRIVATE_NAMESPACES = ("services", "portfolio", "evidence")


def private_url_names() -> list[tuple[str, list[str]]]:
    names = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in PRIVATE_NAMESPACES:
            for pattern in entry.url_patterns:
                names.append((f"{entry.namespace}:{pattern.name}", list(pattern.pattern.converters)))
    return names


def test_every_private_namespace_has_urls():
    namespaces = {name.split(":")[0] for name, _ in private_url_names()}
    assert namespaces == set(PRIVATE_NAMESPACES)


@pytest.fixture
def urls(assessment, make_evidence, team_member):
    evidence = make_evidence(upload=upload("minutes.pdf"))
    values = {
        "service_id": assessment.service_id,
        "value_code": "BEL",
        "standard_code": "BEL.1",
        "evidence_id": evidence.pk,
    }
    built = []
    for name, params in private_url_names():
        namespace = name.split(":")[0]
        kwargs = {
            param: values[param] if param != "pk" else (evidence.pk if namespace == "evidence" else assessment.pk)
            for param in params
        }
        built.append(reverse(name, kwargs=kwargs))
    return built


def test_anonymous_visitors_are_sent_to_sign_in_for_every_url(client, urls):
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["member of another service", "reviewer not assigned", "person with no role"])
def test_outsiders_get_404_for_every_url(client, urls, who, other_member):
    person = {
        "member of another service": other_member,
        "reviewer not assigned": UserFactory(is_reviewer=True),
        "person with no role": UserFactory(),
    }[who]
    events = AuditEvent.objects.count()
    client.force_login(person)
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert (
            client.post(url, {"rating": "met", "narrative": "x", "version": 0, "confirm": "on"}).status_code == 404
        ), url
    assert AuditEvent.objects.count() == events


def test_the_team_can_open_every_page(client, urls, team_member, assessment):
    client.force_login(team_member)
    overview = reverse("portfolio:overview", args=[assessment.pk])
    for url in urls:
        response = client.get(url)
        if url == reverse("portfolio:submitted", args=[assessment.pk]):
            # Nothing has been submitted yet: the confirmation page sends the team to its portfolio.
            assert response["Location"] == overview
            continue
        assert response.status_code in (200, 403, 405), url


def test_outsiders_see_no_trace_of_the_service_on_their_home_page(client, assessment, other_member):
    client.force_login(other_member)
    page = client.get(reverse("home")).content.decode()
    assert assessment.service.name not in page
    assert reverse("portfolio:overview", args=[assessment.pk]) not in page
