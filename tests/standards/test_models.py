"""A published edition cannot be edited in place."""

import pytest
from django.core.exceptions import ValidationError

from standards.models import Edition, Standard, Value
from tests.factories import EditionFactory, StandardFactory, ValueFactory

pytestmark = pytest.mark.django_db


def test_a_standard_in_a_published_edition_cannot_be_changed(edition_2026):
    standard = edition_2026.standards.first()
    standard.statement = "Something else."
    with pytest.raises(ValidationError, match="published, so its standards cannot be changed"):
        standard.full_clean()


def test_a_standard_cannot_be_added_to_a_published_edition(edition_2026):
    value = edition_2026.values.first()
    standard = Standard(
        value=value,
        code=f"{value.code}.99",
        title="New",
        statement="s",
        guidance="g",
        evidence_examples="e",
        type="essential",
    )
    with pytest.raises(ValidationError, match="cannot be changed"):
        standard.full_clean()


def test_values_and_the_award_rule_of_a_published_edition_are_frozen(edition_2026):
    value = edition_2026.values.first()
    value.name = "Renamed"
    with pytest.raises(ValidationError):
        value.full_clean()
    rule = edition_2026.award_rule
    rule.expected_min_percent = 10
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_a_published_edition_keeps_its_title(edition_2026):
    edition_2026.title = "Another title"
    with pytest.raises(ValidationError):
        edition_2026.full_clean()


def test_a_standard_of_a_published_edition_cannot_be_deleted(edition_2026):
    with pytest.raises(ValidationError):
        edition_2026.standards.first().delete()
    assert Value.objects.filter(edition=edition_2026).count() == 10


def test_a_draft_edition_can_be_edited():
    standard = StandardFactory(value=ValueFactory(edition=EditionFactory(status=Edition.Status.DRAFT), code="BEL"))
    standard.statement = "Reworded."
    standard.full_clean()
    standard.save()
    standard.delete()


def test_a_standard_code_must_start_with_its_value_code():
    value = ValueFactory(edition=EditionFactory(status=Edition.Status.DRAFT), code="BEL")
    standard = Standard(
        value=value, code="BOU.1", title="t", statement="s", guidance="g", evidence_examples="e", type="essential"
    )
    with pytest.raises(ValidationError, match=r"BEL\.1"):
        standard.full_clean()


def test_standard_codes_are_unique_within_an_edition():
    value = ValueFactory(edition=EditionFactory(status=Edition.Status.DRAFT), code="BEL")
    StandardFactory(value=value, code="BEL.1")
    duplicate = Standard(
        value=value, code="BEL.1", title="t", statement="s", guidance="g", evidence_examples="e", type="essential"
    )
    duplicate.edition = value.edition
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_evidence_examples_are_read_one_per_line():
    standard = Standard(evidence_examples="Minutes\n\n  Survey results  \n")
    assert standard.evidence_examples_list == ["Minutes", "Survey results"]
