"""Every form's error messages say what to do ("Enter the visit date", "Choose a reviewer"), in our words: none is one
of Django's generic defaults ("This field is required.", "Select a valid choice…", "Ensure this value has at most…").

Each form in the project is posted empty, then with one field wrong at a time in each way that field can be wrong,
and every message it gives is checked against the defaults of Django's fields, validators and auth forms."""

import importlib
import inspect
import re
from types import SimpleNamespace

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import fields as model_fields
from django.forms import fields as form_fields
from django.forms import models as form_models

from reviews.selectors.assignments import Candidate
from workflow.forms import UKDateField

pytestmark = pytest.mark.django_db

FORM_MODULES = sorted(
    ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
    for path in settings.BASE_DIR.glob("*/forms.py")
    if path.parent.name not in {".venv", "tests"}
)
# Said by Django in words a person cannot act on; the part before any placeholder is enough to know one.
GENERIC = [
    "This field is required",
    "Enter a valid",
    "Enter a whole number",
    "Enter a number",
    "Select a valid choice",
    "Ensure this value",
    "Ensure that there are no more",
    "No file was submitted",
    "The submitted file is empty",
    "Enter a list of values",
    "Please enter",
    "Please correct",
    "didn’t match",
    "didn't match",
    # Django's password checks
    "This password is",
    "The password is too similar",
]


def _defaults() -> list[str]:
    """The beginnings of Django's own messages, read from Django, so a message added in a new version counts too."""
    found = set(GENERIC)
    for module in (form_fields, form_models, model_fields, validators, auth_forms):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            texts = []
            for attribute in ("default_error_messages", "error_messages"):
                if isinstance(messages := getattr(cls, attribute, None), dict):
                    texts += messages.values()
            if isinstance(getattr(cls, "message", None), str):
                texts.append(cls.message)
            for text in texts:
                try:
                    text = str(text)
                except (TypeError, KeyError):
                    continue
                start = re.split(r"%\(|\{", text)[0].strip()
                if len(start) >= 12:
                    found.add(start)
    return sorted(found)


DEFAULTS = _defaults()


def project_form_classes() -> list[type]:
    classes = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                classes.append(cls)
    return classes


def bad_values(name: str, field: forms.Field) -> list[tuple[dict, dict]]:
    """(data, files) posted for `field`, one pair for each way it can be wrong."""
    if name.endswith("new_password1"):
        both = name.removesuffix("1")
        return [
            ({f"{both}1": password, f"{both}2": password}, {})
            for password in ("1234", "12345678", "password", "lead@example.org")
        ] + [({f"{both}1": "walnut-harbour-9", f"{both}2": "walnut-harbour-8"}, {})]
    if isinstance(field, UKDateField):
        return [
            ({f"{name}_day": "31", f"{name}_month": "2", f"{name}_year": "2026"}, {}),
            ({f"{name}_day": "x", f"{name}_month": "2", f"{name}_year": "2026"}, {}),
            ({f"{name}_day": "3", f"{name}_month": "", f"{name}_year": "26"}, {}),
        ]
    if isinstance(field, forms.FileField):
        return [({}, {name: SimpleUploadedFile("empty.pdf", b"")})]
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return [({name: ["999999999"]}, {}), ({name: ["abc"]}, {})]
    if isinstance(field, forms.ModelChoiceField):
        return [({name: "999999999"}, {}), ({name: "abc"}, {})]
    if isinstance(field, forms.ChoiceField):
        return [({name: "no-such-choice"}, {})]
    if isinstance(field, forms.IntegerField):
        return [({name: "abc"}, {}), ({name: "-1"}, {}), ({name: "1.5"}, {})]
    if isinstance(field, forms.EmailField):
        return [({name: "not an address"}, {}), ({name: "a@" + "b" * 400 + ".org"}, {})]
    if isinstance(field, forms.CharField) and field.max_length:
        return [({name: "x" * (field.max_length + 1)}, {})]
    return []


