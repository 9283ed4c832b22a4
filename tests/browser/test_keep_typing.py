"""Nobody loses what they typed on a standard's page, with JavaScript and without it. (Before: "Link this evidence",
"Unlink" and the next-standard link dropped a typed narrative without a word.)"""

import pytest
from django.urls import reverse

from accreditation.models import Response
from accreditation.services.assessments import assessment_start
from accreditation.services.evidence import evidence_create, evidence_link
from tests.factories import PASSWORD, MembershipFactory, edition_with

from .helpers import Visitor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def a_portfolio(email):
    edition_with(standards_per_value=2)
    lead = MembershipFactory(role="lead", user__email=email).user
    service = lead.memberships.get().service
    assessment = assessment_start(service=service, by=lead)
    minutes = evidence_create(service=service, by=lead, owner=lead, no_personal_data=True, title="Minutes of May")
    charter = evidence_create(service=service, by=lead, owner=lead, no_personal_data=True, title="Ward charter")
    first = assessment.responses.select_related("standard").get(standard__code="BEL.1")
    evidence_link(response=first, evidence=charter, by=lead)
    return assessment, minutes, charter


def narrative(assessment, code="BEL.1") -> str:
    return Response.objects.get(assessment=assessment, standard__code=code).narrative


class NoScriptVisitor(Visitor):
    """A browser with JavaScript switched off."""

    def __init__(self, browser, base_url, screenshots, accessibility, name):
        super().__init__(browser, base_url, screenshots, accessibility, name)
        self.context.close()
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
        self.page = self.context.new_page()


@pytest.mark.parametrize("script", [True, False], ids=["with-javascript", "without-javascript"])
def test_linking_and_unlinking_keep_the_narrative(live_server, browser, screenshots, script):
    email = f"keep-{script}@example.org"
    assessment, minutes, _ = a_portfolio(email)
    kind = Visitor if script else NoScriptVisitor
    accessibility = []
    person = kind(browser, live_server.url, screenshots, accessibility, "keep")
    person.sign_in(email, PASSWORD)
    page = person.go(reverse("portfolio:standard", args=[assessment.pk, "BEL.1"]))
    page.get_by_label("Narrative").fill("Residents chair the community meeting.")
    page.get_by_role("button", name="Link Minutes of May").click()
    page.get_by_role("button", name="Unlink Minutes of May").wait_for()
    assert page.get_by_label("Narrative").input_value() == "Residents chair the community meeting."
    assert page.get_by_text("“Minutes of May” now supports BEL.1.").is_visible()

    page.get_by_label("Narrative").fill("Residents chair the community meeting, and staff take the minutes.")
    page.get_by_role("button", name="Unlink Ward charter").click()
    page.get_by_role("button", name="Link Ward charter").wait_for()
    assert page.get_by_label("Narrative").input_value().endswith("staff take the minutes.")
    if script:  # axe runs in the page: not without JavaScript
        person.check("standard-after-unlink")
    response = Response.objects.get(assessment=assessment, standard__code="BEL.1")
    assert list(response.evidence.all()) == [minutes]
    if script:
        # Only the evidence part was replaced: the text is still in the form, not saved yet, and leaving asks first.
        assert narrative(assessment) == ""
        asked = []
        page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
        page.get_by_role("link", name="Add new evidence for BEL.1").click()
        page.wait_for_timeout(500)
        assert asked == ["beforeunload"]
        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_load_state()
    # Without JavaScript the link and unlink saved the draft with them.
    assert narrative(assessment).endswith("staff take the minutes.")
    person.close()
    assert not accessibility, accessibility


@pytest.mark.parametrize("script", [True, False], ids=["with-javascript", "without-javascript"])
def test_going_to_the_next_standard_keeps_the_narrative(live_server, browser, screenshots, script):
    email = f"next-{script}@example.org"
    assessment, _, _ = a_portfolio(email)
    kind = Visitor if script else NoScriptVisitor
    person = kind(browser, live_server.url, screenshots, [], "next")
    person.sign_in(email, PASSWORD)
    page = person.go(reverse("portfolio:standard", args=[assessment.pk, "BEL.1"]))
    page.get_by_label("Narrative").fill("Typed, then on to the next one.")
    page.get_by_role("navigation", name="Previous and next standard").get_by_role("button").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("portfolio:standard", args=[assessment.pk, "BEL.2"]))
    assert narrative(assessment) == "Typed, then on to the next one."
    person.close()


