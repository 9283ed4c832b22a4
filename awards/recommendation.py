"""The award rule applied to a review's results: the recommendation the panel starts from, and why.

The rule is data on the edition (`standards.AwardRule`); this module only reads it. A standard counts as met
when its consensus score is Met.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accreditation.models import Assessment, Response
from standards.models import AwardRule, Rating, Standard

from .models import Outcome

MET, PARTLY_MET = Rating.MET, Rating.PARTLY_MET


@dataclass
class TypeResult:
    type: str
    label: str
    total: int = 0
    met: int = 0
    partly: int = 0
    not_met: int = 0
    required_percent: int = 100
    short: list[str] = field(default_factory=list)  # standard codes not met, for the explanation

    @property
    def percent(self) -> float:
        return 100 * self.met / self.total if self.total else 100.0

    @property
    def passes(self) -> bool:
        # Compared in whole numbers of standards, so that 80% of 5 standards means 4, never 3.9.
        return self.total == 0 or self.met * 100 >= self.required_percent * self.total


@dataclass
class Recommendation:
    outcome: str
    types: list[TypeResult]
    values_with_not_met: list[tuple[str, list[str]]]  # (value name, standard codes)
    rule: AwardRule
    unscored: list[str]

    @property
    def reasons(self) -> list[str]:
        """Why the recommendation is what it is, in sentences for the panel."""
        if self.unscored:
            return [f"No consensus score yet for {', '.join(self.unscored)}."]
        reasons = []
        for result in self.types:
            if result.total == 0:
                continue
            verdict = "meets" if result.passes else "falls short of"
            reasons.append(
                f"{result.met} of {result.total} {result.label.lower()} standards met ({result.percent:.0f}%), "
                f"which {verdict} the {result.required_percent}% required."
                + (f" Not met in full: {', '.join(result.short)}." if result.short and not result.passes else "")
            )
        if self.rule.no_value_with_not_met:
            if self.values_with_not_met:
                for name, codes in self.values_with_not_met:
                    reasons.append(
                        f"{name} has a standard rated Not met ({', '.join(codes)}), which the rule does not allow."
                    )
            else:
                reasons.append("No value has a standard rated Not met.")
        return reasons


def evaluate(rule: AwardRule, results: list[tuple[str, str, str, str]]) -> Recommendation:
    """Apply `rule` to (standard code, standard type, value name, consensus score) rows.

    Awarded when every threshold is met (and, if the rule says so, no value has a Not met); Not awarded when an
    essential standard is Not met; otherwise Deferred, because the shortfall can be put right with more evidence."""
    types = {
        standard_type.value: TypeResult(
            type=standard_type.value,
            label=standard_type.label,
            required_percent=rule.min_percent_for(standard_type.value),
        )
        for standard_type in Standard.Type
    }
    not_met_by_value: dict[str, list[str]] = {}
    unscored = []
    for code, standard_type, value_name, score in results:
        result = types[standard_type]
        result.total += 1
        if not score:
            unscored.append(code)
        elif score == MET:
            result.met += 1
        elif score == PARTLY_MET:
            result.partly += 1
            result.short.append(code)
        else:
            result.not_met += 1
            result.short.append(code)
            not_met_by_value.setdefault(value_name, []).append(code)
    values_with_not_met = list(not_met_by_value.items()) if rule.no_value_with_not_met else []
    passes = all(result.passes for result in types.values()) and not values_with_not_met
    if unscored:
        outcome = Outcome.DEFERRED
    elif passes:
        outcome = Outcome.AWARDED
    elif types[Standard.Type.ESSENTIAL].not_met:
        outcome = Outcome.NOT_AWARDED
    else:
        outcome = Outcome.DEFERRED
    return Recommendation(
        outcome=outcome,
        types=list(types.values()),
        values_with_not_met=values_with_not_met,
        rule=rule,
        unscored=unscored,
    )


def recommendation_for(*, assessment: Assessment) -> Recommendation:
    """The recommendation for an assessment from its consensus scores. Two queries."""
    rule = AwardRule.objects.get(edition_id=assessment.edition_id)
    rows = (
        Response.objects.filter(assessment=assessment)
        .select_related("standard__value", "consensus")
        .order_by("standard__value__order", "standard__order")
    )
    results = [
        (
            response.standard.code,
            response.standard.type,
            response.standard.value.name,
            response.consensus.score if hasattr(response, "consensus") else "",
        )
        for response in rows
    ]
    return evaluate(rule, results)
