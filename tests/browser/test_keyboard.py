"""Forms work with the keyboard alone, and their errors are announced and tied to the fields."""

import pytest

from accreditation.services.assessments import assessment_start
from tests.factories import PASSWORD, MembershipFactory, edition_with

from .helpers import Visitor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def focused(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " cls: document.activeElement.className, text: document.activeElement.textContent.trim().slice(0, 60)})"
    )


def test_signing_in_and_answering_a_standard_with_the_keyboard_alone(live_server, browser, screenshots):
    edition_with(standards_per_value=1)
    lead = MembershipFactory(role="lead", user__email="keys@example.org").user
    assessment = assessment_start(service=lead.memberships.get().service, by=lead)
    person = Visitor(browser, live_server.url, screenshots, [], "keys")
    page = person.go("/")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content", "the skip link comes first"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    page = person.go("/account/sign-in/")
    assert focused(page)["id"] == "id_username", "the sign-in page starts in the e-mail field"

    # A wrong password: the error summary takes the focus and is announced (role=alert).
    page.focus("#id_username")
    page.keyboard.type("keys@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("not-the-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert page.locator(".error-summary").get_attribute("role") == "alert"

    page.focus("#id_password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Signed in as" in page.content()

    # The response form: radio buttons with the arrow keys, the narrative, then Enter on the Save button.
    person.go(f"/portfolio/{assessment.pk}/standards/BEL.1/")
    page.focus("#id_rating_0")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Save"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "BEL.1 saved." in page.content()
    response = assessment.responses.get(standard__code="BEL.1")
    assert (response.rating, response.narrative) == ("partly_met", "Typed without a mouse.")
    person.close()


def test_field_errors_are_tied_to_their_fields_and_linked_from_the_summary(live_server, browser, screenshots):
    MembershipFactory(user__email="errors@example.org")
    person = Visitor(browser, live_server.url, screenshots, [], "errors")
    page = person.sign_in("errors@example.org")
    person.go("/account/password/")
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("lantern-orchard-42")
    page.locator("#id_new_password2").fill("something-else-99")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    field = page.locator("#id_new_password2")
    assert field.get_attribute("aria-invalid") == "true"
    described_by = field.get_attribute("aria-describedby").split()
    error_ids = [identifier for identifier in described_by if "error" in identifier]
    assert error_ids and "not the same" in page.locator(f"#{error_ids[0]}").inner_text()
    summary_link = page.locator(".error-summary a").first
    assert summary_link.get_attribute("href") == "#id_new_password2"
    person.close()
