"""The header fits: one line for every role on a laptop, a collapsed menu on a phone that opens with its button."""

import pytest

from tests.factories import MembershipFactory, UserFactory

from .helpers import Visitor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
# A long but ordinary name: the header must not depend on people having short ones.
ADMIN_NAME = "Alexandra Montgomery-Fitzwilliam"


@pytest.fixture
def people():
    MembershipFactory(role="lead", user__email="lead@example.org", user__full_name="Lena Lead")
    UserFactory(email="admin@example.org", full_name=ADMIN_NAME, is_administrator=True)
    UserFactory(email="reviewer@example.org", full_name="Rhea Reviewer", is_reviewer=True)
    return {
        "anonymous": None,
        "lead": "lead@example.org",
        "reviewer": "reviewer@example.org",
        "admin": "admin@example.org",
    }


def visit(browser, live_server, screenshots, email, name):
    person = Visitor(browser, live_server.url, screenshots, [], name)
    if email:
        person.sign_in(email)
    return person


def height(page, selector) -> float:
    return page.locator(selector).bounding_box()["height"]


def test_the_administrators_navigation_fits_one_line_at_1280(live_server, browser, screenshots, people):
    anonymous = visit(browser, live_server, screenshots, None, "nav-anonymous")
    one_line = height(anonymous.go("/"), "nav.navbar")
    anonymous.close()
    admin = visit(browser, live_server, screenshots, people["admin"], "nav-admin")
    page = admin.go("/")
    page.screenshot(path=str(screenshots / "nav-admin-1280.png"))
    assert height(page, "nav.navbar") == one_line, "the administrator's navigation wraps onto a second line"
    # Everything the administrator had in the header is still one or two clicks away.
    page.get_by_role("link", name="Administration").wait_for()
    page.locator("summary", has_text=ADMIN_NAME).click()
    admin.check("nav-admin-account-open")
    assert admin.accessibility == []
    page.get_by_role("link", name="Change password").click()
    page.wait_for_url("**/account/password/")
    admin.close()


@pytest.mark.parametrize("role", ["anonymous", "lead", "reviewer", "admin"])
def test_on_a_phone_the_menu_collapses_and_opens_with_its_button(live_server, browser, screenshots, people, role):
    person = visit(browser, live_server, screenshots, people[role], f"nav-phone-{role}")
    person.page.set_viewport_size(PHONE)
    page = person.go("/")
    page.screenshot(path=str(screenshots / f"nav-phone-{role}.png"), full_page=True)
    assert height(page, "header") <= 70, "the closed header takes at most one line on a phone"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"

    toggler = page.get_by_role("button", name="Menu")
    register = page.get_by_role("link", name="Register of awards").first
    assert toggler.get_attribute("aria-expanded") == "false"
    assert not page.locator("header").get_by_role("link", name="Register of awards").is_visible()
    # Opened and closed with the keyboard alone.
    toggler.focus()
    page.keyboard.press("Enter")
    page.locator("#site-nav.show").wait_for()
    assert toggler.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Space")
    page.locator("#site-nav:not(.show):not(.collapsing)").wait_for(state="attached")
    assert toggler.get_attribute("aria-expanded") == "false"
    # Opened with a tap (axe-clean, the account menu too), and its links work.
    toggler.click()
    page.locator("#site-nav.show").wait_for()
    if people[role]:
        page.locator("#site-nav summary").click()
    person.check(f"nav-phone-{role}-open")
    assert person.accessibility == []
    register = page.locator("#site-nav").get_by_role("link", name="Register of awards")
    register.click()
    page.wait_for_url("**/register/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    person.close()


def test_without_javascript_the_phone_menu_links_are_still_there(live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    link = page.locator("header").get_by_role("link", name="Register of awards")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/register/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    context.close()
