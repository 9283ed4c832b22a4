"""The whole cycle through the UI only, as the people would do it, with axe on every page type."""

import datetime
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from accreditation.models import Assessment
from awards.models import Award
from tests.factories import MembershipFactory, UserFactory, edition_with

from .helpers import Visitor, fill_date

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def people():
    edition = edition_with(standards_per_value=1)
    lead = MembershipFactory(
        role="lead",
        user__email="lead@example.org",
        user__full_name="Lena Lead",
        service__name="Willow Ward",
        service__organisation__name="Northgate Trust",
    ).user
    return {
        "edition": edition,
        "lead": lead,
        "service": lead.memberships.get().service,
        "admin": UserFactory(email="admin@example.org", full_name="Ada Admin", is_administrator=True),
        "reviewer1": UserFactory(email="rev1@example.org", full_name="Rhea Reviewer", is_reviewer=True),
        "reviewer2": UserFactory(email="rev2@example.org", full_name="Remy Reviewer", is_reviewer=True),
    }


def test_the_whole_cycle_in_a_browser(live_server, browser, screenshots, people, tmp_path):
    accessibility: list[str] = []
    base = live_server.url
    codes = list(people["edition"].standards.order_by("value__order", "order").values_list("code", flat=True))
    visitors = []

    def visitor(name):
        person = Visitor(browser, base, screenshots, accessibility, name)
        visitors.append(person)
        return person

    # --- The team lead builds and submits the portfolio -------------------------------------------------------
    team = visitor("team")
    page = team.sign_in("lead@example.org")
    team.check("01-home-team-lead")
    page.get_by_role("link", name="Start the portfolio for Willow Ward").click()
    team.check("02-service")
    page.get_by_role("button", name="Start the portfolio").click()
    team.check("03-portfolio-overview")
    page.get_by_role("link", name="Evidence library").first.click()
    team.check("04-evidence-library-empty")
    page.get_by_role("link", name="Add your first piece of evidence").click()
    evidence_file = tmp_path / "community-meeting-minutes.pdf"
    evidence_file.write_bytes(PDF)
    page.get_by_label("Title").fill("Community meeting minutes")
    page.get_by_label("Description").fill("Minutes of the weekly community meeting.")
    page.get_by_label("File").set_input_files(str(evidence_file))
    page.get_by_label("I confirm this evidence contains no identifiable personal data").check()
    team.check("05-add-evidence")
    page.get_by_role("button", name="Save evidence").click()
    team.check("06-evidence-detail")
    for checkbox in page.locator("input[name=responses]").all():
        checkbox.check()
    page.get_by_role("button", name="Save links").click()
    assert f"now supports {len(codes)} standards" in page.content()

    page.get_by_role("link", name="Portfolio", exact=True).first.click()
    page.get_by_role("link", name=codes[0]).first.click()
    team.check("07-standard")
    for number, code in enumerate(codes):
        assert code in page.locator("h1").inner_text()
        page.get_by_label("Met", exact=True).check()
        page.get_by_label("Narrative").fill(f"On Willow Ward we live {code} every day.\nResidents chair the meeting.")
        if number + 1 < len(codes):
            page.get_by_role("button", name=re.compile("Save and go to")).first.click()
        else:
            page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("link", name="Portfolio", exact=True).first.click()
    assert f"{len(codes)} of {len(codes)} standards complete" in page.content()
    page.get_by_role("link", name="Submit the portfolio").click()
    team.check("08-submit-check")
    assert "Check your portfolio before you submit it" in page.content()
    page.get_by_label(re.compile("I have checked the portfolio")).check()
    page.get_by_role("button", name="Confirm and submit the portfolio").click()
    assert "Portfolio submitted" in page.locator("h1").inner_text()
    assert Assessment.objects.get().reference in page.content()
    team.check("08-submitted")

    # --- The administrator assigns two reviewers ----------------------------------------------------------------
    admin = visitor("admin")
    page = admin.sign_in("admin@example.org")
    admin.check("09-home-admin")
    page.get_by_role("link", name="Willow Ward").first.click()
    admin.check("10-review-hub-admin")
    due = datetime.date.today() + datetime.timedelta(days=30)
    for reviewer, lead in (("Rhea Reviewer", True), ("Remy Reviewer", False)):
        page.locator("#id_reviewer").select_option(label=reviewer)
        if lead:
            page.get_by_label("Lead reviewer").check()
        fill_date(page, "Review due by", due)
        page.get_by_role("button", name="Assign").click()
        assert "has been asked to review" in page.content()

    # --- Both reviewers accept and score, disagreeing on some standards ----------------------------------------
    def review(email, name, scores, label):
        person = visitor(name)
        page = person.sign_in(email)
        person.check(f"11-home-{label}")
        page.get_by_role("link", name="Accept or decline the invitation to review Willow Ward").click()
        person.check(f"12-invitation-{label}")
        page.get_by_label(re.compile("I accept, and I have no conflict")).check()
        page.get_by_role("button", name="Send my answer").click()
        person.check(f"13-scoring-{label}")
        page.get_by_role("link", name=re.compile("^Start scoring")).click()
        # One value at a time (this edition has one standard per value), each saved on the way to the next.
        for number, (code, score) in enumerate(zip(codes, scores, strict=True)):
            page.get_by_role("group", name=f"Your score for {code}").get_by_label(score, exact=True).check()
            page.get_by_label(f"Comment on {code}").fill(f"{name} on {code}.")
            if number == 0:
                person.check(f"13-scoring-a-value-{label}")
            page.get_by_role("button", name=re.compile("^Save and go to")).click()
            assert "Saved. 1 standard changed." in page.content()
        assert "Every standard is scored" in page.content()
        page.get_by_role("button", name="Submit my scores").click()
        assert "Your scores are submitted" in page.content()
        return person, page

    lead_reviewer, lead_page = review("rev1@example.org", "Rhea", ["Met"] * len(codes), "lead-reviewer")
    second, second_page = review(
        "rev2@example.org", "Remy", ["Partly met", "Not met"] + ["Met"] * (len(codes) - 2), "second-reviewer"
    )
    second_page.locator("table").get_by_role("link").first.click()
    second.check("14-scoring-after-submitting")
    assert "Rhea on" in second_page.content(), "after submitting, the other reviewer's scores show"

    # --- The lead reviewer returns the portfolio with an action point; the team revises and resubmits ----------
    page = lead_page
    page.get_by_role("link", name="Review of Willow Ward").click()
    lead_reviewer.check("15-review-hub-lead")
    page.get_by_role("link", name="Return the portfolio to the team for further work").click()
    lead_reviewer.check("16-return")
    page.get_by_label("Overall: what does the team need to do?").fill("Show how residents shape the ward rules.")
    page.locator("details summary", has_text=codes[0]).click()
    page.get_by_label(f"Action point for {codes[0]}").fill("Add this month's minutes.")
    page.get_by_role("button", name="Return the portfolio to the team").click()
    assert "has gone back to the team" in page.content()

    page = team.page
    page.reload()
    team.go(f"/portfolio/{Assessment.objects.get().pk}/")
    assert "Show how residents shape the ward rules." in page.content()
    team.check("17-portfolio-returned")
    page.get_by_role("link", name=codes[0]).first.click()
    assert "Add this month's minutes." in page.content()
    page.get_by_label("Narrative").fill(f"On Willow Ward we live {codes[0]} every day. Minutes now attached.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("link", name="Portfolio", exact=True).first.click()
    page.get_by_role("link", name="Submit the portfolio").click()
    page.get_by_label(re.compile("I have checked the portfolio")).check()
    page.get_by_role("button", name="Confirm and resubmit the portfolio").click()
    assert "Portfolio resubmitted" in page.content()

    # --- Round 2: the lead resumes, both re-score; consensus, visit, report ------------------------------------
    page = lead_page
    lead_reviewer.go(f"/reviews/assessments/{Assessment.objects.get().pk}/")
    page.get_by_role("button", name="Start reviewing the revised portfolio").click()
    page.get_by_role("link", name="Rounds: what the team sent each time, and what changed").click()
    lead_reviewer.check("18-rounds")
    assert "Minutes now attached." in page.content()
    for person, person_page in ((lead_reviewer, lead_page), (second, second_page)):
        person.go(
            f"/reviews/assignments/{Assessment.objects.get().assignments.get(reviewer__full_name__startswith=person.name).pk}/score/"
        )
        person_page.get_by_role("button", name="Submit my scores").click()
    page.goto(base + f"/reviews/assessments/{Assessment.objects.get().pk}/consensus/")
    lead_reviewer.check("19-consensus")
    assert page.locator(".consensus-standard.disagreement").count() == 2
    for code in codes[2:]:  # both reviewers gave these Met: filled in, to be checked and saved
        assert page.get_by_label(f"Consensus score for {code}").input_value() == "met"
    for code in codes[:2]:
        assert page.get_by_label(f"Consensus score for {code}").input_value() == ""
        page.get_by_label(f"Consensus score for {code}").select_option("met")
    page.get_by_label(f"Reason for {codes[0]}").fill("Weighed the visit findings.")
    page.get_by_role("button", name="Save the consensus").last.click()
    # The missing reason is on its row, and the summary at the top links to it; nothing chosen is lost.
    page.locator(".error-summary").get_by_role("link", name=re.compile(f"Reason for {codes[1]}")).click()
    assert page.get_by_label(f"Reason for {codes[1]}").get_attribute("aria-invalid") == "true"
    assert page.get_by_label(f"Consensus score for {codes[1]}").input_value() == "met"
    assert page.get_by_label(f"Reason for {codes[0]}").input_value() == "Weighed the visit findings."
    lead_reviewer.check("19-consensus-error")
    page.get_by_label(f"Reason for {codes[1]}").fill("Weighed the visit findings.")
    page.get_by_role("button", name="Save the consensus").first.click()
    assert "Consensus saved" in page.content()

    page.goto(base + f"/reviews/assessments/{Assessment.objects.get().pk}/visit/")
    fill_date(page, "Date of the visit", datetime.date.today())
    page.get_by_label("Mode").select_option("in_person")
    page.get_by_label("Who you met").fill("6 residents, 2 nurses, the ward manager")
    page.get_by_label("Findings").fill("A warm, busy ward.")
    lead_reviewer.check("20-visit")
    page.get_by_role("button", name="Save the visit").click()
    page.goto(base + f"/reviews/assessments/{Assessment.objects.get().pk}/report/")
    page.get_by_label("Strengths").fill("Residents and staff run the ward together.")
    page.get_by_label("Areas for development").fill("Weekend activities.")
    page.get_by_label("Action points").fill("Plan weekends with residents.")
    page.get_by_role("button", name="Save the report").click()
    lead_reviewer.check("21-report")
    page.get_by_role("link", name="Release the draft report").click()
    lead_reviewer.check("21-release-check")
    assert "Residents and staff run the ward together." in page.content()
    page.get_by_role("button", name="Confirm and release the draft report").click()
    assert "Draft report released" in page.locator("h1").inner_text()
    lead_reviewer.check("21-released")

    # --- The team comments on the draft; the lead finalises -----------------------------------------------------
    page = team.page
    team.go(f"/reviews/assessments/{Assessment.objects.get().pk}/report/for-the-team/")
    team.check("22-draft-report-team")
    assert "Rhea on" not in page.content() and "Remy on" not in page.content()
    assert "Comments are due by" in page.content()
    page.get_by_label("What is it about?").select_option("Strengths")
    page.get_by_role("textbox", name="Your comment").fill("We have eight residents, not six.")
    page.get_by_role("button", name="Add this comment").click()
    assert "Comment 1: about Strengths" in page.content()
    team.check("22a-team-comments")
    page.get_by_label("I have read the draft report with the team").check()
    page.get_by_role("button", name="Send our comments").click()
    page = lead_page
    page.goto(base + f"/reviews/assessments/{Assessment.objects.get().pk}/report/")
    assert "We have eight residents, not six." in page.content()
    # The lead corrects the draft and answers the comment before finalising.
    page.get_by_label("Strengths").fill("Eight residents and the staff run the ward together.")
    page.get_by_role("button", name="Save the report").click()
    page.get_by_label("Accept: I have corrected the report or the consensus").check()
    page.get_by_label("What you corrected, or why you do not accept it").fill("Strengths now say eight residents.")
    lead_reviewer.check("22b-report-answer")
    page.get_by_role("button", name="Save your answer to comment 1").click()
    assert "Your answer is saved" in page.content()
    page.get_by_role("link", name="Finalise the report").click()
    lead_reviewer.check("22-finalise-check")
    page.get_by_role("button", name="Confirm and finalise the report").click()
    assert "Report finalised" in page.locator("h1").inner_text()
    assert Assessment.objects.get().status == "report_final"

    # --- The administrator records the decision; the PDF is made and downloaded -------------------------------
    page = admin.page
    admin.go(f"/awards/decisions/{Assessment.objects.get().pk}/")
    admin.check("23-decision")
    page.get_by_label("Awarded", exact=True).check()
    page.get_by_label("Rationale").fill("Meets every standard after the revisions.")
    page.get_by_label("Panel member 1: name").fill("Ada Admin")
    page.get_by_label("Panel member 1: role").select_option("chair")
    page.get_by_label("Panel member 2: name").fill("Lou Lived")
    page.get_by_label("Panel member 2: role").select_option("lived_experience")
    page.get_by_role("button", name="Continue").click()
    admin.check("23-decision-check")
    assert "Check the panel's decision before you record it" in page.content()
    # Change keeps everything typed, and opens the form at the answer.
    page.get_by_role("button", name="Change the rationale").click()
    assert page.get_by_label("Rationale").input_value() == "Meets every standard after the revisions."
    assert page.get_by_label("Panel member 2: name").input_value() == "Lou Lived"
    page.get_by_label("Rationale").fill("Meets every standard after the revisions, as the visit showed.")
    page.get_by_role("button", name="Continue").click()
    assert "as the visit showed." in page.content()
    assert not Award.objects.exists(), "nothing is recorded until the administrator confirms"
    page.get_by_role("button", name="Confirm and record the decision").click()
    award = Award.objects.get()
    assert "Award issued" in page.locator("h1").inner_text() and award.reference in page.content()
    admin.check("23-decision-recorded")
    page.get_by_role("link", name=f"award {award.reference}").click()
    admin.check("24-award")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Willow Ward" in text and award.reference in text and "Awarded" in text
    for code in codes:
        assert code in text

    # The interim review, on the date it was completed; a suspension and its lifting, each checked first.
    page.get_by_role("link", name="Record the interim review").click()
    admin.check("24-interim-check")
    page.get_by_role("button", name="Confirm and record the interim review").click()
    assert "Interim review recorded" in page.locator("h1").inner_text()
    admin.check("24-interim-recorded")
    page.get_by_role("link", name=f"Go to award {award.reference}").click()
    page.get_by_label("Why? (recorded, and shown to the service)").first.fill("A complaint is being looked into.")
    page.get_by_role("button", name="Suspend the award").click()
    admin.check("24-suspend-check")
    assert f"Award {award.reference} will be suspended." in page.content()
    page.get_by_role("button", name="Confirm and suspend the award").click()
    assert "Award suspended" in page.locator("h1").inner_text()
    admin.check("24-suspended")
    page.get_by_role("link", name=f"Go to award {award.reference}").click()
    page.get_by_label("Why? (recorded, and shown to the service)").first.fill("The complaint was not upheld.")
    page.get_by_role("button", name="Lift the suspension").click()
    page.get_by_role("button", name="Confirm and lift the suspension").click()
    assert "Suspension lifted" in page.locator("h1").inner_text()

    # --- Anyone can check the certificate, and the register lists the service ---------------------------------
    public = visitor("public")
    page = public.go(f"/verify/{award.verification_code}/")
    public.check("25-verify")
    assert "This award is valid until" in page.content()
    page = public.go("/register/")
    public.check("26-register")
    assert "Willow Ward" in page.content()
    page = public.go("/standards/")
    public.check("27-standards")

    errors = [error for person in visitors for error in person.console_errors]
    for person in visitors:
        person.close()
    assert not accessibility, "axe found serious or critical problems:\n" + "\n".join(accessibility)
    assert not errors, "\n".join(errors)
