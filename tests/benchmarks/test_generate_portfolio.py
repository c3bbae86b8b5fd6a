"""The benchmark portfolio generator (benchmarks/generate_portfolio.py, issues 11 and 15) at a tiny scale.

The rows themselves are checked on any database (pure functions); the COPY load, the reuse of a built database and
the app carrying on afterwards need PostgreSQL and run in CI there, like the concurrency tests.
"""

import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import generate_portfolio
import portfolio_rows

from credit.rules.policy import CreditPolicy
from customers.rules.uscc import uscc_problem

TODAY = date(2026, 11, 22)
STAFF = portfolio_rows.Staff(
    reps=((11, "bench_rep00"), (12, "bench_rep01"), (13, "bench_rep02")),
    manager=1,
    service=2,
    analyst=3,
    credit_manager=4,
    integration=5,
)
REQUIRED = {"intermediate": ["customer.name", "customer.phone", "contacts"], "end": ["customer.name"]}


def generate(customers: int = 300, orders: int = 6_000, seed: int = 7) -> dict[str, list[dict[str, str]]]:
    """Every table's rows as dicts of column → COPY text."""
    portfolio = portfolio_rows.Portfolio(
        portfolio_rows.Scale(customers, orders, seed, TODAY), STAFF, CreditPolicy(), REQUIRED
    )
    tables = defaultdict(list)
    for chunk in portfolio.chunks(64):
        for table, lines in chunk.lines.items():
            for text in lines:
                values = text[:-1].split("\t")
                assert len(values) == len(portfolio_rows.COLUMNS[table]), table
                tables[table].append(dict(zip(portfolio_rows.COLUMNS[table], values, strict=True)))
    return tables


@pytest.fixture(scope="module")
def rows():
    return generate()


def day(text: str) -> date:
    return date.fromisoformat(text)


def test_exactly_the_customers_and_orders_asked_with_a_profile_each(rows):
    assert len(rows["customers_customer"]) == 300
    assert len(rows["credit_order"]) == 6_000
    assert len({c["code"] for c in rows["customers_customer"]}) == 300
    assert {p["customer_id"] for p in rows["credit_creditprofile"]} == {c["id"] for c in rows["customers_customer"]}
    assert len(rows["credit_credithistory"]) == 300


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    small = {"customers": 40, "orders": 500}
    assert generate(**small, seed=3) == generate(**small, seed=3)
    assert generate(**small, seed=3)["credit_order"] != generate(**small, seed=4)["credit_order"]


def test_generator_processes_side_by_side_give_the_same_chunks():
    def portfolio():
        return portfolio_rows.Portfolio(portfolio_rows.Scale(50, 400, 9, TODAY), STAFF, CreditPolicy(), REQUIRED)

    alone = [chunk.lines for chunk in portfolio().chunks(8)]
    shared = sorted(
        [*portfolio().chunks(8, part=0, parts=2), *portfolio().chunks(8, part=1, parts=2)], key=lambda c: c.index
    )
    assert [chunk.lines for chunk in shared] == alone


def test_social_credit_codes_are_valid_and_unique(rows):
    codes = [c["unified_social_credit_code"] for c in rows["customers_customer"] if c["unified_social_credit_code"]]
    assert len(codes) > 200
    assert len(set(codes)) == len(codes)
    assert all(uscc_problem(code) is None for code in codes)


def test_an_order_is_the_sum_of_its_lines_from_a_catalogue_of_fifty_products(rows):
    lines = defaultdict(Decimal)
    for line in rows["credit_orderline"]:
        lines[line["order_id"]] += Decimal(line["amount"])
        assert Decimal(line["quantity"]) * Decimal(line["unit_price"]) == Decimal(line["amount"])
    assert all(Decimal(o["amount"]) == lines[o["id"]] for o in rows["credit_order"])
    assert len(portfolio_rows.products()) == 50
    assert {line["product"] for line in rows["credit_orderline"]} <= {p[0] for p in portfolio_rows.products()}


def test_orders_span_two_years_with_seasons_and_promotion_spikes(rows):
    days = Counter(day(o["order_date"]) for o in rows["credit_order"])
    assert min(days) >= TODAY - timedelta(days=portfolio_rows.HISTORY_DAYS)
    assert max(days) <= TODAY
    assert all(day(o["due_date"]) >= day(o["order_date"]) for o in rows["credit_order"])
    per_day = len(rows["credit_order"]) / portfolio_rows.HISTORY_DAYS
    for start, length, _intensity, _name in portfolio_rows.PROMOTIONS:
        spike = sum(days[TODAY - timedelta(days=start - offset)] for offset in range(length)) / length
        assert spike > 1.8 * per_day
    months = Counter(d.month for d in days.elements())
    assert months[11] > 1.5 * months[2]  # the year-end push against the Spring Festival


