"""How far two sets of scores agree: percentage agreement and Cohen's kappa.

Both compare only the standards that both sides scored. Kappa corrects the raw agreement for the agreement
two raters would reach by chance given how often each uses each score:

    kappa = (p_observed - p_chance) / (1 - p_chance),  p_chance = sum over scores of p_a(score) * p_b(score)

It is 1 for perfect agreement, 0 for agreement no better than chance, and negative for worse than chance.
When both raters gave every standard the same single score, chance agreement is 1 and kappa is undefined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


def _pairs(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, str]]:
    if len(a) != len(b):
        raise ValueError("Both raters must be compared over the same standards.")
    return [(x, y) for x, y in zip(a, b, strict=True) if x and y]


def percent_agreement(a: Sequence[str], b: Sequence[str]) -> float | None:
    pairs = _pairs(a, b)
    if not pairs:
        return None
    return 100 * sum(x == y for x, y in pairs) / len(pairs)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    pairs = _pairs(a, b)
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    counts_a = Counter(x for x, _ in pairs)
    counts_b = Counter(y for _, y in pairs)
    chance = sum(counts_a[score] * counts_b[score] for score in counts_a.keys() | counts_b.keys()) / (n * n)
    if chance == 1:
        return None
    return (observed - chance) / (1 - chance)


@dataclass(frozen=True)
class Agreement:
    left: str
    right: str
    compared: int
    percent: float | None
    kappa: float | None

    @property
    def kappa_words(self) -> str:
        """Landis and Koch's plain-English bands, which panels are used to."""
        if self.kappa is None:
            return "not defined"
        for limit, words in ((0, "poor"), (0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
            if self.kappa <= limit:
                return words
        return "almost perfect"


def agreement(left: str, right: str, a: Sequence[str], b: Sequence[str]) -> Agreement:
    return Agreement(
        left=left,
        right=right,
        compared=len(_pairs(a, b)),
        percent=percent_agreement(a, b),
        kappa=cohen_kappa(a, b),
    )
