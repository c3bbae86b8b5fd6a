"""GET /api/v1/analytics/segments/ and /clusters/ (API.md Analysis, DOMAIN §10.5): shape, filters, scope, files."""

import csv
import io

import pytest

from analytics.services import segmentation_compute
from tests.analytics.conftest import TODAY

pytestmark = pytest.mark.django_db
SEGMENTS = "/api/v1/analytics/segments/"
CLUSTERS = "/api/v1/analytics/clusters/"
SUMMARY = "/api/v1/analytics/segments/summary/"


@pytest.fixture
def segmented(portfolio):
    segmentation_compute(today=TODAY)
    return portfolio


def test_the_list_has_one_row_per_scored_customer_in_the_documented_shape(segmented, api_for):
    body = api_for(segmented.manager).get(SEGMENTS).json()
    assert set(body) == {"next", "previous", "results"}
    by_name = {row["name"]: row for row in body["results"]}
    assert set(by_name) == {"Alpha Valves", "Beta Pumps", "Gamma Pipes"}
    beta = by_name["Beta Pumps"]
    assert set(beta) == {"code", "name", "recency_days", "frequency", "monetary", "r", "f", "m", "segment", "cluster"}
    assert (beta["recency_days"], beta["frequency"], beta["monetary"]) == (20, 1, "210000.00")


def test_a_sales_rep_reads_own_customers_rows_only(segmented, api_for):
    names = {row["name"] for row in api_for(segmented.rep).get(SEGMENTS).json()["results"]}
    assert names == {"Alpha Valves", "Beta Pumps"}
    sizes = sum(cluster["size"] for cluster in api_for(segmented.rep).get(CLUSTERS).json())
    assert sizes == 2


def test_filters_by_segment_and_cluster(segmented, api_for):
    client = api_for(segmented.manager)
    rows = client.get(SEGMENTS).json()["results"]
    gamma = next(row for row in rows if row["name"] == "Gamma Pipes")
    found = client.get(SEGMENTS, {"segment": gamma["segment"]}).json()["results"]
    assert "Gamma Pipes" in {row["name"] for row in found}
    assert all(row["segment"] == gamma["segment"] for row in found)
    found = client.get(SEGMENTS, {"cluster": gamma["cluster"]}).json()["results"]
    assert all(row["cluster"] == gamma["cluster"] for row in found)


def test_the_list_pages_by_cursor(segmented, api_for):
    client = api_for(segmented.manager)
    first = client.get(SEGMENTS, {"page_size": 2}).json()
    assert len(first["results"]) == 2
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert client.get(SEGMENTS, {"cursor": "cD1hYmM="}).status_code == 404  # position "abc" is no customer id


@pytest.mark.parametrize("query", [{"segment": "gold"}, {"cluster": "x"}, {"cluster": -1}])
def test_a_bad_filter_is_a_400(segmented, api_for, query):
    response = api_for(segmented.manager).get(SEGMENTS, query)
    assert response.status_code == 400


def test_clusters_have_label_size_and_centroid_in_original_units(segmented, api_for):
    clusters = api_for(segmented.manager).get(CLUSTERS).json()
    assert sum(cluster["size"] for cluster in clusters) == 3
    first = clusters[0]
    assert set(first) == {"id", "label", "size", "centroid"}
    assert set(first["centroid"]) == {"recency_days", "frequency", "monetary", "on_time_ratio"}
    assert "buyers" in first["label"]


def test_before_the_first_run_both_answer_empty(portfolio, api_for):
    client = api_for(portfolio.manager)
    assert client.get(SEGMENTS).json()["results"] == []
    assert client.get(CLUSTERS).json() == []


def test_the_list_exports_as_csv_and_xlsx(segmented, api_for):
    client = api_for(segmented.manager)
    response = client.get(SEGMENTS, {"format": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Code", "Name", "Days since the last order"]
    assert len(rows) == 4
    assert f"segments-{TODAY}.csv" in response["Content-Disposition"]
    response = client.get(CLUSTERS, {"format": "xlsx"})
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_the_list_runs_a_constant_number_of_queries(segmented, api_for, django_assert_max_num_queries):
    client = api_for(segmented.manager)
    with django_assert_max_num_queries(8):
        client.get(SEGMENTS)
    with django_assert_max_num_queries(8):
        client.get(CLUSTERS)


def test_without_the_analysis_permission_it_is_refused(segmented, make_user, api_for):
    nobody = make_user(username="nobody")
    assert api_for(nobody).get(SEGMENTS).status_code == 403


def test_a_customer_archived_since_the_run_leaves_every_count(segmented, api_for):
    from customers.services import customer_archive

    customer_archive(customer=segmented.customers["C"], by=segmented.manager)
    for user, expected in ((segmented.manager, 2), (segmented.rep, 2)):
        body = api_for(user).get(SUMMARY).json()
        assert sum(row["customers"] for row in body["segments"]) == expected
        assert sum(cluster["size"] for cluster in body["clusters"]) == expected
    names = {row["name"] for row in api_for(segmented.manager).get(SEGMENTS).json()["results"]}
    assert "Gamma Pipes" not in names


def test_the_summary_counts_every_segment_for_the_chart(segmented, api_for):
    body = api_for(segmented.manager).get(SUMMARY).json()
    assert body["computed_on"] == "2026-11-22"
    assert [row["key"] for row in body["segments"]] == [
        "champions",
        "loyal",
        "new",
        "needs_attention",
        "at_risk",
        "hibernating",
        "lost",
    ]
    assert sum(row["customers"] for row in body["segments"]) == 3
    assert api_for(segmented.manager).get(SUMMARY, {"format": "csv"}).status_code == 200


def test_a_list_too_long_for_a_file_asks_for_a_filter(segmented, api_for, monkeypatch):
    from analytics.api import views

    monkeypatch.setattr(views, "EXPORT_LIMIT", 2)
    response = api_for(segmented.manager).get(SEGMENTS, {"format": "csv"})
    assert response.status_code == 400
    assert "holds 3 customers" in response.json()["format"][0]
    assert api_for(segmented.rep).get(SEGMENTS, {"format": "csv"}).status_code == 200
