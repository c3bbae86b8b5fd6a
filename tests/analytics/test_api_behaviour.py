"""GET /api/v1/analytics/behaviour/?topic= (API.md Analysis, DOMAIN §10.6): shapes, scope, files, the page."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from customers import services as customer_services
from tests.analytics.conftest import TODAY

pytestmark = pytest.mark.django_db
URL = "/api/v1/analytics/behaviour/"
TOPICS = ("promotions", "products", "feedback", "retention", "response")


@pytest.fixture
def responses(portfolio):
    for customer, name in ((portfolio.customers["A"], "Spring"), (portfolio.customers["C"], "Summer")):
        customer_services.interaction_record(
            customer=customer,
            kind="promotion_response",
            occurred_on=TODAY - timedelta(days=40),
            subject="Mailing",
            by=portfolio.rep,
            today=TODAY,
            promotion=name,
            response="positive",
            cost=Decimal("100"),
        )
    return portfolio


def test_promotions_as_json_with_money_and_share_strings(responses, api_for):
    body = api_for(responses.manager).get(URL, {"topic": "promotions"}).json()
    assert body["topic"] == "promotions"
    assert body["as_of"] == "2026-11-22"
    assert body["rows"][0] == {
        "promotion": "Spring",
        "responses": 1,
        "positive_share": "100.0",
        "orders": 1,
        "sales": "350000.00",
        "cost": "100.00",
        "sales_per_cost": "3500.00",
    }


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_answers_rows_and_exports(responses, api_for, topic):
    client = api_for(responses.manager)
    response = client.get(URL, {"topic": topic})
    assert response.status_code == 200
    assert isinstance(response.json()["rows"], list)
    exported = client.get(URL, {"topic": topic, "format": "csv"})
    assert exported.status_code == 200
    assert f"behaviour-{topic}-2026-11-22.csv" in exported["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == len(response.json()["rows"]) + 1
    assert client.get(URL, {"topic": topic, "format": "xlsx"}).content[:2] == b"PK"


def test_retention_reports_the_churned(responses, api_for):
    body = api_for(responses.manager).get(URL, {"topic": "retention"}).json()
    assert body["churned"] == {"customers": 0, "of": 1, "share": "0.0"}
    assert len(body["rows"]) == 8


def test_a_sales_rep_sees_own_customers_only(responses, api_for):
    rows = api_for(responses.rep).get(URL, {"topic": "promotions"}).json()["rows"]
    assert [row["promotion"] for row in rows] == ["Spring"]


def test_an_unknown_topic_is_a_400(responses, api_for):
    response = api_for(responses.manager).get(URL, {"topic": "weather"})
    assert response.status_code == 400
    assert "topic" in response.json()


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_runs_a_constant_number_of_queries(responses, api_for, django_assert_max_num_queries, topic):
    client = api_for(responses.manager)
    with django_assert_max_num_queries(10):
        client.get(URL, {"topic": topic})


@pytest.mark.parametrize("topic", TOPICS)
def test_the_page_draws_each_topic(responses, client_for, topic):
    response = client_for(responses.manager).get(reverse("analytics_behaviour"), {"topic": topic})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="behaviour"' in html
    assert f"/api/v1/analytics/behaviour/?topic={topic}" in html
    assert 'data-testid="report-table"' in html


def test_the_page_says_what_is_missing_without_promotion_responses(portfolio, client_for):
    html = client_for(portfolio.manager).get(reverse("analytics_behaviour")).content.decode()
    assert "No promotion responses recorded yet" in html


def test_an_unknown_topic_page_is_a_404(portfolio, client_for):
    assert client_for(portfolio.manager).get(reverse("analytics_behaviour"), {"topic": "x"}).status_code == 404
