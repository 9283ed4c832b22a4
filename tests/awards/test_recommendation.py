"""The award rule, applied to a table of cases."""

import pytest

from awards.recommendation import evaluate
from standards.models import AwardRule

E, X, D = "essential", "expected", "desirable"


def rows(essential=(), expected=(), desirable=(), value_of=lambda code: "Belonging"):
    out = []
    for standard_type, scores in ((E, essential), (X, expected), (D, desirable)):
        for number, score in enumerate(scores):
            code = f"{standard_type[:3].upper()}.{number}"
            out.append((code, standard_type, value_of(code), score))
    return out


RULE = AwardRule(
    essential_min_percent=100, expected_min_percent=80, desirable_min_percent=60, no_value_with_not_met=True
)
RELAXED = AwardRule(
    essential_min_percent=100, expected_min_percent=80, desirable_min_percent=60, no_value_with_not_met=False
)

M, P, N = "met", "partly_met", "not_met"


@pytest.mark.parametrize(
    ("case", "rule", "results", "outcome"),
    [
        ("everything met", RULE, rows([M] * 4, [M] * 5, [M] * 5), "awarded"),
        ("expected exactly at 80%", RULE, rows([M] * 4, [M] * 4 + [P], [M] * 5), "awarded"),
        ("expected just below 80%", RULE, rows([M] * 4, [M] * 3 + [P, P], [M] * 5), "deferred"),
        ("desirable exactly at 60%", RULE, rows([M] * 4, [M] * 5, [M] * 3 + [P, P]), "awarded"),
        ("desirable just below 60%", RULE, rows([M] * 4, [M] * 5, [M] * 2 + [P] * 3), "deferred"),
        ("an essential standard partly met", RULE, rows([M] * 3 + [P], [M] * 5, [M] * 5), "deferred"),
        ("an essential standard not met", RULE, rows([M] * 3 + [N], [M] * 5, [M] * 5), "not_awarded"),
        ("a desirable not met, rule forbids it", RULE, rows([M] * 4, [M] * 5, [M] * 4 + [N]), "deferred"),
        ("a desirable not met, rule allows it", RELAXED, rows([M] * 4, [M] * 5, [M] * 4 + [N]), "awarded"),
        ("an unscored standard", RULE, rows([M] * 3 + [""], [M] * 5, [M] * 5), "deferred"),
    ],
)
def test_the_rule_on_a_table_of_cases(case, rule, results, outcome):
    assert evaluate(rule, results).outcome == outcome, case


def test_thresholds_are_whole_standards_not_rounded_percentages():
    # 80% of 6 is 4.8 standards: 5 met passes, 4 met (66.7%) does not.
    assert evaluate(RULE, rows([M], [M] * 5 + [P], [M])).outcome == "awarded"
    assert evaluate(RULE, rows([M], [M] * 4 + [P] * 2, [M])).outcome == "deferred"


def test_the_explanation_names_the_shortfall_and_the_value():
    recommendation = evaluate(RULE, rows([M] * 4, [M] * 3 + [P, P], [M] * 4 + [N], value_of=lambda code: "Safety"))
    text = " ".join(recommendation.reasons)
    assert "3 of 5 expected standards met (60%), which falls short of the 80% required" in text
    assert "Not met in full: EXP.3, EXP.4" in text
    assert "Safety has a standard rated Not met (DES.4)" in text
    assert "4 of 4 essential standards met (100%), which meets the 100% required" in text
