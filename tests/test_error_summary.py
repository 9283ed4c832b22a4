"""After an error nothing typed is lost, and every problem is in the error summary at the top of the form, as a link
to its field; no form leaves checking to the browser's own bubbles (GOV.UK's error summary and validation pattern)."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from awards.models import Decision
from reviews.models import Assignment
from tests.awards.test_decision_views import decision_data
from tests.conftest import due
from tests.dates import date_fields

pytestmark = pytest.mark.django_db

FORM_TAG = re.compile(r"<form\b[^>]*>", re.S)
# A form that takes typing or choices (not only a button), where a browser would show its own bubble.
FIELD = re.compile(
    r'<input(?![^>]*type="hidden")|<select|<textarea|\{\{[^}]*(?:form|row|field)\b|crispy|\{% include', re.S
)


def summary_of(page: str) -> str:
    start = page.index('class="alert alert-danger error-summary"')
    return page[start : page.index("</div>", start)]


def forms_without_novalidate(html: str) -> list[str]:
    found = []
    for match in FORM_TAG.finditer(html):
        body = html[match.end() : html.find("</form>", match.end())]
        if FIELD.search(body) and "novalidate" not in match.group(0):
            found.append(" ".join(match.group(0).split())[:120])
    return found


def test_every_form_in_the_templates_leaves_checking_to_the_server():
    offenders = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        for tag in forms_without_novalidate(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {tag}")
    assert not offenders, "Add novalidate, so our error summary is shown, not the browser's bubble:\n" + "\n".join(
        offenders
    )


def test_the_form_pages_as_served_have_novalidate_on_every_form(
    client, submitted, administrator, team_lead, team_member, lead_reviewer
):
    assessment = submitted
    code = assessment.responses.select_related("standard").first().standard.code
    pages = [
        (None, reverse("login")),
        (None, reverse("password_reset")),
        (None, reverse("public:verify_form")),
        (team_lead, reverse("password_change")),
        (team_member, reverse("evidence:add", args=[assessment.service_id])),
        (team_member, reverse("evidence:library", args=[assessment.service_id])),
        (team_member, reverse("portfolio:standard", args=[assessment.pk, code])),
        (administrator, reverse("reviews:review", args=[assessment.pk])),
    ]
    for person, url in pages:
        client.logout()
        if person:
            client.force_login(person)
        page = client.get(url).content.decode()
        assert "<form" in page, url
        assert not forms_without_novalidate(page), url


def test_an_assign_error_keeps_the_typed_due_date_and_choices_and_links_to_the_field(
    client, submitted, administrator, lead_reviewer
):
    client.force_login(administrator)
    response = client.post(
        reverse("reviews:assign", args=[submitted.pk]),
        {"reviewer": lead_reviewer.pk, "is_lead": "on", "due_on_day": "31", "due_on_month": "2", "due_on_year": "2027"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page)
    assert "There is a problem" in summary
    assert 'href="#id_due_on_0"' in summary and "Enter a real date" in summary
    for part, value in (("day", "31"), ("month", "2"), ("year", "2027")):
        assert f'name="due_on_{part}" value="{value}"' in page
    assert f'<option value="{lead_reviewer.pk}" selected>' in page
    assert re.search(r'<input type="checkbox" name="is_lead"[^>]*checked', page)
    assert not Assignment.objects.exists()


def test_an_assign_refused_by_the_service_keeps_what_was_typed(client, submitted, administrator, lead_reviewer):
    client.force_login(administrator)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page = client.post(
        reverse("reviews:assign", args=[submitted.pk]),
        {"reviewer": lead_reviewer.pk, **date_fields("due_on", yesterday)},
    ).content.decode()
    summary = summary_of(page)
    assert 'href="#id_due_on_0"' in summary and "today or in the future" in summary
    assert f'name="due_on_day" value="{yesterday.day}"' in page
    assert not Assignment.objects.exists()


def test_a_second_lead_is_refused_on_the_lead_box_and_said_once(client, in_review, administrator, reviewer):
    client.force_login(administrator)
    page = client.post(
        reverse("reviews:assign", args=[in_review.pk]),
        {"reviewer": reviewer.pk, "is_lead": "on", **date_fields("due_on", due())},
    ).content.decode()
    assert 'href="#id_is_lead"' in summary_of(page)
    assert page.count("This review already has a lead reviewer") == 2  # in the summary and by the box, no third
    assert f'<option value="{reviewer.pk}" selected>' in page


def test_an_assign_without_a_reviewer_says_choose_a_reviewer(client, submitted, administrator):
    client.force_login(administrator)
    page = client.post(reverse("reviews:assign", args=[submitted.pk]), date_fields("due_on", due())).content.decode()
    assert re.search(r'href="#id_reviewer"[^>]*>Reviewer: Choose a reviewer</a>', summary_of(page))


def test_a_condition_date_error_is_in_the_error_summary_linked_to_its_day_box(client, report_final, administrator):
    client.force_login(administrator)
    data = decision_data(outcome="deferred", override_reason="More evidence.") | {
        "conditions-TOTAL_FORMS": "2",
        "conditions-1-text": "Show the new rota.",
        "conditions-1-due_on_day": "12",
        "conditions-1-due_on_year": "2027",
    }
    page = client.post(reverse("awards:decision", args=[report_final.pk]), data).content.decode()
    summary = summary_of(page)
    assert 'href="#id_conditions-1-due_on_0"' in summary
    assert "Condition 2 due date: The date must include a month" in summary
    assert not Decision.objects.exists()


def test_a_half_filled_condition_or_panel_row_is_in_the_error_summary(client, report_final, administrator):
    client.force_login(administrator)
    data = decision_data(outcome="deferred", override_reason="More evidence.") | {
        "conditions-TOTAL_FORMS": "1",
        "conditions-0-text": "Show the new rota.",
        "panel-TOTAL_FORMS": "3",
        "panel-2-name": "Pat Panel",
    }
    page = client.post(reverse("awards:decision", args=[report_final.pk]), data).content.decode()
    summary = summary_of(page)
    assert 'href="#id_conditions-0-due_on_0"' in summary and "Enter the date the condition is due by" in summary
    assert 'href="#id_panel-2-name"' in summary
    assert "Panel member 3: Choose the role of Pat Panel on the panel, or clear the name." in summary
    assert 'value="Pat Panel"' in page
    assert not Decision.objects.exists()


def test_a_problem_with_the_whole_form_is_said_once_in_the_summary_not_again_by_crispy_forms():
    from django import forms
    from django.template import Context, Template

    form = forms.Form({})
    form.add_error(None, "The report was finalised in the meantime.")
    html = Template('{% load crispy_forms_tags %}{% include "includes/form_errors.html" %}{{ form|crispy }}').render(
        Context({"form": form})
    )
    assert html.count("The report was finalised in the meantime.") == 1
