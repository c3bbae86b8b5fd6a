"""GET /api/v1/analytics/composition/ (API.md "Analysis"): the JSON, the same rows as CSV and XLSX, scoping, errors."""

import csv
import io

import pytest
from openpyxl import load_workbook

from crm import roles

pytestmark = pytest.mark.django_db
URL = "/api/v1/analytics/composition/"


def test_tiers_as_json_with_money_and_share_strings(portfolio, api_for):
    response = api_for(portfolio.manager).get(URL, {"by": "tier"})
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-11-22"
    assert body["by"] == "tier"
    assert body["rows"][0] == {
        "key": "A",
        "label": "A (key)",
        "customers": 1,
        "share": "25.0",
        "amount": "350000.00",
        "amount_share": "58.3",
    }
    assert body["total"] == {"customers": 4, "amount": "600000.00"}


def test_a_sales_rep_gets_own_customers_only(portfolio, api_for):
    body = api_for(portfolio.rep).get(URL, {"by": "owner"}).json()
    assert [row["key"] for row in body["rows"]] == ["rep"]
    assert body["total"]["customers"] == 2


def test_csv_has_a_bom_a_header_and_the_same_rows(portfolio, api_for):
    response = api_for(portfolio.manager).get(URL, {"by": "tier", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="composition-2026-11-22.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header = ["Tier", "Customers", "Share of customers (%)", "Purchases, trailing 12 months", "Share of purchases (%)"]
    assert rows[0] == header
    assert rows[1] == ["A (key)", "1", "25.0", "350000.00", "58.3"]
    assert len(rows) == 1 + 4


def test_xlsx_holds_numbers_as_numbers(portfolio, api_for):
    response = api_for(portfolio.manager).get(URL, {"by": "region", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Region"
    assert values[1][:3] == ("Zhejiang", 2, 50)


def test_a_cell_that_looks_like_a_formula_stays_text(make_user, api_for, rep):
    from tests.factories import make_customer

    make_customer(owner=rep, name="Evil", region='=HYPERLINK("http://x")')
    response = api_for(rep).get(URL, {"by": "region", "format": "csv"})
    assert "'=HYPERLINK" in response.content.decode("utf-8")
    xlsx = api_for(rep).get(URL, {"by": "region", "format": "xlsx"})
    cell = load_workbook(io.BytesIO(xlsx.content)).active["A2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


@pytest.mark.parametrize(
    ("params", "field"), [({"by": "colour"}, "by"), ({"as_of": "1800-01-01"}, "as_of"), ({"as_of": "x"}, "as_of")]
)
def test_bad_queries_get_a_400_on_the_field_even_for_a_file(portfolio, api_for, params, field):
    response = api_for(portfolio.manager).get(URL, {**params, "format": "csv"})
    assert response.status_code == 400
    assert field in response.json()


def test_a_user_without_a_role_is_refused(make_user, api_for):
    assert api_for(make_user(None, username="nobody")).get(URL).status_code == 403


def test_every_role_may_analyse(make_user, api_for):
    for role in roles.ALL_ROLES:
        assert api_for(make_user(role, username=f"u-{role}")).get(URL).status_code == 200
