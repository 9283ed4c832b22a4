from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD

axe = Axe()


class Visitor:
    """One person in their own browser context, signed in through the real sign-in page."""

    def __init__(self, browser, base_url, screenshots, accessibility, name):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.screenshots = screenshots
        self.accessibility = accessibility
        self.name = name
        self.console_errors = []
        self.page.on("console", lambda message: self._console(message))

    def _console(self, message):
        if message.type == "error" and "404" not in message.text and "409" not in message.text:
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def go(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def sign_in(self, email, password=PASSWORD):
        page = self.go("/account/sign-in/")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "Signed in as" in page.content(), f"{email} could not sign in"
        return page

    def check(self, label):
        """Screenshot the page and run axe on it, keeping serious and critical violations."""
        self.page.wait_for_load_state()
        self.page.screenshot(path=str(self.screenshots / f"{label}.png"), full_page=True)
        results = axe.run(self.page)
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.accessibility.append(f"{label}: {violation['id']} ({violation['impact']}) {targets}")

    def close(self):
        self.context.close()


def fill_date(page, legend: str, date) -> None:
    """Type a date into the Day, Month and Year boxes of the date whose fieldset has this legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(date.day))
    group.get_by_label("Month").fill(str(date.month))
    group.get_by_label("Year").fill(str(date.year))
