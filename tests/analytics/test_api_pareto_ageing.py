"""GET /api/v1/analytics/pareto/ and /ageing/ (API.md "Analysis", DOMAIN §10.2 and §10.7): the JSON shapes, the
same rows as CSV and XLSX, limits, scoping and bad queries."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from credit import services
from tests.analytics.conftest import TODAY

pytestmark = pytest.mark.django_db
PARETO, AGEING = "/api/v1/analytics/pareto/", "/api/v1/analytics/ageing/"


def test_pareto_as_json(portfolio, api_for):
    body = api_for(portfolio.manager).get(PARETO).json()
    assert body["as_of"] == "2026-11-22"
    assert body["rows"][0] == {
        "position": 1,
        "code": portfolio.customers["A"].code,
        "name": "Alpha Valves",
        "amount": "350000.00",
        "share": "58.3",
        "cumulative_share": "58.3",
        "abc": "A",
    }
    assert (body["customers_for_80_percent"], body["top10_share"], body["hhi"]) == (2, "100.0", "4672.2")
    assert body["classes"][0] == {
        "key": "A",
        "customers": 2,
        "customer_share": "50.0",
        "amount": "560000.00",
        "amount_share": "93.3",
    }
    assert body["total"] == {"customers": 4, "amount": "600000.00"}


def test_pareto_limit_and_its_bounds(portfolio, api_for):
    client = api_for(portfolio.manager)
    body = client.get(PARETO, {"limit": 1}).json()
    assert (len(body["rows"]), body["limit"], body["total"]["customers"]) == (1, 1, 4)
    for bad in ("0", "1001", "x"):
        response = client.get(PARETO, {"limit": bad})
        assert response.status_code == 400
        assert "limit" in response.json()


def test_pareto_csv_and_xlsx_hold_the_top_list(portfolio, api_for):
    client = api_for(portfolio.manager)
    response = client.get(PARETO, {"format": "csv"})
    assert 'filename="pareto-2026-11-22.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == [
        "Rank",
        "Code",
        "Name",
        "Purchases, trailing 12 months",
        "Share of purchases (%)",
        "Cumulative share (%)",
        "ABC class",
    ]
    assert rows[2] == ["2", portfolio.customers["B"].code, "Beta Pumps", "210000.00", "35.0", "93.3", "A"]
    sheet = load_workbook(io.BytesIO(client.get(PARETO, {"format": "xlsx"}).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == 1
    assert values[1][2] == "Alpha Valves"
    assert values[1][3] == 350000
    assert len(values) == 1 + 4


@pytest.fixture
def owing(portfolio):
    """The portfolio with 50,000 paid by Alpha yesterday: its 350,000 falls due today."""
    services.payment_record(
        customer=portfolio.customers["A"],
        paid_on=TODAY - timedelta(days=1),
        amount=Decimal(50_000),
        by=portfolio.erp,
        today=TODAY,
    )
    return portfolio


def test_ageing_as_json_by_owner(owing, api_for):
    body = api_for(owing.manager).get(AGEING, {"group": "owner"}).json()
    assert body["buckets"] == ["not_due", "1_30", "31_60", "61_90", "over_90"]
    assert body["group"] == "owner"
    rep_row = body["rows"][0]
    assert rep_row["key"] == "rep"
    assert rep_row["label"] == "Lei Wang"
    # Alpha: 350,000 due today, 50,000 paid; Beta: 210,000 not due, 100,000 due 370 days ago
    assert {k: rep_row[k] for k in ("not_due", "1_30", "31_60", "61_90", "over_90", "total")} == {
        "not_due": "510000.00",
        "1_30": "0.00",
        "31_60": "0.00",
        "61_90": "0.00",
        "over_90": "100000.00",
        "total": "610000.00",
    }
    assert body["total"]["total"] == "650000.00"
    assert body["dso"] == str((Decimal(650_000) / Decimal(600_000) * 90).quantize(Decimal("0.1")))


def test_ageing_of_a_rep_and_its_csv(owing, api_for):
    client = api_for(owing.rep)
    body = client.get(AGEING, {"group": "customer"}).json()
    assert [row["label"].split(" ", 1)[1] for row in body["rows"]] == ["Beta Pumps", "Alpha Valves"]
    response = client.get(AGEING, {"group": "customer", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert rows[0] == [
        "Customer",
        "Not yet due",
        "1–30 days",
        "31–60 days",
        "61–90 days",
        "Over 90 days",
        "Total receivables",
    ]
    assert rows[-1] == ["Total", "510000.00", "0.00", "0.00", "0.00", "100000.00", "610000.00"]
    sheet = load_workbook(io.BytesIO(client.get(AGEING, {"format": "xlsx"}).content)).active
    assert list(sheet.iter_rows(values_only=True))[1][0] == "All customers"


@pytest.mark.parametrize(("params", "field"), [({"group": "colour"}, "group"), ({"limit": "0"}, "limit")])
def test_ageing_bad_queries_get_a_400(portfolio, api_for, params, field):
    response = api_for(portfolio.manager).get(AGEING, {**params, "format": "xlsx"})
    assert response.status_code == 400
    assert field in response.json()


def test_the_schema_documents_both(api_for, manager):
    schema = api_for(manager).get("/api/schema/", {"format": "json"}).json()
    ageing = schema["components"]["schemas"]["AgeingRow"]["properties"]
    assert {"key", "label", "not_due", "1_30", "over_90", "total"} <= set(ageing)
    assert "0–10,000" in schema["components"]["schemas"]["Pareto"]["properties"]["hhi"]["description"]
