"""The Statistics and Ageing pages (DOMAIN §10.2, §10.7): chart, tables, drill-downs, scope, empty states and a
constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from credit import services
from crm import roles
from tests.analytics.conftest import TODAY
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_the_pareto_page_shows_figures_classes_and_the_top_list(portfolio, client_for):
    html = client_for(portfolio.manager).get(reverse("analytics_pareto")).content.decode()
    assert 'data-chart="pareto"' in html
    assert "/api/v1/analytics/pareto/" in html
    assert "2 of 4" in html  # customers making 80%
    assert "4672.2" in html
    assert reverse("customer_detail", args=[portfolio.customers["A"].code]) in html
    assert "report=abc&amp;key=A" in html
    assert "format=xlsx" in html


def test_an_abc_class_drills_to_its_customers(portfolio, client_for):
    response = client_for(portfolio.manager).get(reverse("analytics_customers"), {"report": "abc", "key": "A"})
    html = response.content.decode()
    assert "Customers in ABC class A as of 2026-11-22" in html
    assert "Alpha Valves" in html
    assert "Beta Pumps" in html
    assert "Gamma Pipes" not in html


def test_the_ageing_page_links_each_bucket_to_its_customers(portfolio, client_for):
    client = client_for(portfolio.manager)
    html = client.get(reverse("analytics_ageing"), {"group": "owner"}).content.decode()
    assert 'data-chart="ageing"' in html
    assert "DSO" in html
    assert 'data-drill-key="rep|over_90"' in html
    assert "report=ageing&amp;key=owner%7Crep%7Cover_90" in html
    drill = client.get(
        reverse("analytics_customers"), {"group": "owner", "report": "ageing", "key": "owner|rep|over_90"}
    )
    text = drill.content.decode()
    assert "Customers with receivables Over 90 days, Owner rep, as of 2026-11-22" in text
    assert "Beta Pumps" in text
    assert "Alpha Valves" not in text


def test_a_sales_rep_sees_own_receivables_only(portfolio, client_for):
    html = client_for(portfolio.rep).get(reverse("analytics_ageing"), {"group": "customer"}).content.decode()
    assert "Beta Pumps" in html
    assert "Gamma Pipes" not in html


def test_empty_states_say_what_is_missing(make_user, client_for):
    client = client_for(make_user(roles.SALES, username="newbie"))
    assert "No customers in this analysis yet" in client.get(reverse("analytics_pareto")).content.decode()
    assert "Nothing is owed on this day" in client.get(reverse("analytics_ageing")).content.decode()


def test_an_unknown_group_is_a_404(portfolio, client_for):
    assert client_for(portfolio.manager).get(reverse("analytics_ageing"), {"group": "x"}).status_code == 404


@pytest.mark.parametrize(("name", "params"), [("analytics_pareto", {}), ("analytics_ageing", {"group": "customer"})])
def test_the_pages_run_a_constant_number_of_queries(portfolio, client_for, django_assert_max_num_queries, name, params):
    client = client_for(portfolio.manager)
    with django_assert_max_num_queries(16):
        client.get(reverse(name), params)
    for index in range(5):
        more = make_customer(owner=portfolio.other_rep, name=f"More {index}")
        services.order_place(
            customer=more,
            lines=[services.OrderLineInput("DN50", Decimal(1), Decimal(1000 + index))],
            order_date=TODAY - timedelta(days=50),
            due_date=TODAY - timedelta(days=20),
            by=portfolio.erp,
            today=TODAY,
            historical=True,
        )
    with django_assert_max_num_queries(16):
        client.get(reverse(name), params)
