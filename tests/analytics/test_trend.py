"""Trend (DOMAIN §10.3): monthly sales by order month in total and per tier, region and product, the running
month apart, the forecast's method by months of data, scope per role, and the nightly aggregate."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.models import MonthlySales, SalesAggregateStamp
from analytics.scope import AnalysisScope
from analytics.selectors.trend import trend
from analytics.services import monthly_sales_refresh
from tests.analytics.conftest import TODAY, order
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def scope_of(user, **kwargs) -> AnalysisScope:
    return AnalysisScope(user=user, as_of=kwargs.pop("as_of", TODAY), today=TODAY, **kwargs)


def values_of(report, key) -> dict[str, Decimal]:
    series = next(s for s in report.series if s.key == key)
    return {month: value for month, value in zip(report.months, series.values, strict=True) if value}


def test_months_are_complete_order_months_and_the_running_month_stands_apart(portfolio):
    report = trend(scope=scope_of(portfolio.manager), months=24)
    assert report.months[0] == "2024-11"
    assert report.months[-1] == "2026-10"
    assert report.running_month == "2026-11"
    assert values_of(report, "total") == {"2025-10": Decimal("100000.00"), "2026-10": Decimal("350000.00")}
    assert report.series[0].running == Decimal("250000.00")  # 210,000 and 40,000 ordered in November so far
    assert report.counted_through == TODAY
    assert not report.from_aggregate


def test_per_tier_every_tier_shows_and_sums_to_the_total(portfolio):
    report = trend(scope=scope_of(portfolio.manager), by="tier")
    assert [s.key for s in report.series] == ["total", "A", "B", "C", "D"]
    assert values_of(report, "A") == {"2026-10": Decimal("350000.00")}
    assert values_of(report, "B") == {"2025-10": Decimal("100000.00")}
    assert [s.running for s in report.series] == [Decimal(v) for v in ("250000", "0", "210000", "40000", "0")]
    assert report.drill("A") == {"tier": "A"}
    assert report.drill("total") is None


def test_per_region_and_per_product(portfolio):
    by_region = trend(scope=scope_of(portfolio.manager), by="region")
    assert [s.key for s in by_region.series] == ["total", "Zhejiang", "Jiangsu"]
    assert by_region.drill("Jiangsu") == {"region": "Jiangsu"}
    by_product = trend(scope=scope_of(portfolio.manager), by="product")
    assert [s.label for s in by_product.series] == ["Total", "DN100 gate valve", "DN50 ball valve"]
    assert values_of(by_product, "DN50 ball valve") == {"2025-10": Decimal("100000.00")}


def test_a_sales_rep_sees_own_customers_only(portfolio):
    mine = trend(scope=scope_of(portfolio.rep))
    assert values_of(mine, "total") == {"2025-10": Decimal("100000.00"), "2026-10": Decimal("350000.00")}
    assert mine.series[0].running == Decimal("210000.00")
    theirs = trend(scope=scope_of(portfolio.other_rep))
    assert values_of(theirs, "total") == {}
    assert theirs.series[0].running == Decimal("40000.00")


def test_five_months_of_sales_give_no_forecast_six_give_holt(portfolio):
    """§10.3 at the boundary: months of data run from the first month with sales in the window to the last
    complete month (October); months without sales after the first count."""
    customer = make_customer(owner=portfolio.rep, name="Early")
    order(customer, portfolio.erp, 1_000, days_ago=170)  # 2026-06-05
    five = trend(scope=scope_of(portfolio.manager), months=5)
    assert five.months == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert five.months_of_data == 5
    assert five.forecast is None
    order(customer, portfolio.erp, 1_000, days_ago=196)  # 2026-05-10
    six = trend(scope=scope_of(portfolio.manager), months=6)
    assert six.months_of_data == 6
    assert six.forecast.method == "holt"
    assert six.backtest is None  # 6 months are too few to refit without the last 6
    assert trend(scope=scope_of(portfolio.manager), months=24).months_of_data == 13  # from 2025-10


def test_a_seasonal_history_of_24_months_gets_holt_winters_and_a_backtest(portfolio, make_user):
    from crm import roles

    seller = make_user(roles.SALES, username="seasonal")
    customer = make_customer(owner=seller, name="Seasonal")
    for index in range(30):  # 2024-05 … 2026-10, the 15th of each month
        year, month = divmod(2024 * 12 + 4 + index, 12)
        day = date(year, month + 1, 15)
        order(
            customer, portfolio.erp, 100_000 + 40_000 * math.sin(2 * math.pi * index / 12), days_ago=(TODAY - day).days
        )
    report = trend(scope=scope_of(seller), months=24, horizon=3)
    assert report.months_of_data == 24
    assert report.forecast.method == "holt_winters"
    assert report.forecast_months == ["2026-12", "2027-01", "2027-02"]
    assert len(report.forecast.values) == 3
    december = 100_000 + 40_000 * math.sin(2 * math.pi * 19 / 12)  # 2025-12 is the 20th month of the season
    assert abs(float(report.forecast.values[0]) - december) < 0.05 * december  # 2026-12: a year on, not November
    assert report.backtest.model_mape is not None
    assert report.backtest.baseline_mape is not None
    assert report.as_json()["forecast"]["method"] == "holt_winters"


def test_the_nightly_aggregate_answers_for_a_manager_with_its_stamp(portfolio):
    live = trend(scope=scope_of(portfolio.manager), by="tier")
    written = monthly_sales_refresh(today=TODAY)
    assert written > 0
    stored = trend(scope=scope_of(portfolio.manager), by="tier")
    assert stored.from_aggregate
    assert stored.counted_through == TODAY - timedelta(days=1)
    assert [s.values for s in stored.series] == [s.values for s in live.series]
    assert [s.running for s in stored.series] == [s.running for s in live.series]
    order(portfolio.customers["D"], portfolio.erp, 5_000, days_ago=0)  # after the refresh: counted tomorrow
    assert trend(scope=scope_of(portfolio.manager)).series[0].running == Decimal("250000.00")
    by_product = trend(scope=scope_of(portfolio.manager), by="product")
    assert by_product.from_aggregate
    assert [s.key for s in by_product.series] == ["total", "DN100 gate valve", "DN50 ball valve"]


def test_the_aggregate_is_narrowed_by_owner_and_region(portfolio):
    monthly_sales_refresh(today=TODAY)
    assert trend(scope=scope_of(portfolio.manager, owner="other_rep")).series[0].running == Decimal("40000.00")
    zhejiang = trend(scope=scope_of(portfolio.manager, region="Zhejiang"))
    assert zhejiang.from_aggregate
    assert values_of(zhejiang, "total") == {"2026-10": Decimal("350000.00")}
    assert not trend(scope=scope_of(portfolio.rep, region="Zhejiang"), by="product").from_aggregate
    mine = trend(scope=scope_of(portfolio.manager, owner="rep"), by="region")
    assert mine.from_aggregate
    assert [s.key for s in mine.series] == ["total", "Zhejiang", "Jiangsu"]
    assert [s.running for s in mine.series] == [Decimal("210000.00"), Decimal(0), Decimal("210000.00")]
    regional_products = trend(scope=scope_of(portfolio.manager, region="Zhejiang"), by="product")
    assert not regional_products.from_aggregate  # summed from the orders
    assert [s.key for s in regional_products.series] == ["total", "DN100 gate valve"]


@pytest.mark.parametrize("by", ["", "tier", "region", "product"])
def test_a_sales_rep_reads_the_rows_of_own_customers_in_the_aggregate(portfolio, by):
    live = trend(scope=scope_of(portfolio.rep), by=by)
    monthly_sales_refresh(today=TODAY)
    stored = trend(scope=scope_of(portfolio.rep), by=by)
    assert stored.from_aggregate
    assert [(s.key, s.values, s.running) for s in stored.series] == [(s.key, s.values, s.running) for s in live.series]
    theirs = trend(scope=scope_of(portfolio.rep, owner="other_rep"), by=by)
    assert theirs.series[0].running == 0  # a rep's analysis is of own customers whatever the owner filter says


def test_an_earlier_day_or_a_stale_aggregate_is_summed_live(portfolio):
    monthly_sales_refresh(today=TODAY)
    assert not trend(scope=scope_of(portfolio.manager, as_of=date(2026, 10, 31))).from_aggregate
    monthly_sales_refresh(today=date(2026, 10, 20))  # a month old: November's first weeks are missing
    assert not trend(scope=scope_of(portfolio.manager)).from_aggregate


def _stored() -> list[tuple]:
    rows = MonthlySales.objects.values_list("month", "owner__username", "region", "tier", "amount")
    return sorted(rows, key=str)


def test_the_refresh_is_idempotent_and_sums_over_owners_and_regions(portfolio):
    first = monthly_sales_refresh(today=TODAY)
    rows = _stored()
    assert monthly_sales_refresh(today=TODAY) == first
    assert _stored() == rows
    assert SalesAggregateStamp.objects.count() == 1
    november = date(2026, 11, 1)
    assert (november, "other_rep", "Zhejiang", "C", Decimal("40000.00")) in rows
    assert (november, None, "Zhejiang", "C", Decimal("40000.00")) in rows  # every owner in one region
    assert (november, None, None, "B", Decimal("210000.00")) in rows  # everyone


@pytest.mark.parametrize("by", ["", "tier", "region", "product"])
def test_the_query_count_does_not_grow_with_customers(portfolio, by):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            trend(scope=scope_of(portfolio.manager), by=by)
        return len(queries)

    count()  # the first call also reads the user's roles
    before = count()
    for index in range(5):
        extra = make_customer(owner=portfolio.rep, name=f"Extra {index}", region=f"R{index}")
        order(extra, portfolio.erp, 1_000 + index, days_ago=40 * index, product=f"P{index}")
    assert count() == before <= 3
