"""Behaviour (DOMAIN §10.6) on small hand-built histories where the right numbers are obvious."""

from datetime import timedelta
from decimal import Decimal

import pytest

from analytics.scope import AnalysisScope
from analytics.selectors.behaviour import YEAR, behaviour
from analytics.services import monthly_sales_refresh
from customers import services as customer_services
from tests.analytics.conftest import TODAY, order

pytestmark = pytest.mark.django_db


def _scope(user):
    return AnalysisScope(user=user, as_of=TODAY, today=TODAY)


def _record(customer, by, kind, days_ago, **values):
    return customer_services.interaction_record(
        customer=customer,
        kind=kind,
        occurred_on=TODAY - timedelta(days=days_ago),
        subject=values.pop("subject", kind),
        by=by,
        today=TODAY,
        **values,
    )


def _respond(customer, by, promotion, answer, cost, days_ago):
    return _record(
        customer, by, "promotion_response", days_ago, promotion=promotion, response=answer, cost=Decimal(cost)
    )


def test_promotions_count_responses_and_sales_within_90_days(portfolio):
    """Alpha answered "Spring" 100 days ago and ordered 350,000 30 days ago (in the 90 days); Beta answered
    "Spring" negatively 10 days ago after its 210,000 order (before: not counted) and "Autumn" 25 days ago."""
    a, b = portfolio.customers["A"], portfolio.customers["B"]
    _respond(a, portfolio.rep, "Spring", "positive", "1000", days_ago=100)
    _respond(b, portfolio.rep, "Spring", "negative", "500", days_ago=10)
    _respond(b, portfolio.rep, "Autumn", "positive", "2100", days_ago=25)
    _respond(b, portfolio.rep, "Autumn", "positive", "0", days_ago=24)  # a second answer: the order counts once
    rows = {row["promotion"]: row for row in behaviour(scope=_scope(portfolio.manager), topic="promotions").rows}
    assert rows["Spring"] == {
        "promotion": "Spring",
        "responses": 2,
        "positive_share": Decimal("50.0"),
        "orders": 1,
        "sales": Decimal("350000.00"),
        "cost": Decimal("1500.00"),
        "sales_per_cost": Decimal("233.33"),
    }
    assert (rows["Autumn"]["orders"], rows["Autumn"]["sales"], rows["Autumn"]["sales_per_cost"]) == (
        1,
        Decimal("210000.00"),
        Decimal("100.00"),
    )


def test_a_promotion_that_cost_nothing_has_no_ratio(portfolio):
    _respond(portfolio.customers["C"], portfolio.rep, "Free sample", "positive", "0", days_ago=6)
    (row,) = behaviour(scope=_scope(portfolio.manager), topic="promotions").rows
    assert (row["sales"], row["cost"], row["sales_per_cost"]) == (Decimal("40000.00"), Decimal("0.00"), None)


def test_products_split_sales_by_new_products_and_old_customers(portfolio):
    """Trailing sales: A 350,000 (gate valve, first sold 30 days ago), B 210,000 (ball valve, sold 400 days ago
    too, so B is an old customer and the ball valve an old product), C 40,000 (gate valve)."""
    rows = {row["key"]: row for row in behaviour(scope=_scope(portfolio.manager), topic="products").rows}
    assert rows["new_products"]["amount"] == Decimal("390000.00")
    assert rows["new_products"]["share"] == Decimal("65.0")
    assert rows["other_products"]["amount"] == Decimal("210000.00")
    assert rows["old_customers"]["amount"] == Decimal("210000.00")
    assert rows["old_customers"]["share"] == Decimal("35.0")
    assert rows["new_customers"]["amount"] == Decimal("390000.00")


def test_feedback_per_month_and_per_100_orders(portfolio):
    a = portfolio.customers["A"]
    _record(a, portfolio.rep, "complaint", days_ago=5)  # November: orders of A? none; C's order 5 days ago
    _record(a, portfolio.rep, "complaint", days_ago=6)
    _record(a, portfolio.rep, "suggestion", days_ago=7)
    _record(a, portfolio.rep, "visit_report", days_ago=7)  # not feedback
    rows = behaviour(scope=_scope(portfolio.manager), topic="feedback").rows
    assert len(rows) == 12
    november = rows[-1]
    assert november["month"] == "2026-11"
    assert (november["complaint"], november["suggestion"], november["quality_feedback"]) == (2, 1, 0)
    assert november["orders"] == 2  # Beta's 20 and Gamma's 5 days ago
    assert november["complaint_per_100_orders"] == Decimal("100.0")
    assert rows[0]["month"] == "2025-12"
    assert rows[0]["complaint_per_100_orders"] is None  # no orders that month: no rate


