"""Correlation's rule (DOMAIN §10.4): Pearson and Spearman with n per pair, empty below 10 customers, checked by
hand and against scipy."""

import numpy as np
import pytest
from scipy.stats import pearsonr, spearmanr

from analytics.rules.correlation import MIN_PAIRS, correlations


def test_a_straight_line_and_a_monotone_curve():
    """y = 2x + 1 correlates 1 both ways; z = x³ is perfectly monotone (Spearman 1) but not linear (Pearson < 1);
    a falling line is −1."""
    x = list(range(1, 13))
    result = correlations({"x": x, "y": [2 * v + 1 for v in x], "z": [v**3 for v in x], "w": [-v for v in x]})
    assert result.variables == ["x", "y", "z", "w"]
    assert result.pearson[0][1] == pytest.approx(1.0)
    assert result.spearman[0][2] == pytest.approx(1.0)
    assert result.pearson[0][2] < 0.95
    assert result.pearson[0][3] == pytest.approx(-1.0)
    assert result.n[0][1] == 12


def test_pearson_by_hand():
    """x = 1…10, y = 1…10 with the last two swapped: Σdxdy = 82.5 − 1 = 81.5 over Σdx² = Σdy² = 82.5."""
    x = list(range(1, 11))
    y = [*range(1, 9), 10, 9]
    result = correlations({"x": x, "y": y})
    assert result.pearson[0][1] == pytest.approx(81.5 / 82.5)
    assert result.spearman[0][1] == pytest.approx(1 - 6 * 2 / (10 * 99))  # 1 − 6Σd²/(n(n²−1))


@pytest.mark.parametrize(("n", "shown"), [(MIN_PAIRS - 1, False), (MIN_PAIRS, True)])
def test_a_pair_with_fewer_than_10_customers_is_empty(n, shown):
    x = [float(v) for v in range(n)]
    y = [v * v for v in x]
    result = correlations({"x": x, "y": y})
    assert result.n[0][1] == n
    assert (result.pearson[0][1] is not None) == shown
    assert (result.spearman[0][1] is not None) == shown


def test_each_pair_counts_the_customers_with_both_values():
    """Missing values (None) drop the customer from that pair only; ties get their mean rank, as scipy does."""
    rng = np.random.default_rng(7)
    a = rng.normal(size=40).round(1)
    b = (a * 0.5 + rng.normal(size=40)).round(0)  # rounded: many ties
    c = [None if i % 3 == 0 else float(v) for i, v in enumerate(rng.normal(size=40))]
    result = correlations({"a": list(a), "b": list(b), "c": c})
    kept = [i for i, v in enumerate(c) if v is not None]
    assert result.n == [[40, 40, len(kept)], [40, 40, len(kept)], [len(kept), len(kept), len(kept)]]
    assert result.pearson[0][1] == pytest.approx(pearsonr(a, b).statistic)
    assert result.spearman[0][1] == pytest.approx(spearmanr(a, b).statistic)
    assert result.spearman[1][2] == pytest.approx(spearmanr(b[kept], [c[i] for i in kept]).statistic)
    assert result.spearman[2][1] == result.spearman[1][2]


def test_a_variable_that_does_not_vary_has_no_coefficient():
    result = correlations({"x": list(range(12)), "flat": [5] * 12})
    assert result.pearson[0][1] is None
    assert result.n[0][1] == 12
