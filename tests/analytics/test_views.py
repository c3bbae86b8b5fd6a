"""The analysis pages (DOMAIN §10): the table behind the chart, drill-down links, exports, scope and empty states."""

import pytest
from django.urls import reverse

from crm.models import AccessLog

pytestmark = pytest.mark.django_db


def test_the_composition_page_shows_the_table_with_links_to_the_customers(portfolio, client_for):
    response = client_for(portfolio.manager).get(reverse("analytics_composition"), {"by": "tier_grade"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="composition"' in html
    assert "/api/v1/analytics/composition/?by=tier_grade" in html
    assert "/customers/?tier=A&amp;payment_grade=" in html
    assert "format=xlsx" in html
    assert "format=csv" in html


def test_the_analysis_is_in_the_main_navigation(portfolio, client_for):
    html = client_for(portfolio.rep).get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("analytics")}"' in html


def test_a_drill_down_lands_on_the_customer_list_filtered(portfolio, client_for):
    response = client_for(portfolio.manager).get(reverse("customer_list"), {"tier": "A"})
    html = response.content.decode()
    assert "Alpha Valves" in html
    assert "Beta Pumps" not in html
    assert 'data-testid="drill-filters"' in html


def test_a_product_drill_down_lists_its_buyers_and_logs_full_rows(portfolio, client_for):
    client = client_for(portfolio.manager)
    response = client.get(reverse("analytics_customers"), {"report": "product", "key": "DN50 ball valve"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beta Pumps" in html
    assert "Alpha Valves" not in html
    assert AccessLog.objects.filter(user=portfolio.manager, object_ref="list").exists()


def test_a_sales_rep_sees_own_customers_and_no_owner_filter(portfolio, client_for):
    html = client_for(portfolio.rep).get(reverse("analytics_composition"), {"by": "owner"}).content.decode()
    assert "your own customers" in html
    assert 'name="owner"' not in html
    assert "Lei Wang" in html
    assert "other_rep" not in html


def test_an_empty_scope_says_what_is_missing(make_user, client_for):
    from crm import roles

    html = client_for(make_user(roles.SALES, username="newbie")).get(reverse("analytics")).content.decode()
    assert 'data-testid="empty-state"' in html
    assert "No customers in this analysis yet" in html


def test_a_bad_day_is_an_error_on_the_form_not_a_500(portfolio, client_for):
    response = client_for(portfolio.manager).get(reverse("analytics_composition"), {"as_of": "1700-01-01"})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


def test_the_page_runs_a_constant_number_of_queries(portfolio, client_for, django_assert_max_num_queries):
    client = client_for(portfolio.manager)
    with django_assert_max_num_queries(16):
        client.get(reverse("analytics_composition"), {"by": "owner"})
    from tests.factories import make_customer

    for index in range(5):
        make_customer(owner=portfolio.other_rep, name=f"More {index}", region=f"R{index}")
    with django_assert_max_num_queries(16):
        client.get(reverse("analytics_composition"), {"by": "region"})
