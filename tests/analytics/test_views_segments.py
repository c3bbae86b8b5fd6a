"""The segmentation page (DOMAIN §10.5): as of the nightly run, nothing before it, drill-downs, scope, queries."""

import pytest
from django.urls import reverse

from analytics.services import segmentation_compute
from tests.analytics.conftest import TODAY
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_before_the_first_run_the_page_says_so_and_shows_nothing(portfolio, client_for):
    html = client_for(portfolio.manager).get(reverse("analytics_segments")).content.decode()
    assert "The segmentation has not run yet" in html
    assert "Not computed yet" in html
    assert 'data-chart="segments"' not in html
    assert "Alpha Valves" not in html


def test_the_page_shows_the_run_day_counts_clusters_and_customers(portfolio, client_for):
    segmentation_compute(today=TODAY)
    html = client_for(portfolio.manager).get(reverse("analytics_segments")).content.decode()
    assert f"As of {TODAY:%Y-%m-%d}" in html
    assert 'data-chart="segments"' in html
    assert 'data-chart="clusters"' in html
    assert "/api/v1/analytics/segments/summary/" in html
    assert "/analytics/customers/?report=segment&amp;key=champions" in html
    assert "report=cluster&amp;key=0" in html
    assert "Gamma Pipes" in html
    assert "format=csv" in html


def test_a_sales_rep_sees_own_customers_only(portfolio, client_for):
    segmentation_compute(today=TODAY)
    html = client_for(portfolio.rep).get(reverse("analytics_segments")).content.decode()
    assert "Alpha Valves" in html
    assert "Gamma Pipes" not in html


def test_a_segment_filter_narrows_the_list(portfolio, client_for):
    segmentation_compute(today=TODAY)
    from analytics.models import CustomerSegment

    gamma = CustomerSegment.objects.get(customer=portfolio.customers["C"])
    client = client_for(portfolio.manager)
    html = client.get(reverse("analytics_segments"), {"segment": gamma.segment}).content.decode()
    table = html.split('data-testid="segment-customers"')[1]
    assert "Gamma Pipes" in table
    others = CustomerSegment.objects.exclude(segment=gamma.segment).select_related("customer")
    for row in others:
        assert row.customer.name not in table


def test_a_segment_drill_down_lists_its_customers(portfolio, client_for):
    segmentation_compute(today=TODAY)
    from analytics.models import CustomerSegment

    gamma = CustomerSegment.objects.get(customer=portfolio.customers["C"])
    client = client_for(portfolio.manager)
    response = client.get(reverse("analytics_customers"), {"report": "segment", "key": gamma.segment})
    assert "Gamma Pipes" in response.content.decode()
    assert "Customers in the segment" in response.content.decode()
    response = client.get(reverse("analytics_customers"), {"report": "cluster", "key": str(gamma.cluster)})
    assert "Gamma Pipes" in response.content.decode()
    response = client.get(reverse("analytics_customers"), {"report": "cluster", "key": "x"})
    assert response.status_code == 200
    assert "Gamma Pipes" not in response.content.decode()


def test_a_bad_filter_is_a_form_error_not_a_500(portfolio, client_for):
    segmentation_compute(today=TODAY)
    response = client_for(portfolio.manager).get(reverse("analytics_segments"), {"segment": "gold", "cluster": "x"})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


def test_the_page_runs_a_constant_number_of_queries(portfolio, client_for, django_assert_max_num_queries):
    segmentation_compute(today=TODAY)
    client = client_for(portfolio.manager)
    with django_assert_max_num_queries(20):
        client.get(reverse("analytics_segments"))
    from tests.analytics.conftest import order

    for index in range(5):
        order(make_customer(owner=portfolio.other_rep, name=f"More {index}"), portfolio.erp, 1000 * (index + 1))
    segmentation_compute(today=TODAY)
    with django_assert_max_num_queries(20):
        client.get(reverse("analytics_segments"))


@pytest.mark.parametrize(
    ("user", "filters"),
    [
        ("manager", {}),
        ("manager", {"segment": "C"}),
        ("manager", {"cluster": "C"}),
        ("manager", {"segment": "C", "cluster": "C"}),
        ("rep", {}),
        ("rep", {"segment": "A"}),
    ],
    ids=["all", "segment", "cluster", "segment-and-cluster", "rep", "rep-segment"],
)
def test_the_list_pages_as_many_customers_as_it_lists(portfolio, client_for, user, filters):
    """The page counts its list from the summary it shows (DOMAIN §10.5: the customers in scope per segment and
    cluster), not by a COUNT(*) over a million scored rows: the counts agree with the rows, archived ones out."""
    from analytics.models import CustomerSegment
    from customers.services import customer_archive

    segmentation_compute(today=TODAY)
    customer_archive(customer=portfolio.customers["D"], by=portfolio.manager)
    key = portfolio.customers[next(iter(filters.values()), "A")]
    scored = CustomerSegment.objects.get(customer=key)
    query = {"segment": scored.segment} if "segment" in filters else {}
    query |= {"cluster": scored.cluster} if "cluster" in filters else {}
    response = client_for(getattr(portfolio, user)).get(reverse("analytics_segments"), query)
    listed = CustomerSegment.objects.filter(customer__deleted_at__isnull=True, **query)
    if user == "rep":
        listed = listed.filter(customer__owner=portfolio.rep)
    assert response.context["page"].paginator.count == listed.count() > 0
