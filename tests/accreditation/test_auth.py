"""Signing in and out, changing and resetting a password."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_and_password_goes_home(client, team_member, password):
    response = client.post(reverse("login"), {"username": "Member@Example.org", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == team_member
    assert "Signed in as Mo Member" in response.content.decode()


def test_a_wrong_password_says_so_without_saying_which_part_was_wrong(client, team_member):
    response = client.post(reverse("login"), {"username": "member@example.org", "password": "not-it"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "do not match an account" in page
    assert 'value="member@example.org"' in page, "the e-mail address typed is kept"
    assert not response.context["user"].is_authenticated


def test_sign_in_keeps_where_the_person_was_going(client, team_member, password):
    target = reverse("password_change")
    response = client.get(target)
    assert response.status_code == 302
    login_page = client.get(response["Location"])
    assert f'name="next" value="{target}"' in login_page.content.decode()
    response = client.post(reverse("login"), {"username": "member@example.org", "password": password, "next": target})
    assert response["Location"] == target


def test_sign_out_is_a_post_and_ends_the_session(client, team_member):
    client.force_login(team_member)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_password_change(client, team_member, password):
    client.force_login(team_member)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "lantern-orchard-42", "new_password2": "lantern-orchard-42"},
    )
    assert response["Location"] == reverse("password_change_done")
    team_member.refresh_from_db()
    assert team_member.check_password("lantern-orchard-42")


def test_password_validators_are_on(client, team_member, password):
    client.force_login(team_member)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    assert "on a list of passwords many people use" in response.content.decode()


def test_passwords_are_hashed_with_argon2_in_production(settings):
    from accreditation.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_password_reset_flow(client, team_member, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "member@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["member@example.org"]
    assert message.subject == "Reset your Enabling Environments password"
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", message.body).group(1)

    response = client.get(link)
    assert response.status_code == 302  # Django swaps the token for a session-held one
    form_url = response["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": "kettle-meadow-73", "new_password2": "kettle-meadow-73"})
    assert response["Location"] == reverse("password_reset_complete")
    team_member.refresh_from_db()
    assert team_member.check_password("kettle-meadow-73")

    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_repeated_wrong_passwords_lock_the_account_for_a_while_with_a_clear_message(
    client, team_member, password, settings, caplog
):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for _ in range(2):
        response = client.post(url, {"username": "member@example.org", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url, {"username": "member@example.org", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    response = client.post(url, {"username": "member@example.org", "password": password})
    assert response.status_code == 429, "even the right password waits for the cool-off"
    assert any("AXES" in record.getMessage() or "axes" in record.name for record in caplog.records)


def test_refused_pages_are_logged(client, team_member, caplog):
    import logging

    client.force_login(team_member)
    with caplog.at_level(logging.WARNING, logger="accreditation.security"):
        client.get("/portfolio/999999/")
    assert any("Refused GET /portfolio/999999/ with 404" in record.getMessage() for record in caplog.records)


def test_the_lockout_page_says_how_long_to_wait_from_the_settings(client, team_member, settings):
    import datetime

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    for _ in range(2):
        response = client.post(reverse("login"), {"username": "member@example.org", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 429
    assert "paused for 30 minutes after 2 wrong passwords" in page
    assert "Wait 30 minutes, then sign in again." in page
