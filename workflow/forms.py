"""Form pieces every app's forms share. It sits in the lowest layer so any forms module can import it."""

import datetime
import re

from django import forms

ONE_OR_TWO_DIGITS = re.compile(r"[0-9]{1,2}")
DIGITS = re.compile(r"[0-9]+")
PARTS = ("day", "month", "year")


def _django_default(field: forms.Field, code: str) -> bool:
    """Whether the field's message for `code` is still the one Django gives every field of its kind."""
    current = field.error_messages.get(code)
    return current is None or any(
        current == getattr(cls, "default_error_messages", {}).get(code) for cls in type(field).__mro__
    )


def say_what_to_do(field: forms.Field) -> forms.Field:
    """Replace Django's generic messages on `field` ("Ensure this value has at most 3000 characters", "Select a valid
    choice") with ones that say what to do, worded from its label: "Reason must be 3,000 characters or fewer".

    A field's message for a missing answer names the answer and cannot be guessed from a label: each required field
    gives it where it is declared (`error_messages={"required": "Enter the visit date"}`); tests/test_form_messages.py
    finds any that does not."""
    label = str(field.label or "The answer").rstrip("?:")
    own = {
        "invalid_choice": "Choose one of the options shown. The page may be out of date: reload it and try again.",
        "invalid_pk_value": "Choose one of the options shown. The page may be out of date: reload it and try again.",
        "invalid_list": "Choose from the options shown.",
        "empty": "The chosen file is empty. Choose a file that has something in it.",
        "missing": "Choose a file to upload.",
        "contradiction": "Either choose a file or tick the box to remove it, not both.",
    }
    if isinstance(field, forms.EmailField):
        own["invalid"] = "Enter an e-mail address in the right format, like name@example.org"
    elif isinstance(field, forms.FileField):
        own["invalid"] = "Choose a file to upload."
    elif isinstance(field, forms.IntegerField):
        own["invalid"] = f"{label} must be a whole number, like 3"
    for code, message in own.items():
        # A validator's message (the e-mail address check's) is replaced by the field's own for its code.
        if (code in field.error_messages or code == "invalid") and _django_default(field, code):
            field.error_messages[code] = message
    if getattr(field, "min_value", None) is not None and _django_default(field, "min_value"):
        field.error_messages["min_value"] = f"{label} must be {field.min_value} or more"
    if getattr(field, "max_value", None) is not None and _django_default(field, "max_value"):
        field.error_messages["max_value"] = f"{label} must be {field.max_value} or less"
    if getattr(field, "max_length", None) and _django_default(field, "max_length"):
        noun = "characters" if not isinstance(field, forms.FileField) else "characters in its name"
        field.error_messages["max_length"] = f"{label} must be {field.max_length:,} {noun} or fewer"
    return field


class SaysWhatToDo:
    """A form whose every field's messages say what to do (see `say_what_to_do`). Put it first among the bases."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            say_what_to_do(field)


class UKDateInput(forms.MultiWidget):
    """The GOV.UK Design System's date input: Day, Month and Year as three numeric text boxes in a fieldset.

    A browser's own date picker shows dates in the order of the browser's locale (often mm/dd/yyyy), which misleads
    people on a UK service; three labelled boxes cannot be misread. Posted as `<name>_day`, `<name>_month` and
    `<name>_year`."""

    template_name = "widgets/uk_date_input.html"

    def __init__(self, attrs=None):
        # Text, not number, inputs: a number box drops a leading zero and changes with the scroll wheel.
        # `size` gives the boxes their widths (2, 2 and 4 digits) without inline styles, which the CSP refuses.
        # The class is Bootstrap's for a page that draws the widget without crispy-forms, which replaces it.
        numeric = {"class": "form-control", "inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        super().__init__(
            {
                "day": forms.TextInput({**numeric, "size": 2}),
                "month": forms.TextInput({**numeric, "size": 2}),
                "year": forms.TextInput({**numeric, "size": 4}),
            },
            attrs,
        )

    def id_for_label(self, id_):
        # The error summary links here: to the Day box, where the date begins.
        return f"{id_}_0" if id_ else ""

    def decompress(self, value):
        if isinstance(value, str):
            # An initial value given as an ISO date (from a query string or a test) is shown as its parts.
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        field_id = widget["attrs"].get("id", name)
        widget["hint_id"] = f"{field_id}_hint"
        # Django marks a field with errors aria-invalid; the boxes then point at the error too, by Django's id for it.
        widget["invalid"] = widget["attrs"].get("aria-invalid") == "true"
        described_by = f"{field_id}_hint {field_id}_error" if widget["invalid"] else f"{field_id}_hint"
        for subwidget, part in zip(widget["subwidgets"], PARTS, strict=True):
            subwidget["label"] = part.capitalize()
            subwidget["attrs"]["aria-describedby"] = described_by
        return context


class UKDateField(forms.MultiValueField):
    """A date typed as day, month and year, checked with messages that say what to fix (GOV.UK's date pattern).

    What was typed is kept on the page when it is wrong, since the widget shows the posted parts again. Pass
    `error_messages={"required": "Enter the visit date"}` to name the date in the message for a missing date."""

    widget = UKDateInput
    default_error_messages = {
        "required": "Enter the date",
        "incomplete": "The date must include a {missing}",
        "numbers": "Enter the day, month and year as numbers, for example 27 3 2026",
        "year": "The year must be 4 digits",
        "invalid": "Enter a real date",
    }

    def __init__(self, **kwargs):
        # The parts are checked together in clean(): one message for the date, not one per box.
        parts = [forms.CharField(required=False) for _ in PARTS]
        super().__init__(parts, require_all_fields=False, **kwargs)

    def clean(self, value):
        if not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        day, month, year = (str(part if part is not None else "").strip() for part in [*value, None, None, None][:3])
        if not (day or month or year):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [name for name, part in zip(PARTS, (day, month, year), strict=True) if not part]
        if missing:
            raise forms.ValidationError(
                self.error_messages["incomplete"].format(missing=" and a ".join(missing)), code="incomplete"
            )
        if not (ONE_OR_TWO_DIGITS.fullmatch(day) and ONE_OR_TWO_DIGITS.fullmatch(month) and DIGITS.fullmatch(year)):
            raise forms.ValidationError(self.error_messages["numbers"], code="numbers")
        if len(year) != 4:
            raise forms.ValidationError(self.error_messages["year"], code="year")
        try:
            date = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        self.run_validators(date)
        return date


def formset_errors(formset: forms.BaseFormSet, row: str) -> list[tuple[str, str]]:
    """Each problem in a formset's rows as (the id of the field to link to, the words), for the error summary
    (templates/includes/form_errors.html) of the page's main form: "Condition 2 due date: Enter a real date".

    `row` names one row ("Condition"); a problem with a whole row links to its first field."""
    problems = [("", str(error)) for error in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        fields = list(form)
        if not fields:
            continue
        for error in form.non_field_errors():
            problems.append((fields[0].id_for_label, f"{row} {number}: {error}"))
        for field in fields:
            label = str(field.label)
            name = f"{row} {number}" if label == row else f"{row} {number} {label[:1].lower()}{label[1:]}"
            problems += [(field.id_for_label, f"{name}: {error}") for error in field.errors]
    return problems
