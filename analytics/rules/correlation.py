"""Correlation between customer variables (DOMAIN §10.4): Pearson and Spearman with n for each pair.

Pure: one column of numbers per variable (None or NaN where a customer has no value), the three matrices out.
Each pair uses the customers that have both values (pairwise complete); a pair with fewer than ``MIN_PAIRS`` such
customers, or where either variable does not vary, has no coefficient (None). Spearman is Pearson over the
pair's average ranks (ties share their mean rank), as scipy computes it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

MIN_PAIRS = 10  # §10.4: pairs with n < 10 are shown empty


@dataclass(frozen=True, slots=True)
class Correlations:
    variables: list[str]
    pearson: list[list[float | None]]
    spearman: list[list[float | None]]
    n: list[list[int]]


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    dx, dy = x - x.mean(), y - y.mean()
    spread = float(np.sqrt((dx * dx).sum() * (dy * dy).sum()))
    if spread == 0:
        return None
    return max(-1.0, min(1.0, float((dx * dy).sum()) / spread))


def _columns(columns: Mapping[str, Sequence[float | None]]) -> dict[str, np.ndarray]:
    return {name: np.array([np.nan if v is None else float(v) for v in values]) for name, values in columns.items()}


def correlations(columns: Mapping[str, Sequence[float | None] | np.ndarray]) -> Correlations:
    """Pearson, Spearman and n for every pair of ``columns`` (the diagonal too: a variable with itself)."""
    data = {
        name: values.astype(float) if isinstance(values, np.ndarray) else _columns({name: values})[name]
        for name, values in columns.items()
    }
    names = list(data)
    present = {name: ~np.isnan(values) for name, values in data.items()}
    full_ranks = {name: rankdata(values) for name, values in data.items() if present[name].all()}
    size = len(names)
    pearson = [[None] * size for _ in names]
    spearman = [[None] * size for _ in names]
    counts = [[0] * size for _ in names]
    for i, first in enumerate(names):
        for j in range(i, size):
            second = names[j]
            both = present[first] & present[second]
            n = int(both.sum())
            counts[i][j] = counts[j][i] = n
            if n < MIN_PAIRS:
                continue
            x, y = data[first][both], data[second][both]
            everyone = n == len(both)  # ranks over every customer are computed once per variable
            rx = full_ranks[first] if everyone else rankdata(x)
            ry = full_ranks[second] if everyone else rankdata(y)
            pearson[i][j] = pearson[j][i] = _pearson(x, y)
            spearman[i][j] = spearman[j][i] = _pearson(rx, ry)
    return Correlations(names, pearson, spearman, counts)