@pytest.fixture
def builders(assessment, team_lead, reviewer):
    """How to make each form, given what it was posted: the arguments each needs beside its data."""
    service = assessment.service
    responses = list(assessment.responses.select_related("standard")[:2])
    moves = [SimpleNamespace(name="accept", label="Accept"), SimpleNamespace(name="decline", label="Decline")]
    special = {
        "SignInForm": lambda data, files: forms_module("accreditation").SignInForm(None, data=data),
        "EvidenceForm": lambda data, files: forms_module("accreditation").EvidenceForm(data, files, service=service),
        "EvidenceVersionForm": lambda data, files: forms_module("accreditation").EvidenceVersionForm(
            data, files, service=service
        ),
        "LinkEvidenceForm": lambda data, files: forms_module("accreditation").LinkEvidenceForm(
            data, queryset=service.evidence.all()
        ),
        "EvidenceLinksForm": lambda data, files: forms_module("accreditation").EvidenceLinksForm(
            data, responses=responses
        ),
        "ChangePasswordForm": lambda data, files: forms_module("accreditation").ChangePasswordForm(team_lead, data),
        "NewPasswordForm": lambda data, files: forms_module("accreditation").NewPasswordForm(team_lead, data),
        "AssignForm": lambda data, files: forms_module("reviews").AssignForm(
            data, candidates=[Candidate(reviewer=reviewer, reasons=[])]
        ),
        "RespondForm": lambda data, files: forms_module("reviews").RespondForm(data, moves=moves),
        "ReturnForm": lambda data, files: forms_module("reviews").ReturnForm(data, responses=responses),
        "ScoreSheetForm": lambda data, files: forms_module("reviews").ScoreSheetForm(
            data, response_ids=[r.pk for r in responses], score_prefix="score", text_prefix="comment"
        ),
        "ConsensusForm": lambda data, files: forms_module("reviews").ConsensusForm(
            data, standards=[(r.pk, r.standard.code) for r in responses]
        ),
        "TeamCommentForm": lambda data, files: forms_module("reviews").TeamCommentForm(data, results=responses),
    }
    return special


def forms_module(app):
    return importlib.import_module(f"{app}.forms")


def messages_of(form: forms.BaseForm) -> list[str]:
    form.is_valid()
    return [f"{name or 'top'}: {message}" for name, errors in form.errors.items() for message in errors]


def test_the_walk_covers_every_forms_module():
    assert {"accreditation.forms", "reviews.forms", "awards.forms", "workflow.forms"} <= set(FORM_MODULES)
    assert len(project_form_classes()) >= 20


def test_no_form_says_one_of_djangos_generic_messages(builders):
    offenders = []
    for cls in project_form_classes():
        build = builders.get(cls.__name__, lambda data, files, cls=cls: cls(data, files))
        try:
            blank = build({}, {})
        except TypeError as error:
            offenders.append(f"{cls.__module__}.{cls.__name__}: add to `builders` how to make it ({error})")
            continue
        seen = messages_of(blank)
        for name, field in blank.fields.items():
            for data, files in bad_values(blank.add_prefix(name), field):
                seen += messages_of(build(data, files))
        for message in sorted(set(seen)):
            if any(default in message for default in DEFAULTS):
                offenders.append(f"{cls.__module__}.{cls.__name__} {message}")
    assert not offenders, "Django's own words, not what to do:\n" + "\n".join(offenders)


def test_the_walk_knows_djangos_defaults():
    """The check above would pass on anything if it did not know the defaults it looks for."""

    class Plain(forms.Form):
        when = forms.DateField()
        which = forms.ChoiceField(choices=[("a", "A")])
        what = forms.CharField(max_length=2)
        who = forms.EmailField()
        count = forms.IntegerField(min_value=0)

    messages = [
        m
        for errors in Plain({"when": "soon", "which": "b", "what": "abc", "who": "x", "count": "-1"}).errors.values()
        for m in errors
    ]
    messages += [m for errors in Plain({}).errors.values() for m in errors]
    assert len(messages) == 10 and all(any(default in message for default in DEFAULTS) for message in messages)


def test_the_sign_in_and_password_pages_use_the_forms_walked_above():
    from django.urls import resolve, reverse

    views = {
        "login": "authentication_form",
        "password_change": "form_class",
        "password_reset": "form_class",
        "password_reset_confirm": "form_class",
    }
    for name, attribute in views.items():
        args = ["MQ", "set-password"] if name == "password_reset_confirm" else []
        view = resolve(reverse(name, args=args)).func.view_initkwargs
        assert view[attribute].__module__ == "accreditation.forms", name