def test_the_filter_box_narrows_the_evidence_to_link(live_server, browser, screenshots):
    assessment, _, _ = a_portfolio("filter@example.org")
    service = assessment.service
    lead = service.memberships.get().user
    for title in ("Staff survey 2026", "Resident survey 2026", "Fire policy"):
        evidence_create(service=service, by=lead, owner=lead, no_personal_data=True, title=title)
    accessibility = []
    person = Visitor(browser, live_server.url, screenshots, accessibility, "filter")
    person.sign_in("filter@example.org", PASSWORD)
    page = person.go(reverse("portfolio:standard", args=[assessment.pk, "BEL.1"]))
    page.get_by_label("Find evidence by title").fill("survey")
    assert page.get_by_role("button", name="Link Staff survey 2026").is_visible()
    assert page.get_by_role("button", name="Link Resident survey 2026").is_visible()
    assert not page.get_by_role("button", name="Link Fire policy").is_visible()
    assert page.get_by_text("2 items shown").is_visible()
    person.check("standard-evidence-filtered")

    # The evidence's own page: the standards to tick, a group per value, narrowed the same way; a ticked standard
    # hidden by the filter is still sent.
    fire = service.evidence.get(title="Fire policy")
    page = person.go(reverse("evidence:detail", args=[fire.pk]))
    page.get_by_label("BEL.1").check()
    page.get_by_label("Find a standard by code or title").fill("bou.")
    assert page.get_by_label("BOU.1").is_visible() and not page.get_by_label("BEL.1").is_visible()
    assert not page.get_by_role("group", name="BEL").is_visible()
    page.get_by_label("BOU.2").check()
    page.get_by_role("button", name="Save links").click()
    page.wait_for_load_state()
    assert set(fire.responses.values_list("standard__code", flat=True)) == {"BEL.1", "BOU.2"}
    person.check("evidence-standards-grouped")
    person.close()
    assert not accessibility, accessibility


def test_text_typed_when_the_session_ran_out_is_back_after_signing_in(live_server, browser, screenshots):
    from django.contrib.sessions.models import Session

    assessment, _, _ = a_portfolio("expired@example.org")
    person = Visitor(browser, live_server.url, screenshots, [], "expired")
    person.sign_in("expired@example.org", PASSWORD)
    page = person.go(reverse("portfolio:standard", args=[assessment.pk, "BEL.1"]))
    page.get_by_label("Narrative").fill("A long narrative, typed over lunch.")
    Session.objects.all().delete()  # the session runs out while the person types
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert "/account/sign-in/" in page.url
    assert page.get_by_text("You were signed out, so what you typed has not been saved yet.").is_visible()
    page.get_by_label("E-mail address").fill("expired@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("portfolio:standard", args=[assessment.pk, "BEL.1"]))
    assert page.get_by_text("We kept what you typed before you were signed out. Check it and save.").is_visible()
    assert page.get_by_label("Narrative").input_value() == "A long narrative, typed over lunch."
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert narrative(assessment) == "A long narrative, typed over lunch."
    person.close()


def test_the_chosen_file_is_kept_after_a_mistake_elsewhere_in_the_form(live_server, browser, screenshots):
    from accreditation.models import Evidence
    from tests.files import ALLOWED

    assessment, _, _ = a_portfolio("upload@example.org")
    accessibility = []
    person = Visitor(browser, live_server.url, screenshots, accessibility, "upload")
    person.sign_in("upload@example.org", PASSWORD)
    page = person.go(reverse("evidence:add", args=[assessment.service_id]))
    page.get_by_label("Title").fill("Annual report")
    page.get_by_label("File").set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": ALLOWED["minutes.pdf"][0]}]
    )
    page.get_by_role("button", name="Save evidence").click()  # the confirmation box is not ticked
    page.wait_for_load_state()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_text("You chose report.pdf – it is kept; choose another file only to replace it.").is_visible()
    person.check("evidence-form-file-kept")
    page.get_by_label("I confirm this evidence contains no identifiable personal data").check()
    page.get_by_role("button", name="Save evidence").click()
    page.wait_for_load_state()
    evidence = Evidence.objects.get(title="Annual report")
    assert evidence.original_name == "report.pdf" and evidence.has_file
    assert page.get_by_text("“Annual report” is in your evidence library.").is_visible()
    person.close()
    assert not accessibility, accessibility
