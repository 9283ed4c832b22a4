import pytest
from django.urls import reverse

from standards.models import Edition
from tests.factories import edition_with

pytestmark = pytest.mark.django_db

# Edition + award rule, values, standards, other editions. Pinned: it must not grow with the edition.
EDITION_PAGE_QUERIES = 4
# Edition, its values, the chosen value's standards.
VALUE_PAGE_QUERIES = 3


def test_the_standards_link_goes_to_the_current_edition(client, edition_2026):
    response = client.get(reverse("standards:current"))
    assert response.status_code == 302
    assert response["Location"] == reverse("standards:edition", args=["2026"])


def test_without_a_published_edition_the_standards_page_says_so(client):
    response = client.get(reverse("standards:current"))
    assert response.status_code == 404
    assert "No edition of the standards has been published yet" in response.content.decode()


def test_anyone_can_read_the_whole_edition(client, edition_2026):
    response = client.get(reverse("standards:edition", args=["2026"]))
    assert response.status_code == 200
    page = response.content.decode()
    for value in edition_2026.values.all():
        assert value.name in page
        assert reverse("standards:value", args=["2026", value.code]) in page
    for standard in edition_2026.standards.all():
        assert f'id="{standard.code}"' in page
        assert standard.title.replace("'", "&#x27;") in page
    assert "All essential standards are met." in page
    assert "Guidance for teams" in page and "Examples of evidence" in page


@pytest.mark.parametrize("standards_per_value", [2, 12])
def test_the_edition_page_has_a_fixed_number_of_queries(client, django_assert_num_queries, standards_per_value):
    edition = edition_with(standards_per_value=standards_per_value)
    with django_assert_num_queries(EDITION_PAGE_QUERIES):
        response = client.get(reverse("standards:edition", args=[edition.code]))
    assert response.content.decode().count('class="standard ') == 10 * standards_per_value


@pytest.mark.parametrize("standards_per_value", [2, 12])
def test_the_value_page_has_a_fixed_number_of_queries(client, django_assert_num_queries, standards_per_value):
    edition = edition_with(standards_per_value=standards_per_value)
    with django_assert_num_queries(VALUE_PAGE_QUERIES):
        response = client.get(reverse("standards:value", args=[edition.code, "SAF"]))
    assert response.content.decode().count('class="standard ') == standards_per_value


def test_a_value_page_shows_its_standards_with_guidance_and_neighbours(client, edition_2026):
    response = client.get(reverse("standards:value", args=["2026", "bou"]))
    assert response.status_code == 200
    page = response.content.decode()
    value = edition_2026.values.get(code="BOU")
    for standard in value.standards.all():
        assert standard.guidance.replace("'", "&#x27;")[:60] in page
    assert 'rel="prev"' in page and "BEL Belonging" in page
    assert 'rel="next"' in page and "COM Communication" in page


def test_an_unknown_value_or_edition_is_not_found(client, edition_2026):
    assert client.get(reverse("standards:value", args=["2026", "XYZ"])).status_code == 404
    assert client.get(reverse("standards:edition", args=["1999"])).status_code == 404


def test_a_draft_edition_is_hidden_from_everyone_but_administrators(client, administrator, team_member, password):
    draft = edition_with(standards_per_value=1, status=Edition.Status.DRAFT)
    url = reverse("standards:edition", args=[draft.code])
    assert client.get(url).status_code == 404
    assert client.get(reverse("standards:value", args=[draft.code, "BEL"])).status_code == 404
    client.force_login(team_member)
    assert client.get(url).status_code == 404
    client.force_login(administrator)
    response = client.get(url)
    assert response.status_code == 200
    assert "This edition is a <strong>draft</strong>" in response.content.decode()


def test_a_retired_edition_can_still_be_read_and_says_it_is_retired(client):
    retired = edition_with(standards_per_value=1, status=Edition.Status.RETIRED)
    response = client.get(reverse("standards:edition", args=[retired.code]))
    assert response.status_code == 200
    assert "has been <strong>retired</strong>" in response.content.decode()
