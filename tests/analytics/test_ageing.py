"""Receivables ageing 账龄 (DOMAIN §10.7) through the selector: every bucket boundary, the groups, DSO, scope, a past
day, and the buckets adding up to each customer's exposure of DOMAIN §6.4 as the credit engine computes it."""

from datetime import timedelta
from decimal import Decimal

import pytest

from analytics.scope import AnalysisScope
from analytics.selectors.ageing import ageing, ageing_debtors
from credit import services
from crm import roles
from tests.analytics.conftest import TODAY, order
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
D = Decimal


def _scope(user, as_of=TODAY, **kwargs):
    return AnalysisScope(user=user, as_of=as_of, today=TODAY, **kwargs)


@pytest.fixture
def erp(make_user):
    return make_user(roles.INTEGRATION, username="erp")


@pytest.mark.parametrize(
    ("days_past_due", "bucket"),
    [
        (-5, "not_due"),
        (0, "not_due"),
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "over_90"),
    ],
)
def test_each_boundary_of_days_past_due(rep, erp, days_past_due, bucket):
    customer = make_customer(owner=rep, name="Late Co")
    order(customer, erp, 1_000, days_ago=days_past_due + 30, terms=30)  # due exactly days_past_due days ago
    report = ageing(scope=_scope(rep), group="none")
    assert report.total == {name: D(1_000) if name == bucket else D(0) for name in report.total}
    assert report.rows[0].total == D(1_000)


@pytest.fixture
def ledgers(rep, other_rep, erp, make_user):
    """Customers with partial payments, a payment naming a later order, a credit note and an overpayment."""
    cm = make_user(roles.CREDIT_MANAGER, username="cm")
    partial = make_customer(owner=rep, name="Partial Co")
    order(partial, erp, 10_000, days_ago=100, terms=30)  # due 70 days ago
    order(partial, erp, 5_000, days_ago=20, terms=30)  # not yet due
    services.payment_record(customer=partial, paid_on=TODAY - timedelta(days=5), amount=D(4_000), by=erp, today=TODAY)
    named = make_customer(owner=rep, name="Named Co")
    old = order(named, erp, 3_000, days_ago=140, terms=30)  # due 110 days ago
    new = order(named, erp, 2_000, days_ago=40, terms=30)  # due 10 days ago
    services.payment_record(customer=named, paid_on=TODAY, amount=D(2_000), order=new, by=erp, today=TODAY)
    noted = make_customer(owner=other_rep, name="Noted Co")
    written = order(noted, erp, 8_000, days_ago=80, terms=30)  # due 50 days ago
    services.credit_note_issue(order=written, amount=D(3_000), reason="damaged", by=cm, today=TODAY)
    over = make_customer(owner=other_rep, name="Over Co")
    order(over, erp, 1_000, days_ago=60, terms=30)
    services.payment_record(customer=over, paid_on=TODAY, amount=D(1_500), by=erp, today=TODAY)
    del old
    return {"partial": partial, "named": named, "noted": noted, "over": over}


def test_the_buckets_of_each_customer_add_up_to_its_exposure(ledgers, manager):
    report = ageing(scope=_scope(manager), group="customer")
    by_code = {row.key: row for row in report.rows}
    for customer in ledgers.values():
        exposure = services.credit_exposure(customer)
        assert by_code.get(customer.code) is None if exposure == 0 else by_code[customer.code].total == exposure
    partial = by_code[ledgers["partial"].code].amounts
    assert (partial["61_90"], partial["not_due"]) == (D(6_000), D(5_000))  # the payment went to the oldest due
    named = by_code[ledgers["named"].code].amounts
    assert (named["over_90"], named["1_30"]) == (D(3_000), D(0))  # the payment named the newer order
    assert by_code[ledgers["noted"].code].amounts["31_60"] == D(5_000)  # net of the credit note
    assert ledgers["over"].code not in by_code  # overpaid: owes nothing
    assert report.receivables == D(19_000)
    assert report.customers == 3


def test_groups_by_owner_tier_and_grade(ledgers, manager):
    owners = ageing(scope=_scope(manager), group="owner")
    assert [(row.key, row.total) for row in owners.rows] == [("rep", D(14_000)), ("other_rep", D(5_000))]
    assert owners.rows[0].label == "Lei Wang"
    tiers = ageing(scope=_scope(manager), group="tier")
    assert [row.key for row in tiers.rows] == ["A", "B", "C", "D"]
    assert sum((row.total for row in tiers.rows), D(0)) == D(19_000)
    grades = ageing(scope=_scope(manager), group="payment_grade")
    assert sum((row.total for row in grades.rows), D(0)) == D(19_000)
    assert {row.key for row in grades.rows} >= {"jia", "yi", "bing", "ding", "unrated"}


def test_dso_is_receivables_over_sales_of_90_days_times_90(ledgers, manager):
    report = ageing(scope=_scope(manager), group="none")
    # sales dated in the last 90 days: 5,000 + 2,000 + 8,000 + 1,000 (the orders of 100 and 140 days ago are not)
    assert report.sales == D(16_000)
    assert report.dso == (D(19_000) / D(16_000) * 90).quantize(D("0.1"))


def test_a_sales_rep_sees_own_debtors_only(ledgers, rep):
    report = ageing(scope=_scope(rep), group="customer")
    assert {row.label.split(" ", 1)[1] for row in report.rows} == {"Partial Co", "Named Co"}
    assert report.receivables == D(14_000)


def test_as_of_a_past_day_counts_only_payments_made_by_then(ledgers, manager):
    report = ageing(scope=_scope(manager, as_of=TODAY - timedelta(days=10)), group="customer")
    partial = next(row for row in report.rows if row.label.endswith("Partial Co"))
    assert partial.total == D(15_000)  # the payment of 5 days ago had not come in
    assert partial.amounts["61_90"] == D(0)
    assert partial.amounts["31_60"] == D(10_000)


def test_the_limit_cuts_the_customer_list_not_the_total(ledgers, manager):
    report = ageing(scope=_scope(manager), group="customer", limit=1)
    assert [row.label.split(" ", 1)[1] for row in report.rows] == ["Partial Co"]
    assert report.receivables == D(19_000)


def test_a_bucket_of_a_group_drills_to_those_customers(ledgers, manager):
    scope = _scope(manager)
    ids = set(ageing_debtors(scope=scope, key="owner|rep|over_90").values_list("pk", flat=True))
    assert ids == {ledgers["named"].pk}
    ids = set(ageing_debtors(scope=scope, key="none|all|").values_list("pk", flat=True))
    assert ids == {ledgers["partial"].pk, ledgers["named"].pk, ledgers["noted"].pk}
    assert not ageing_debtors(scope=scope, key="owner|rep|forever").exists()


def test_tiers_from_profiles_computed_that_day_equal_tiers_computed_from_the_orders(ledgers, manager):
    from credit.models import CreditProfile

    fresh = [(row.key, row.total) for row in ageing(scope=_scope(manager), group="tier").rows]
    CreditProfile.objects.update(tier="A")  # what a profile of another day would say must not count
    CreditProfile.objects.update(computed_on=TODAY - timedelta(days=1))
    assert [(row.key, row.total) for row in ageing(scope=_scope(manager), group="tier").rows] == fresh
