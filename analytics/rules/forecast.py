"""The trend's forecast (DOMAIN §10.3): which method, its backtest error, the seasonal-naive baseline.

Pure: monthly sums in (oldest first, complete months only), numbers out. The fitting uses statsmodels'
exponential smoothing, imported when a forecast is made so that loading the app stays quick.

- ``forecast_method``: Holt-Winters (additive trend and seasonality, a 12-month season) with ≥ 24 months of data,
  Holt's linear trend with 6–23, none below 6.
- The 80% interval comes from statsmodels' ``simulate``: ``SIMULATIONS`` future paths with normal errors of the
  fitted residuals' variance (fixed seed, so the same data gives the same band), the 10th and 90th percentile
  of each month; it is widened where needed so that lower ≤ forecast ≤ upper, and nothing is below zero.
- The backtest refits the same procedure (the method the rule picks for the shorter history) on all months but
  the last ``BACKTEST_MONTHS`` and compares its forecast of them with what was sold (MAPE); the seasonal-naive
  baseline forecasts the same months from the same history: the same month a year earlier, else the last month.
"""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache

HOLT_WINTERS_MONTHS = 24  # §10.3: Holt-Winters with at least 24 months of data
HOLT_MONTHS = 6  # §10.3: Holt's linear trend with 6–23, no forecast below 6
SEASON = 12
BACKTEST_MONTHS = 6
SIMULATIONS = 1000
INTERVAL = (10, 90)  # percentiles of the simulated paths: an 80% interval
SEED = 20261122
CENTS = Decimal("0.01")
ONE_DECIMAL = Decimal("0.1")


class Method(StrEnum):
    HOLT_WINTERS = "holt_winters"
    HOLT = "holt"


def forecast_method(months_of_data: int) -> Method | None:
    """The method for a history of this many complete months (DOMAIN §10.3), None when too short."""
    if months_of_data >= HOLT_WINTERS_MONTHS:
        return Method.HOLT_WINTERS
    if months_of_data >= HOLT_MONTHS:
        return Method.HOLT
    return None


def months_of_data(values: Sequence[Decimal]) -> Sequence[Decimal]:
    """The history a forecast is fitted on: from the first month with sales to the last (complete) month."""
    for index, value in enumerate(values):
        if value:
            return values[index:]
    return values[:0]


def mape(actual: Sequence[Decimal], forecast: Sequence[Decimal]) -> Decimal | None:
    """Mean absolute percentage error, percent with one decimal, over the months with sales (a month without sales
    has no percentage error); None when no month had sales."""
    errors = [abs(Decimal(f) - Decimal(a)) / abs(Decimal(a)) for a, f in zip(actual, forecast, strict=True) if a]
    if not errors:
        return None
    return (sum(errors, Decimal(0)) * 100 / len(errors)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def seasonal_naive(history: Sequence[Decimal], horizon: int) -> list[Decimal]:
    """The naive guess for the ``horizon`` months after ``history``: the same month a year earlier when the history
    reaches back that far, else the history's last month."""
    guesses = []
    for step in range(horizon):
        year_ago = len(history) - SEASON + step
        guesses.append(Decimal(history[year_ago] if year_ago >= 0 else history[-1]))
    return guesses


@dataclass(frozen=True, slots=True)
class Forecast:
    method: Method
    values: tuple[Decimal, ...]
    lower: tuple[Decimal, ...]
    upper: tuple[Decimal, ...]


def _money(value: float) -> Decimal:
    return max(Decimal(str(round(float(value), 2))), Decimal(0)).quantize(CENTS)


def _fit(history: Sequence[Decimal], method: Method):
    import numpy as np
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    series = np.array([float(value) for value in history])
    if method == Method.HOLT_WINTERS:  # two full seasons or more: the classical start values, then smoothing fitted
        model = ExponentialSmoothing(
            series, trend="add", seasonal="add", seasonal_periods=SEASON, initialization_method="heuristic"
        )
    else:
        model = ExponentialSmoothing(series, trend="add", initialization_method="estimated")
    with warnings.catch_warnings():  # convergence notes on short or perfectly regular series are not errors here
        warnings.simplefilter("ignore")
        return model.fit()


def forecast(history: Sequence[Decimal], horizon: int, *, skip: int = 0) -> Forecast | None:
    """The ``horizon`` months that follow ``skip`` months after ``history`` (complete months, from the first with
    sales; ``skip`` = 1 passes over the running month) with an 80% interval, or None when the history is too short
    for any method. The same sums give the same forecast (a fixed seed), so a process keeps the latest ones: the
    monthly sums change once a night or with new orders."""
    return _forecast(tuple(Decimal(value) for value in history), horizon, skip)


@lru_cache(maxsize=128)
def _forecast(history: tuple[Decimal, ...], horizon: int, skip: int) -> Forecast | None:
    method = forecast_method(len(history))
    if method is None or horizon < 1:
        return None
    import numpy as np

    fitted = _fit(history, method)
    steps = skip + horizon
    values = fitted.forecast(steps)[skip:]
    paths = fitted.simulate(steps, anchor="end", repetitions=SIMULATIONS, error="add", random_state=SEED)
    low, high = np.percentile(np.asarray(paths).reshape(steps, -1)[skip:], INTERVAL, axis=1)
    return Forecast(
        method=method,
        values=tuple(_money(value) for value in values),
        lower=tuple(_money(min(bound, value)) for bound, value in zip(low, values, strict=True)),
        upper=tuple(_money(max(bound, value)) for bound, value in zip(high, values, strict=True)),
    )


@dataclass(frozen=True, slots=True)
class Backtest:
    model_mape: Decimal | None
    baseline_mape: Decimal | None


def backtest(history: Sequence[Decimal]) -> Backtest | None:
    """The forecast and the naive guess made without the last ``BACKTEST_MONTHS`` months, each scored by MAPE
    against them; None when the months before them are too few for a forecast."""
    held_out = list(history[-BACKTEST_MONTHS:])
    earlier = list(history[:-BACKTEST_MONTHS])
    refitted = forecast(earlier, BACKTEST_MONTHS) if len(history) > BACKTEST_MONTHS else None
    if refitted is None:
        return None
    return Backtest(
        model_mape=mape(held_out, refitted.values),
        baseline_mape=mape(held_out, seasonal_naive(earlier, BACKTEST_MONTHS)),
    )


def month_keys(first: tuple[int, int], count: int) -> list[str]:
    """``count`` month keys ("2026-01") from ``first`` (year, month) on."""
    year, month = first
    keys = []
    for _step in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys
