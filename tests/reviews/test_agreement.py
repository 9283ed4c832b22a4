import pytest

from reviews.agreement import agreement, cohen_kappa, percent_agreement

M, P, N = "met", "partly_met", "not_met"


def test_perfect_agreement_is_kappa_one():
    scores = [M, P, N, M, P, N]
    assert cohen_kappa(scores, scores) == pytest.approx(1.0)
    assert percent_agreement(scores, scores) == 100


def test_agreement_no_better_than_chance_is_kappa_zero():
    # Each rater says Met half the time, independently: expected agreement 0.5, observed 0.5.
    a = [M, M, N, N]
    b = [M, N, M, N]
    assert percent_agreement(a, b) == 50
    assert cohen_kappa(a, b) == pytest.approx(0.0)


def test_a_textbook_example():
    # 50 items: both yes 20, both no 15, a yes/b no 5, a no/b yes 10. p_o = 0.7, p_e = 0.5, kappa = 0.4.
    a = [M] * 20 + [N] * 15 + [M] * 5 + [N] * 10
    b = [M] * 20 + [N] * 15 + [N] * 5 + [M] * 10
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_complete_disagreement_is_negative():
    assert cohen_kappa([M, N, M, N], [N, M, N, M]) == pytest.approx(-1.0)


def test_only_standards_both_scored_are_compared():
    assert percent_agreement([M, "", P], [M, N, ""]) == 100
    assert agreement("A", "B", [M, "", P], [M, N, ""]).compared == 1


def test_kappa_is_undefined_when_both_always_give_the_same_score():
    assert cohen_kappa([M, M, M], [M, M, M]) is None
    assert agreement("A", "B", [M, M], [M, M]).kappa_words == "not defined"


def test_nothing_to_compare():
    assert cohen_kappa(["", ""], [M, ""]) is None
    assert percent_agreement([], []) is None


def test_mismatched_lengths_are_an_error():
    with pytest.raises(ValueError):
        cohen_kappa([M], [M, N])


@pytest.mark.parametrize(("kappa_pairs", "words"), [((1.0,), "almost perfect"), ((0.5,), "moderate")])
def test_kappa_words(kappa_pairs, words):
    from reviews.agreement import Agreement

    assert Agreement("a", "b", 10, 50.0, kappa_pairs[0]).kappa_words == words
