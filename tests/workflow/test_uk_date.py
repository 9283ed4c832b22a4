"""The three-box date (`workflow.forms.UKDateField`): what it accepts and what it tells a person to fix."""

import datetime

import pytest
from django import forms

from workflow.forms import UKDateField


class VisitDate(forms.Form):
    visited_on = UKDateField(label="Date of the visit", error_messages={"required": "Enter the visit date"})


class OptionalDate(forms.Form):
    due_on = UKDateField(label="Due", required=False)


def errors_for(day, month, year, form_class=VisitDate):
    name = next(iter(form_class.base_fields))
    form = form_class({f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})
    return form, form.errors.get(name)


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("27", "3", "2026", datetime.date(2026, 3, 27)),
        ("03", "09", "2026", datetime.date(2026, 9, 3)),
        (" 3 ", " 9\t", " 2026 ", datetime.date(2026, 9, 3)),
        ("29", "2", "2028", datetime.date(2028, 2, 29)),
        ("31", "12", "9999", datetime.date(9999, 12, 31)),
        ("1", "1", "0001", datetime.date(1, 1, 1)),
    ],
)
def test_a_real_date_is_accepted(day, month, year, expected):
    form, errors = errors_for(day, month, year)
    assert errors is None and form.cleaned_data["visited_on"] == expected


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the visit date"),
        ("  ", "", " ", "Enter the visit date"),
        ("27", "", "2026", "The date must include a month"),
        ("", "3", "2026", "The date must include a day"),
        ("27", "3", "", "The date must include a year"),
        ("", "", "2026", "The date must include a day and a month"),
        ("31", "2", "2026", "Enter a real date"),
        ("29", "2", "2026", "Enter a real date"),
        ("0", "3", "2026", "Enter a real date"),
        ("27", "13", "2026", "Enter a real date"),
        ("1", "1", "0000", "Enter a real date"),
        ("27", "3", "26", "The year must be 4 digits"),
        ("27", "3", "20266", "The year must be 4 digits"),
        ("27", "March", "2026", "Enter the day, month and year as numbers, for example 27 3 2026"),
        ("²", "3", "2026", "Enter the day, month and year as numbers, for example 27 3 2026"),
        ("-1", "3", "2026", "Enter the day, month and year as numbers, for example 27 3 2026"),
        ("127", "3", "2026", "Enter the day, month and year as numbers, for example 27 3 2026"),
        ("27", "3", "9" * 5000, "The year must be 4 digits"),
    ],
)
def test_each_problem_says_what_to_do(day, month, year, message):
    _, errors = errors_for(day, month, year)
    assert errors == [message]


def test_an_optional_date_may_be_left_empty_but_not_half_typed():
    form, errors = errors_for("", "", "", OptionalDate)
    assert errors is None and form.cleaned_data["due_on"] is None
    _, errors = errors_for("1", "", "", OptionalDate)
    assert errors == ["The date must include a month and a year"]


def test_the_field_is_a_fieldset_of_three_labelled_numeric_boxes_with_a_uk_hint():
    html = str(VisitDate(initial={"visited_on": datetime.date(2026, 3, 7)})["visited_on"])
    assert "For example, 27 3 2026" in html
    for part, value, size in (("day", 7, 2), ("month", 3, 2), ("year", 2026, 4)):
        assert f'name="visited_on_{part}" value="{value}"' in html
        assert f">{part.capitalize()}</label>" in html
        assert f'size="{size}"' in html
    assert html.count('inputmode="numeric"') == 3 and 'type="date"' not in html
    assert VisitDate()["visited_on"].use_fieldset


def test_what_was_typed_is_shown_again_when_it_is_wrong():
    form, _ = errors_for("31", "2", "2026")
    html = str(form["visited_on"])
    assert 'name="visited_on_day" value="31"' in html and 'name="visited_on_year" value="2026"' in html
    assert 'aria-invalid="true"' in html and "visited_on_error" in html
