"""The 2026 edition that `make run` loads and the tests use."""

import pytest

from standards.models import Edition, Standard

pytestmark = pytest.mark.django_db

VALUE_CODES = ["BEL", "BOU", "COM", "DEV", "INV", "SAF", "STR", "EMP", "LEA", "OPE"]


def test_the_2026_edition_has_the_ten_values_in_order(edition_2026):
    assert edition_2026.status == Edition.Status.PUBLISHED
    assert [value.code for value in edition_2026.values.order_by("order")] == VALUE_CODES
    assert all(value.name and value.statement for value in edition_2026.values.all())


def test_the_2026_edition_has_at_least_forty_standards_with_unique_codes(edition_2026):
    codes = list(edition_2026.standards.values_list("code", flat=True))
    assert len(codes) >= 40
    assert len(codes) == len(set(codes))


def test_every_standard_has_statement_guidance_and_evidence_examples(edition_2026):
    for standard in edition_2026.standards.select_related("value"):
        assert standard.statement.strip(), standard.code
        assert standard.guidance.strip(), standard.code
        assert len(standard.evidence_examples_list) >= 2, standard.code
        assert standard.code.startswith(f"{standard.value.code}."), standard.code


def test_every_value_has_at_least_four_standards_and_one_essential(edition_2026):
    for value in edition_2026.values.prefetch_related("standards"):
        standards = list(value.standards.all())
        assert len(standards) >= 4, value.code
        assert any(standard.type == Standard.Type.ESSENTIAL for standard in standards), value.code


def test_the_award_rule_is_data_on_the_edition(edition_2026):
    rule = edition_2026.award_rule
    assert (rule.essential_min_percent, rule.expected_min_percent, rule.desirable_min_percent) == (100, 80, 60)
    assert rule.no_value_with_not_met
    assert rule.describe() == [
        "All essential standards are met.",
        "At least 80% of expected standards are met.",
        "At least 60% of desirable standards are met.",
        "No value has a standard rated Not met.",
    ]


def test_the_publication_date_comes_from_the_fixture(edition_2026, edition_2026_data):
    assert edition_2026.published_on.isoformat() == edition_2026_data["published_on"]
