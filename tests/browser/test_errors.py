"""A form sent with something missing shows our error summary, not the browser's own bubble: the summary takes the
focus, says what to do, links to each field, and what was typed is still there. (Before: the assign form had no
novalidate, so Chromium stopped it with a "Please select an item in the list" bubble; after a server error the
page was reloaded empty.)"""

import datetime

import pytest
from django.urls import reverse

from .helpers import Visitor, fill_date

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_empty_assign_form_shows_the_error_summary_not_a_bubble(
    live_server, browser, screenshots, submitted, administrator, lead_reviewer
):
    accessibility = []
    person = Visitor(browser, live_server.url, screenshots, accessibility, "errors-assign")
    person.sign_in(administrator.email)
    page = person.go(reverse("reviews:review", args=[submitted.pk]))
    form = page.locator("form[action$='/assign/']")
    assert form.evaluate("form => form.noValidate"), "the browser must leave checking to the server"

    form.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    summary.wait_for(timeout=3000)
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    links = {link.get_attribute("href"): link.inner_text() for link in summary.locator("a").all()}
    assert links == {
        "#id_reviewer": "Reviewer: Choose a reviewer",
        "#id_due_on_0": "Review due by: Enter the date the review is due by",
    }
    summary.get_by_role("link", name="Reviewer: Choose a reviewer").click()
    assert page.evaluate("document.activeElement.id") == "id_reviewer"
    person.check("errors-assign-empty")

    # A due date typed, no reviewer chosen: the date is still there beside the error.
    fill_date(page, "Review due by", datetime.date(2099, 6, 15))
    form.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()
    page.locator(".error-summary").wait_for(timeout=3000)
    group = page.get_by_role("group", name="Review due by")
    assert group.get_by_label("Year").input_value() == "2099"
    assert "Enter the date the review is due by" not in page.locator(".error-summary").inner_text()
    person.close()
    assert not accessibility, "\n".join(accessibility)