def test_payments_name_a_billable_order_of_theirs_and_never_pay_more_than_it(rows):
    orders = {o["id"]: o for o in rows["credit_order"]}
    paid = defaultdict(Decimal)
    for payment in rows["credit_payment"]:
        order = orders[payment["order_id"]]
        assert order["customer_id"] == payment["customer_id"]
        assert order["status"] in ("open", "completed")
        assert day(order["order_date"]) <= day(payment["paid_on"]) <= TODAY
        paid[order["id"]] += Decimal(payment["amount"])
    assert all(paid[pk] <= Decimal(order["amount"]) for pk, order in orders.items())
    billable = [pk for pk, o in orders.items() if o["status"] in ("open", "completed")]
    late = [p for p in rows["credit_payment"] if day(p["paid_on"]) > day(orders[p["order_id"]]["due_date"])]
    assert 0.6 * len(billable) < len(rows["credit_payment"]) < 1.1 * len(billable)  # some never pay
    assert 0.03 * len(billable) < len(late) < 0.4 * len(billable)  # mostly on time


def test_tiers_and_grades_all_occur(rows):
    profiles = rows["credit_creditprofile"]
    assert {p["tier"] for p in profiles} == {"A", "B", "C", "D"}
    assert {p["payment_grade"] for p in profiles} == {"jia", "yi", "bing", "ding", "unrated"}


def test_complaints_are_followed_by_a_service_record(rows):
    by_customer = defaultdict(list)
    for record in rows["customers_interaction"]:
        by_customer[record["customer_id"]].append(record)
    complaints = 0
    for records in by_customer.values():
        for complaint in (r for r in records if r["kind"] == "complaint"):
            complaints += 1
            assert any(r["kind"] == "service" and r["occurred_on"] >= complaint["occurred_on"] for r in records)
    assert complaints
    assert any(r["kind"] == "promotion_response" for r in rows["customers_interaction"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_is_built_reused_and_the_app_carries_on(data_migrations):
    """COPY load on PostgreSQL: the stored profiles are what the nightly recompute gives, a second run reuses the
    database, the indexes are back and the next customer code and order number follow the generated ones."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY and the index juggling need PostgreSQL; CI runs this test there")
    from credit.models import CreditProfile, Order
    from credit.services import credit_recompute_all
    from crm.services import number_sequence_take
    from customers.models import Contact, Customer, ReviewState

    def indexes() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = ANY(%s)", [list(portfolio_rows.TABLES)])
            return cursor.fetchone()[0]

    before = indexes()
    scale = portfolio_rows.Scale(customers=60, orders=700, seed=5, today=TODAY)
    assert generate_portfolio.build(scale, force=True, chunk=25) is True
    assert (Customer.objects.count(), Order.objects.count()) == (60, 700)
    assert generate_portfolio.build(scale) is False  # reused, nothing written
    assert indexes() == before
    assert ReviewState.objects.count() == 60

    fields = ("tier", "trailing_12m_purchases", "payment_grade", "on_time_ratio", "exposure", "recommended_limit")
    stored = list(CreditProfile.objects.order_by("pk").values_list(*fields))
    credit_recompute_all(today=TODAY)
    assert list(CreditProfile.objects.order_by("pk").values_list(*fields)) == stored

    interrupted = generate_portfolio.secondary_ddl()  # a run killed after dropping them, before putting them back
    generate_portfolio._set_marker(status="building", ddl=interrupted)
    with connection.cursor() as cursor:
        for item in reversed(interrupted):
            cursor.execute(item["drop"])
    assert indexes() < before
    assert generate_portfolio.build(scale, chunk=25) is True  # an unfinished build is done again, without --force
    assert indexes() == before
    with pytest.raises(SystemExit, match="another portfolio"):
        generate_portfolio.build(portfolio_rows.Scale(customers=61, orders=700, seed=5, today=TODAY))

    assert number_sequence_take(name="customer")[0] == 61
    assert number_sequence_take(name="order")[0] == 701
    newest = Contact.objects.order_by("-pk").values_list("pk", flat=True).first()
    contact = Contact.objects.create(customer=Customer.objects.get(code="C000001"), name="新联系人")
    assert contact.pk > newest  # the id sequences start after the generated ids
