"""GET /api/v1/analytics/trend/ and /correlation/ (API.md "Analysis"): JSON shapes, files, scope, bad queries."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.analytics.conftest import TODAY, order
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TREND = "/api/v1/analytics/trend/"
CORRELATION = "/api/v1/analytics/correlation/"


def test_trend_as_json(portfolio, api_for):
    response = api_for(portfolio.manager).get(TREND, {"by": "tier", "months": 24, "forecast": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["months"][0] == "2024-11"
    assert body["months"][-1] == "2026-10"
    assert len(body["months"]) == 24
    assert body["series"][0]["key"] == "total"
    assert body["series"][0]["values"][-1] == "350000.00"
    assert body["series"][1] == {"key": "A", "label": "A (key)", "values": ["0.00"] * 23 + ["350000.00"]}
    assert body["running"] == {
        "month": "2026-11",
        "through": "2026-11-22",
        "values": ["250000.00", "0.00", "210000.00", "40000.00", "0.00"],
    }
    forecast = body["forecast"]
    assert forecast["method"] == "holt"  # 13 months from 2025-10
    assert forecast["months"] == ["2026-12", "2027-01", "2027-02"]
    assert len(forecast["values"]) == len(forecast["lower"]) == len(forecast["upper"]) == 3
    assert all(
        float(lo) <= float(v) <= float(hi)
        for lo, v, hi in zip(*(forecast[k] for k in ("lower", "values", "upper")), strict=True)
    )
    assert forecast["backtest_mape"] is not None
    assert forecast["baseline_mape"] is not None


def test_too_few_months_answer_an_empty_forecast(portfolio, api_for):
    body = api_for(portfolio.manager).get(TREND, {"months": 5}).json()
    assert body["months_of_data"] == 1
    assert body["forecast"] == {
        "months": [],
        "values": [],
        "lower": [],
        "upper": [],
        "method": None,
        "backtest_mape": None,
        "baseline_mape": None,
    }


def test_trend_of_a_sales_rep_is_own_customers(portfolio, api_for):
    body = api_for(portfolio.other_rep).get(TREND).json()
    assert body["running"]["values"] == ["40000.00"]
    assert set(body["series"][0]["values"]) == {"0.00"}


def test_trend_csv_has_a_row_per_series_and_forecast_line(portfolio, api_for):
    response = api_for(portfolio.manager).get(TREND, {"by": "region", "months": 13, "format": "csv"})
    assert response.status_code == 200
    assert 'filename="trend-2026-11-22.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert rows[0][:2] == ["Region", "2025-10"]
    assert rows[0][13:16] == ["2026-10", "2026-11 (so far)", "2026-12 (forecast)"]
    assert [row[0] for row in rows[1:]] == [
        "Total",
        "Zhejiang",
        "Jiangsu",
        "Forecast",
        "Forecast, lower bound (80%)",
        "Forecast, upper bound (80%)",
    ]
    assert rows[2][13:15] == ["350000.00", "40000.00"]
    assert rows[4][:14] == ["Forecast"] + [""] * 13  # forecast lines fill the forecast months only
    assert rows[4][15]


def test_trend_xlsx_holds_numbers_and_no_forecast_columns_without_a_forecast(portfolio, api_for):
    response = api_for(portfolio.manager).get(TREND, {"months": 12, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "2026-11 (so far)"
    assert values[1][0] == "Total"
    assert values[1][12] == 350000
    assert len(values) == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"by": "colour"}, "by"),
        ({"months": "0"}, "months"),
        ({"months": "x"}, "months"),
        ({"forecast": "13"}, "forecast"),
    ],
)
def test_bad_trend_queries_get_a_400(portfolio, api_for, params, field):
    response = api_for(portfolio.manager).get(TREND, params)
    assert response.status_code == 400
    assert field in response.json()


def _correlated(portfolio, count=12):
    """``count`` customers of the rep whose purchases grow with their completeness-free index."""
    for index in range(count):
        customer = make_customer(owner=portfolio.rep, name=f"Buyer {index}")
        for days in range(index + 1):
            order(customer, portfolio.erp, 10_000 * (index + 1), days_ago=30 + days)


def test_correlation_as_json(portfolio, api_for):
    _correlated(portfolio)
    body = api_for(portfolio.manager).get(CORRELATION).json()
    keys = [variable["key"] for variable in body["variables"]]
    assert keys[:2] == ["trailing", "orders_365"]
    assert len(keys) == 11
    assert body["variables"][0]["label"] == "Purchases, trailing 12 months (T)"
    assert body["customers"] == 16
    assert body["n"][0][1] == 16
    assert body["pearson"][0][1] > 0.8  # more orders, more purchases
    assert body["spearman"][0][1] > 0.8
    net_worth = keys.index("net_worth")
    assert body["n"][0][net_worth] == 0
    assert body["pearson"][0][net_worth] is None  # nobody has a net worth: n < 10


def test_correlation_of_a_sales_rep_counts_own_customers(portfolio, api_for):
    _correlated(portfolio, count=3)
    body = api_for(portfolio.rep).get(CORRELATION).json()
    assert body["customers"] == 5
    assert body["pearson"][0][1] is None  # 5 < 10


def test_correlation_csv_has_one_row_per_pair(portfolio, api_for):
    _correlated(portfolio)
    response = api_for(portfolio.manager).get(CORRELATION, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert rows[0] == ["Variable", "Other variable", "Customers with both (n)", "Pearson", "Spearman"]
    assert len(rows) == 1 + 11 * 10 // 2
    assert rows[1][:3] == ["Purchases, trailing 12 months (T)", "Orders in 365 days", "16"]
    assert float(rows[1][3]) > 0.8


def test_correlation_as_of_an_earlier_day(portfolio, api_for):
    _correlated(portfolio)
    day = (TODAY - timedelta(days=60)).isoformat()
    body = api_for(portfolio.manager).get(CORRELATION, {"as_of": day}).json()
    assert body["as_of"] == day
    assert body["n"][0][0] == 16


def test_a_manager_without_filters_reads_the_nightly_correlation(portfolio, api_for, client_for):
    from analytics.scope import AnalysisScope
    from analytics.selectors.correlation import correlation, correlation_over
    from analytics.services import correlation_snapshot_refresh
    from customers.selectors import live_customers

    _correlated(portfolio)
    assert correlation_snapshot_refresh(today=TODAY) == 16
    yesterday = TODAY - timedelta(days=1)
    expected = correlation_over(customers=live_customers(), as_of=yesterday, today=TODAY)
    stored = correlation(scope=AnalysisScope(user=portfolio.manager, as_of=TODAY, today=TODAY))
    assert stored.snapshot_of == yesterday
    assert stored.matrices() == expected.matrices()
    assert api_for(portfolio.manager).get(CORRELATION).json()["pearson"] == expected.pearson
    html = client_for(portfolio.manager).get("/analytics/correlation/").content.decode()
    assert "Coefficients as of 2026-11-21 (computed nightly)." in html
    mine = correlation(scope=AnalysisScope(user=portfolio.rep, as_of=TODAY, today=TODAY))
    assert mine.snapshot_of == yesterday  # a rep's own customers are kept nightly too (the test below)
    assert mine.customers == 14
    region = correlation(scope=AnalysisScope(user=portfolio.manager, as_of=TODAY, today=TODAY, region="Jiangsu"))
    assert region.snapshot_of is None


def test_a_rep_and_an_owner_filter_read_the_owner_s_nightly_correlation(portfolio, api_for):
    """DOMAIN §10.4 over a rep's own customers: the nightly run keeps each owner's coefficients beside the
    portfolio's, from the same rows; the rep, and a manager filtering by that owner, read them as of yesterday
    (the same figures as computed over those customers then); an earlier day or a region is computed."""
    from analytics.scope import AnalysisScope
    from analytics.selectors.correlation import correlation, correlation_over
    from analytics.services import correlation_snapshot_refresh
    from customers.selectors import customers_read_in_full

    _correlated(portfolio)
    correlation_snapshot_refresh(today=TODAY)
    yesterday = TODAY - timedelta(days=1)
    own = customers_read_in_full(user=portfolio.rep)
    expected = correlation_over(customers=own, as_of=yesterday, today=TODAY)
    mine = correlation(scope=AnalysisScope(user=portfolio.rep, as_of=TODAY, today=TODAY))
    assert (mine.snapshot_of, mine.customers) == (yesterday, 14)
    assert mine.matrices() == expected.matrices()
    assert api_for(portfolio.rep).get(CORRELATION).json()["spearman"] == expected.spearman
    owner = AnalysisScope(user=portfolio.manager, as_of=TODAY, today=TODAY, owner=portfolio.rep.username)
    assert correlation(scope=owner).matrices() == expected.matrices()
    earlier = correlation(scope=AnalysisScope(user=portfolio.rep, as_of=TODAY - timedelta(days=60), today=TODAY))
    assert earlier.snapshot_of is None
    region = AnalysisScope(user=portfolio.rep, as_of=TODAY, today=TODAY, region="Jiangsu")
    assert correlation(scope=region).snapshot_of is None
