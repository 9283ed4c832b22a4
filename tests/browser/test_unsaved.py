"""Typed text is not lost without a word: leaving a narrative or a scoring page with unsaved changes asks first, and
saving never does. (Before: following a link or another form's button dropped the narrative silently.)"""

import pytest
from django.urls import reverse

from accreditation.services.assessments import assessment_start
from tests.factories import MembershipFactory, edition_with

from .helpers import Visitor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_leaving_a_standard_with_an_unsaved_narrative_asks_first(live_server, browser, screenshots):
    edition_with(standards_per_value=1)
    lead = MembershipFactory(role="lead", user__email="unsaved@example.org").user
    assessment = assessment_start(service=lead.memberships.get().service, by=lead)
    standard = (
        assessment.responses.select_related("standard")
        .order_by("standard__value__order", "standard__order")
        .first()
        .standard
    )
    person = Visitor(browser, live_server.url, screenshots, [], "unsaved")
    person.sign_in("unsaved@example.org")
    page = person.go(reverse("portfolio:standard", args=[assessment.pk, standard.code]))
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", answer)
    page.get_by_label("Narrative").click()
    page.keyboard.type("Our community meeting is chaired by a resident.")
    page.get_by_role("link", name=f"Add new evidence for {standard.code}").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"], "leaving with unsaved text must ask"
    assert "standards" in page.url and page.get_by_label("Narrative").input_value().startswith("Our community")

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert asked == ["beforeunload"], "saving must not ask"
    assert assessment.responses.get(standard=standard).narrative.startswith("Our community")
    page.get_by_role("link", name=f"Add new evidence for {standard.code}").click()
    page.wait_for_load_state()
    assert asked == ["beforeunload"] and "/evidence/" in page.url, "nothing unsaved: no question"
    person.close()


def test_moving_to_another_value_while_scoring_keeps_the_comments(live_server, browser, screenshots, in_review):
    """Failed before: the value links were plain links, so a comment typed on one value was lost (after the leave-page
    question, or at once without JavaScript) when the reviewer moved to another value. Now they save first."""
    assignment = in_review.assignments.get(is_lead=True)
    code = (
        in_review.responses.filter(standard__value__code="BEL")
        .order_by("standard__order")
        .values_list("standard__code", flat=True)
        .first()
    )
    person = Visitor(browser, live_server.url, screenshots, [], "scoring-tabs")
    person.sign_in(assignment.reviewer.email)
    page = person.go(reverse("reviews:score_value", args=[assignment.pk, "BEL"]))
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.get_by_label(f"Comment on {code}").fill("The community meeting minutes show residents chairing.")
    page.get_by_role("navigation", name="Values").get_by_role("button", name="BOU", exact=False).click()
    page.wait_for_load_state()
    assert asked == [], "saving on the way must not ask"
    assert page.url.endswith(reverse("reviews:score_value", args=[assignment.pk, "BOU"]))
    comment = assignment.scores.get(response__standard__code=code).comment
    assert comment == "The community meeting minutes show residents chairing."
    person.close()