def test_retention_cohorts_and_churn(portfolio):
    """B first ordered in 2025-Q4 (400 days ago, 2025-10-18) and again in 2026-Q4; A and C first in 2026-Q4.
    D orders in 2025-Q4 only: churned (ordered in the year before the last, not since)."""
    d = portfolio.customers["D"]
    order(d, portfolio.erp, 1000, days_ago=380)
    report = behaviour(scope=_scope(portfolio.manager), topic="retention")
    rows = {row["cohort"]: row for row in report.rows}
    assert report.rows[0]["cohort"] == "2025-Q1"
    assert rows["2025-Q4"]["customers"] == 2
    assert rows["2025-Q4"]["q4"] == Decimal("50.0")  # 2026-Q4: Beta of Beta and Delta
    assert rows["2025-Q4"]["q1"] == Decimal("0.0")
    assert rows["2025-Q4"]["q5"] is None  # after the day
    assert rows["2026-Q4"]["customers"] == 2
    assert rows["2026-Q4"]["q1"] is None
    assert report.extra["churned"] == {"customers": 1, "of": 2, "share": Decimal("50.0")}


def test_response_is_the_median_days_to_the_next_service_record(portfolio, make_user):
    a, c = portfolio.customers["A"], portfolio.customers["C"]
    _record(a, portfolio.rep, "complaint", days_ago=20)
    _record(a, portfolio.rep, "service", days_ago=18)  # 2 days
    _record(a, portfolio.rep, "quality_feedback", days_ago=10)
    _record(a, portfolio.rep, "service", days_ago=4)  # 6 days
    _record(c, portfolio.other_rep, "complaint", days_ago=9)  # not answered yet
    _record(c, portfolio.other_rep, "service", days_ago=12)  # before it: does not answer it
    rows = behaviour(scope=_scope(portfolio.manager), topic="response").rows
    november = next(row for row in rows if row["key"] == "2026-11")
    assert (november["items"], november["answered"], november["median_days"]) == (3, 2, Decimal("4.0"))
    owners = {row["key"]: row for row in rows if row["group"] == "owner"}
    assert owners["rep"]["label"] == "Lei Wang"
    assert owners["rep"]["median_days"] == Decimal("4.0")
    assert (owners["other_rep"]["items"], owners["other_rep"]["median_days"]) == (1, None)


def test_a_sales_rep_sees_own_customers_only(portfolio):
    _respond(portfolio.customers["C"], portfolio.other_rep, "Other", "positive", "10", days_ago=6)
    _respond(portfolio.customers["A"], portfolio.rep, "Mine", "positive", "10", days_ago=40)
    rows = behaviour(scope=_scope(portfolio.rep), topic="promotions").rows
    assert [row["promotion"] for row in rows] == ["Mine"]
    products = {row["key"]: row for row in behaviour(scope=_scope(portfolio.rep), topic="products").rows}
    assert products["new_products"]["amount"] == Decimal("350000.00")


def test_empty_scopes_give_zero_rows_not_errors(make_user):
    from crm import roles

    scope = _scope(make_user(roles.SALES, username="newbie"))
    assert behaviour(scope=scope, topic="promotions").rows == []
    assert all(row["amount"] == 0 for row in behaviour(scope=scope, topic="products").rows)
    assert behaviour(scope=scope, topic="retention").extra["churned"]["customers"] == 0
    assert all(row["items"] == 0 for row in behaviour(scope=scope, topic="response").rows)


def test_new_products_from_the_nightly_first_sales_match_the_live_answer(portfolio):
    """DOMAIN §10.6: a product first sold in the last 365 days is new. Once the nightly job has kept each product's
    first sale, the split reads those rows and says the day they are counted through; the figures do not change."""
    live = behaviour(scope=_scope(portfolio.rep), topic="products")
    monthly_sales_refresh(today=TODAY)
    nightly = behaviour(scope=_scope(portfolio.rep), topic="products")
    assert (live.extra["first_sales_through"], nightly.extra["first_sales_through"]) == (None, TODAY - timedelta(1))
    assert nightly.rows == live.rows
    assert nightly.rows[0]["amount"] == Decimal("350000.00")  # Alpha's gate valve, first sold 30 days ago


def test_new_products_are_judged_as_of_the_nightly_run_and_live_before_it(portfolio):
    """DOMAIN §10.6 with the nightly first sales: a gate valve order entered after the run but dated 366 days ago
    (before the window) makes the gate valve old from the next run on; a run whose day is before the window's start
    does not know it and is not used (counted live)."""
    monthly_sales_refresh(today=TODAY)
    order(portfolio.customers["D"], portfolio.erp, 1_000, days_ago=YEAR + 1, product="DN100 gate valve")
    rows = {row["key"]: row for row in behaviour(scope=_scope(portfolio.manager), topic="products").rows}
    assert rows["new_products"]["amount"] == Decimal("390000.00")  # as the orders stood at the run
    monthly_sales_refresh(today=TODAY + timedelta(days=1))
    rows = {row["key"]: row for row in behaviour(scope=_scope(portfolio.manager), topic="products").rows}
    assert rows["new_products"]["amount"] == Decimal("0.00")
    monthly_sales_refresh(today=TODAY - timedelta(days=YEAR + 2))  # through 368 days ago: before the gate's order
    old_run = behaviour(scope=_scope(portfolio.manager), topic="products")
    assert old_run.extra["first_sales_through"] is None
    assert {row["key"]: row for row in old_run.rows}["new_products"]["amount"] == Decimal("0.00")
