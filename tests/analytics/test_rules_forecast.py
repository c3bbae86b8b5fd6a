"""The forecast's rules (DOMAIN §10.3): method by months of data, MAPE, the seasonal-naive guess, and fits
checked against series whose continuation is known by hand."""

import math
from decimal import Decimal

import pytest

from analytics.rules.forecast import (
    Method,
    backtest,
    forecast,
    forecast_method,
    mape,
    month_keys,
    months_of_data,
    seasonal_naive,
)


def money(values) -> list[Decimal]:
    return [Decimal(str(round(value, 2))) for value in values]


@pytest.mark.parametrize(
    ("months", "method"),
    [
        pytest.param(0, None, id="nothing"),
        pytest.param(5, None, id="5 months: none"),
        pytest.param(6, Method.HOLT, id="6 months: Holt"),
        pytest.param(23, Method.HOLT, id="23 months: Holt"),
        pytest.param(24, Method.HOLT_WINTERS, id="24 months: Holt-Winters"),
        pytest.param(60, Method.HOLT_WINTERS, id="60 months: Holt-Winters"),
    ],
)
def test_the_method_follows_the_months_of_data(months, method):
    """§10.3: Holt-Winters with ≥ 24 months, Holt's linear trend with 6–23, none below 6."""
    assert forecast_method(months) == method


@pytest.mark.parametrize(("months", "made"), [(5, False), (6, True), (23, True), (24, True)])
def test_a_forecast_is_made_from_6_months_on(months, made):
    history = money(100 + 10 * i for i in range(months))
    assert (forecast(history, 3) is not None) == made


def test_months_of_data_start_at_the_first_month_with_sales():
    assert list(months_of_data(money([0, 0, 5, 0, 7]))) == money([5, 0, 7])
    assert list(months_of_data(money([0, 0]))) == []


def test_mape_by_hand():
    """|110−100|/100 = 10%, |180−200|/200 = 10%, |330−300|/300 = 10% → 10.0; a month without sales is skipped."""
    assert mape(money([100, 200, 300, 0]), money([110, 180, 330, 50])) == Decimal("10.0")
    assert mape(money([100, 200]), money([150, 200])) == Decimal("25.0")
    assert mape(money([0, 0]), money([1, 2])) is None


def test_the_seasonal_naive_guess_is_the_same_month_a_year_earlier_else_the_last_month():
    year = money(range(1, 13))  # Jan 1 … Dec 12
    assert seasonal_naive(year, 3) == money([1, 2, 3])
    assert seasonal_naive(money([4, 5, 6]), 2) == money([6, 6])
    eleven = money(range(1, 12))  # 11 months: the first guess has no year-earlier month, the second has
    assert seasonal_naive(eleven, 2) == money([11, 1])


def test_holt_continues_a_straight_line():
    """A line 100, 110, … continues 10 a month: Holt's linear trend finds it exactly."""
    history = money(100 + 10 * i for i in range(12))
    result = forecast(history, 3)
    assert result.method == Method.HOLT
    assert list(result.values) == money([220, 230, 240])


def test_the_running_month_can_be_passed_over():
    """The trend forecasts the months after the running one: the line continues from its 14th month."""
    history = money(100 + 10 * i for i in range(12))
    assert list(forecast(history, 2, skip=1).values) == money([230, 240])


def test_holt_winters_repeats_a_pure_season():
    """A 12-month season with no trend and no noise repeats itself: next months = same months a year earlier."""
    season = [100 + 50 * math.sin(2 * math.pi * i / 12) for i in range(12)]
    history = money(season * 3)
    result = forecast(history, 3)
    assert result.method == Method.HOLT_WINTERS
    for got, expected in zip(result.values, money(season[:3]), strict=True):
        assert abs(got - expected) <= Decimal("0.5")


def test_the_interval_holds_the_forecast_and_is_never_negative():
    """80% band from simulated paths: lower ≤ forecast ≤ upper in every month, and a noisy series has a real band."""
    noise = [7, -3, 12, -9, 4, -11, 8, 2, -6, 10, -4, 3, -8, 6, -2, 9, -7, 1, 5, -10, 11, -5, 0, 4, -3, 6]
    history = money(1000 + 20 * i + 100 * math.sin(2 * math.pi * i / 12) + 10 * e for i, e in enumerate(noise))
    result = forecast(history, 3)
    assert result.method == Method.HOLT_WINTERS
    for lower, value, upper in zip(result.lower, result.values, result.upper, strict=True):
        assert Decimal(0) <= lower <= value <= upper
        assert upper - lower > 0
    assert forecast(history, 3) == result  # a fixed seed: the same data, the same band


def test_a_falling_line_stops_at_zero():
    result = forecast(money([600, 500, 400, 300, 200, 100]), 3)
    assert list(result.values) == money([0, 0, 0])
    assert list(result.lower) == money([0, 0, 0])


def test_the_backtest_refits_without_the_last_6_months():
    """A straight line: the refitted Holt forecast of the last 6 months is exact (0.0%); the naive guess repeats
    the 6th-last month's predecessor: 150 for 160…210 → errors 10/160, 20/170, …, 60/210."""
    history = money(100 + 10 * i for i in range(12))
    result = backtest(history)
    assert result.model_mape == Decimal("0.0")
    expected = sum(Decimal(10 * k) / Decimal(150 + 10 * k) for k in range(1, 7)) * 100 / 6
    assert result.baseline_mape == expected.quantize(Decimal("0.1"))


@pytest.mark.parametrize(("months", "made"), [(11, False), (12, True)])
def test_a_backtest_needs_6_months_before_the_last_6(months, made):
    history = money(100 + 10 * i for i in range(months))
    assert (backtest(history) is not None) == made


def test_month_keys_cross_the_year():
    assert month_keys((2025, 11), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
