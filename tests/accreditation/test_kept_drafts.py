"""Text typed when the session has run out is not lost: it is kept in the new session, the person signs in again and
finds it back in the form, once. (Before: the post was turned away to the sign-in page and the text was gone.)"""

import pytest
from django.test import Client
from django.urls import reverse

from accreditation.middleware import KEPT_DRAFTS
from accreditation.models import Response
from accreditation.services.assessments import response_save

pytestmark = pytest.mark.django_db

TYPED = "Residents chair the community meeting.\r\nStaff take the minutes."


def sign_in(client, email, password, then=""):
    return client.post(f"{reverse('login')}?next={then}", {"username": email, "password": password, "next": then})


def test_a_narrative_posted_after_the_session_ran_out_comes_back_after_signing_in(client, assessment, password):
    url = reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    response = client.post(url, {"rating": "partly_met", "narrative": TYPED, "version": 0, "csrfmiddlewaretoken": "x"})
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={url}"
    kept = client.session[KEPT_DRAFTS][url]["fields"]
    assert kept["narrative"] == [TYPED] and "csrfmiddlewaretoken" not in kept
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out, so what you typed has not been saved yet." in page

    response = sign_in(client, "member@example.org", password, then=url)
    assert response["Location"] == url
    response = client.get(url)
    page = response.content.decode()
    assert "We kept what you typed before you were signed out. Check it and save." in page
    assert "Residents chair the community meeting.\r\nStaff take the minutes.</textarea>" in page
    assert response.context["form"].initial["rating"] == "partly_met"
    assert Response.objects.get(assessment=assessment, standard__code="BEL.1").narrative == "", "not saved by itself"
    again = client.get(url).content.decode()
    assert "We kept what you typed" not in again and "Residents chair" not in again, "shown once, then forgotten"


def test_a_link_pressed_after_the_session_ran_out_brings_the_person_back_to_the_standard(
    client, assessment, password, make_evidence
):
    evidence = make_evidence()
    page_url = reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    response = client.post(
        reverse("portfolio:link", args=[assessment.pk, "BEL.1"]),
        {"rating": "", "narrative": TYPED, "version": 0, "evidence": evidence.pk},
        headers={"Referer": f"http://testserver{page_url}"},
    )
    assert response["Location"] == f"{reverse('login')}?next={page_url}"
    sign_in(client, "member@example.org", password)
    assert "Residents chair the community meeting." in client.get(page_url).content.decode()


def test_with_htmx_the_whole_page_goes_to_sign_in(client, assessment):
    page_url = reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    url = reverse("portfolio:link", args=[assessment.pk, "BEL.1"])
    response = client.post(
        url,
        {"narrative": TYPED, "version": 0},
        headers={"HX-Request": "true", "Referer": f"http://testserver{page_url}"},
    )
    assert response.status_code == 204 and response["HX-Redirect"] == f"{reverse('login')}?next={page_url}"
    assert client.session[KEPT_DRAFTS][page_url]["fields"]["narrative"] == [TYPED]


def test_someone_else_save_in_between_is_not_overwritten(client, assessment, team_lead, password):
    url = reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    client.post(url, {"rating": "met", "narrative": TYPED, "version": 0})
    response_save(
        response=Response.objects.select_related("assessment", "standard").get(
            assessment=assessment, standard__code="BEL.1"
        ),
        rating="met",
        narrative="The lead's text",
        expected_version=0,
        by=team_lead,
    )
    sign_in(client, "member@example.org", password)
    page = client.get(url).content.decode()
    assert 'name="version" value="0"' in page, "typed against version 0"
    response = client.post(url, {"rating": "met", "narrative": TYPED, "version": 0})
    assert response.status_code == 409


def test_it_is_only_offered_to_someone_who_may_edit_the_page(client, submitted, password):
    url = reverse("portfolio:standard", args=[submitted.pk, "BEL.1"])
    client.post(url, {"rating": "met", "narrative": "Typed by someone.", "version": 1})
    sign_in(client, "member@example.org", password)
    page = client.get(url).content.decode()
    assert "Typed by someone." not in page and "We kept what you typed" not in page


def test_a_post_refused_by_the_csrf_check_is_not_kept(assessment):
    client = Client(enforce_csrf_checks=True)
    url = reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    response = client.post(url, {"rating": "met", "narrative": "From another site", "version": 0})
    assert response.status_code == 403
    assert KEPT_DRAFTS not in client.session


def test_passwords_and_oversized_posts_are_not_kept(client, assessment):
    client.post(reverse("password_change"), {"old_password": "a", "new_password1": "b", "new_password2": "b"})
    assert KEPT_DRAFTS not in client.session
    url = reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    client.post(url, {"narrative": "x" * 200_000, "version": 0})
    assert KEPT_DRAFTS not in client.session


def test_a_draft_older_than_a_day_is_not_offered(client, assessment, password):
    url = reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    client.post(url, {"narrative": "Typed long ago", "version": 0})
    session = client.session
    session[KEPT_DRAFTS][url]["at"] -= 2 * 24 * 60 * 60
    session.save()
    sign_in(client, "member@example.org", password)
    assert "Typed long ago" not in client.get(url).content.decode()


def test_the_evidence_form_gets_its_text_back_but_asks_for_the_file_again(client, service, team_member, password):
    url = reverse("evidence:add", args=[service.pk])
    client.post(url + "?for=7", {"title": "Ward charter", "description": "Agreed in May.", "kind": "policy"})
    assert client.session[KEPT_DRAFTS][url]["fields"]["title"] == ["Ward charter"]
    sign_in(client, "member@example.org", password, then=url)
    page = client.get(url).content.decode()
    assert "We kept what you typed before you were signed out, but not the file." in page
    assert 'value="Ward charter"' in page and "Agreed in May.</textarea>" in page


def test_a_page_that_cannot_offer_the_text_back_does_not_promise_it(client, assessment):
    client.post(reverse("portfolio:submit", args=[assessment.pk]), {"confirm": "on", "note": "Some words"})
    assert KEPT_DRAFTS not in client.session
    page = client.get(reverse("login")).content.decode()
    assert "You were signed out, so what you typed" not in page
