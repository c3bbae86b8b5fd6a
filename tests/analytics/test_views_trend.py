"""The trend and correlation pages (DOMAIN §10.3–§10.4): words beside the chart, the table with drill-downs,
exports, small-data states, scope and constant query counts."""

import pytest
from django.urls import reverse

from analytics.services import monthly_sales_refresh
from tests.analytics.conftest import TODAY, order
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_the_trend_page_says_how_the_forecast_did_against_the_naive_guess(portfolio, client_for):
    response = client_for(portfolio.manager).get(reverse("analytics_trend"), {"by": "tier"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="trend"' in html
    assert "/api/v1/analytics/trend/?by=tier" in html
    assert "Forecast by Holt's linear trend from 13 months of sales (a season needs 24)." in html
    assert "The forecast missed by" in html
    assert "the naive guess (the same month a year earlier, else the last month) by" in html
    assert "2026-11 is still running" in html
    assert "Monthly sums of the orders up to 2026-11-22." in html
    assert "/customers/?tier=A" in html
    assert "format=xlsx" in html


def test_too_few_months_say_what_is_missing(portfolio, client_for):
    html = client_for(portfolio.manager).get(reverse("analytics_trend"), {"months": "5"}).content.decode()
    assert "Needs 6 months of orders for a forecast: there is 1 complete month since the first sale." in html


def test_a_product_line_leads_to_its_buyers(portfolio, client_for):
    client = client_for(portfolio.manager)
    html = client.get(reverse("analytics_trend"), {"by": "product"}).content.decode()
    assert "/analytics/customers/?by=product&amp;report=trend_product&amp;key=DN50+ball+valve" in html
    buyers = client.get(reverse("analytics_customers"), {"report": "trend_product", "key": "DN50 ball valve"})
    assert "Beta Pumps" in buyers.content.decode()
    assert "Alpha Valves" not in buyers.content.decode()
    assert "in the 24 months before 2026-11-22" in buyers.content.decode()


def test_the_page_shows_the_nightly_stamp_when_it_reads_the_aggregate(portfolio, client_for):
    monthly_sales_refresh(today=TODAY)
    html = client_for(portfolio.manager).get(reverse("analytics_trend")).content.decode()
    assert "Monthly sums as of 2026-11-21 (refreshed nightly)." in html
    earlier = client_for(portfolio.rep).get(reverse("analytics_trend"), {"as_of": "2026-10-31"}).content.decode()
    assert "Monthly sums of the orders up to 2026-10-31." in earlier


def test_bad_page_parameters_fall_back_rather_than_fail(portfolio, client_for):
    client = client_for(portfolio.manager)
    assert client.get(reverse("analytics_trend"), {"months": "x", "forecast": "-4"}).status_code == 200
    assert client.get(reverse("analytics_trend"), {"by": "colour"}).status_code == 404


def test_the_correlation_page_has_the_heatmap_and_a_row_per_pair(portfolio, client_for):
    response = client_for(portfolio.manager).get(reverse("analytics_correlation"))
    html = response.content.decode()
    assert 'data-chart="correlation"' in html
    assert "Needs 10 customers with both values for a coefficient: this analysis covers 4 customers." in html
    assert html.count("data-drill-key=") == 55
    assert "Below the diagonal Pearson, above it Spearman" in html


@pytest.mark.parametrize(("name", "params"), [("analytics_trend", {"by": "tier"}), ("analytics_correlation", {})])
def test_the_pages_run_a_constant_number_of_queries(portfolio, client_for, django_assert_max_num_queries, name, params):
    client = client_for(portfolio.manager)
    client.get(reverse(name), params)
    for index in range(6):
        extra = make_customer(owner=portfolio.rep, name=f"Extra {index}", region=f"R{index}")
        order(extra, portfolio.erp, 1_000 + index, days_ago=35 * index)
    with django_assert_max_num_queries(14):
        assert client.get(reverse(name), params).status_code == 200


def test_the_tabs_lead_to_trend_and_correlation(portfolio, client_for):
    html = client_for(portfolio.rep).get(reverse("analytics_composition")).content.decode()
    assert f'href="{reverse("analytics_trend")}"' in html
    assert f'href="{reverse("analytics_correlation")}"' in html
