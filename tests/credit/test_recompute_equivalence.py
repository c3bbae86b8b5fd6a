"""The nightly recompute, set-based (SQL facts, ``credit.ledger_sql``), stores for every customer the profile that the
one-customer path (``credit_profile_refresh``: the rule allocating the customer's own ledger) stores: seeded random
ledgers with partial, late, unnamed, misdirected and excess payments, credit notes, grade overrides (in force and
expired), limits (valid, expired, revoked), pins, assessments, and customers with no order at all (DOMAIN §2.1,
§3–§6)."""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from credit import selectors, services
from credit.ledger_sql import ledger_facts_between
from credit.models import (
    Assessment,
    CorePin,
    CreditHistory,
    CreditLimit,
    CreditNote,
    CreditProfile,
    GradeOverride,
    Order,
    Payment,
)
from credit.rules.profile import ledger_facts
from crm import roles
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
STATUSES = ("completed", "completed", "completed", "open", "open", "credit_hold", "rejected", "cancelled")
FIELDS = [f.attname for f in CreditProfile._meta.concrete_fields]


def _money(rng: random.Random, high: int) -> Decimal:
    return Decimal(rng.randrange(0, high * 100)) / 100


def _ledger(rng: random.Random, customer, others: list[int], by) -> None:
    """Orders (some of zero amount), payments naming an order, none, another customer's or a refused one, and
    paying part, all or more of it, on time or late; credit notes on some orders."""
    orders = []
    for index in range(rng.choice((0, 0, 1, 2, 4, 7))):
        day = TODAY - timedelta(days=rng.randrange(-5, 700))
        amount = Decimal(0) if rng.random() < 0.05 else _money(rng, 200_000)
        orders.append(
            Order(
                customer=customer,
                number=f"T{customer.pk}-{index}",
                order_date=day,
                due_date=day + timedelta(days=rng.choice((0, 30, 60, 90))),
                amount=amount,
                status=rng.choice(STATUSES),
                created_by=by,
            )
        )
    orders = Order.objects.bulk_create(orders)
    payments = []
    for _ in range(rng.choice((0, 1, 2, 3, 6, 10))):
        named = rng.choice(orders) if orders and rng.random() < 0.7 else None
        amount = named.amount if named and rng.random() < 0.4 else _money(rng, 150_000)
        if named and rng.random() < 0.3:
            amount = (amount / rng.choice((2, 3))).quantize(Decimal("0.01"))
        if named and others and rng.random() < 0.05:
            named = Order.objects.filter(customer_id=rng.choice(others)).first()  # a payment naming another's order
        paid_on = TODAY - timedelta(days=rng.randrange(0, 700))
        if named and rng.random() < 0.5:
            paid_on = min(named.due_date + timedelta(days=rng.randrange(-30, 150)), TODAY)
        payments.append(
            Payment(customer=customer, paid_on=paid_on, amount=max(amount, Decimal("0.01")), order=named, created_by=by)
        )
    Payment.objects.bulk_create(payments)
    for order in orders:
        if order.amount > 1 and rng.random() < 0.15:
            CreditNote.objects.create(
                customer=customer,
                order=order,
                amount=(order.amount / 4).quantize(Decimal("0.01")),
                reason="quality claim",
                issued_on=TODAY,
                created_by=by,
            )


def _decisions(rng: random.Random, customer, by) -> None:
    """Grade overrides, limits, pins and assessments, each sometimes expired."""
    if rng.random() < 0.25:
        grade = rng.choice(("jia", "yi", "bing", "ding"))
        until = TODAY + timedelta(days=rng.choice((-3, 0, 30)))
        GradeOverride.objects.create(customer=customer, grade=grade, reason="r", valid_until=until, created_by=by)
    if rng.random() < 0.35:
        start = TODAY - timedelta(days=rng.choice((10, 200, 364, 365, 400)))
        CreditLimit.objects.create(
            customer=customer,
            amount=_money(rng, 300_000),
            valid_from=start,
            valid_until=start + timedelta(days=365),
            revoked_at=None if rng.random() < 0.9 else datetime.combine(start, time(9), tzinfo=UTC),
        )
    if rng.random() < 0.15:
        CorePin.objects.create(
            customer=customer, state=rng.choice(("core", "ordinary", "auto")), reason="r", created_by=by
        )
    if rng.random() < 0.3:
        percentage = Decimal(rng.randrange(0, 10_001)) / 100
        on = TODAY - timedelta(days=rng.choice((5, 300, 400)))
        Assessment.objects.create(
            customer=customer,
            method="5c",
            ratings={},
            weights={},
            score=percentage,
            max_score=100,
            percentage=percentage,
            risk_class="moderate",
            assessed_on=on,
            valid_until=on + timedelta(days=365),
            created_by=by,
        )


@pytest.fixture
def portfolio(rep, make_user, request):
    """Forty customers of medium, large and small size with random histories from the seed."""
    rng, erp = random.Random(request.param), make_user(roles.INTEGRATION, username="erp")
    customers = []
    for index in range(40):
        size = rng.choice(("small", "small", "medium", "large"))
        customer = make_customer(owner=rep, name=f"Ledger {index}", size=size, payment_terms_days=rng.choice((30, 60)))
        _ledger(rng, customer, [c.pk for c in customers], erp)
        _decisions(rng, customer, erp)
        customers.append(customer)
    return customers


def _profiles() -> dict[int, dict]:
    return {p["customer_id"]: p for p in CreditProfile.objects.values(*FIELDS)}


def _history() -> set[tuple]:
    return set(CreditHistory.objects.values_list("customer_id", "on", "tier", "payment_grade"))


@pytest.mark.parametrize("portfolio", [1, 2, 3, 4], indirect=True)
def test_the_set_based_recompute_stores_what_the_one_customer_refresh_stores(portfolio):
    first = portfolio[0].pk
    CreditProfile.objects.update(tier="B", payment_grade="ding", exposure=Decimal(1))  # stale: every row rewritten
    assert services.credit_profiles_recompute_range(first_id=first, last_id=None, today=TODAY) == len(portfolio)
    set_based, history = _profiles(), _history()
    for customer in portfolio:
        services.credit_profile_refresh(customer=customer, today=TODAY)
    assert _profiles() == set_based
    assert _history() == history


@pytest.mark.parametrize("portfolio", [1, 2, 3, 4], indirect=True)
def test_sql_allocates_payments_as_the_rule_does(portfolio):
    """DOMAIN §4: the SQL facts equal the rule's on every ledger it does not hand back to the rule (``replay``), and
    the seeds give ledgers of every kind: no spill, spills allocated in SQL, spills the rule must redo."""
    if connection.vendor != "postgresql":
        pytest.skip("the set-based facts are PostgreSQL's")
    policy = selectors.policy_current().as_rule()
    gathered = ledger_facts_between(first_id=portfolio[0].pk, last_id=None, today=TODAY, policy=policy)
    inputs = selectors.profile_inputs(customer_ids=[c.pk for c in portfolio], today=TODAY, policy=policy)
    spilling = 0
    for pk, data in inputs.items():
        expected = ledger_facts(data.orders, data.payments, today=TODAY, policy=policy)
        if pk not in gathered.replay:
            assert gathered.facts[pk] == expected, pk
        assert gathered.credited[pk] == data.credited
        spilling += any(p.order_id is None for p in data.payments)
    assert spilling > len(gathered.replay) > 0


def test_a_chunk_delivered_twice_writes_nothing_new(rep, make_user):
    """A chunk task redelivered (acks late) runs again: same profiles, one history entry a day."""
    erp = make_user(roles.INTEGRATION, username="erp")
    customer = make_customer(owner=rep, name="Twice")
    _ledger(random.Random(7), customer, [], erp)
    services.credit_profiles_recompute_range(first_id=customer.pk, last_id=customer.pk, today=TODAY)
    once, history = _profiles(), _history()
    services.credit_profiles_recompute_range(first_id=customer.pk, last_id=customer.pk, today=TODAY)
    assert (_profiles(), _history()) == (once, history)
    assert CreditHistory.objects.filter(customer=customer, on=TODAY).count() == 1


def test_the_ranges_cover_every_live_customer_once(rep):
    customers = [make_customer(owner=rep, name=f"Range {i}") for i in range(5)]
    ranges = selectors.customer_ranges(size=2)
    assert [r.count for r in ranges] == [2, 2, 1]
    assert ranges[-1].last_id is None
    covered = [pk for r in ranges for pk in selectors.live_customer_ids(first_id=r.first_id, last_id=r.last_id)]
    assert covered == [c.pk for c in customers]


def test_a_customer_without_a_profile_gets_one_and_its_first_history_entry(rep, make_user):
    erp = make_user(roles.INTEGRATION, username="erp")
    customer = make_customer(owner=rep, name="Fresh")
    _ledger(random.Random(11), customer, [], erp)
    CreditProfile.objects.filter(customer=customer).delete()
    CreditHistory.objects.filter(customer=customer).delete()
    services.credit_profiles_recompute_range(first_id=customer.pk, last_id=customer.pk, today=TODAY)
    set_based = _profiles()
    services.credit_profile_refresh(customer=customer, today=TODAY)
    assert _profiles() == set_based
    assert list(CreditHistory.objects.filter(customer=customer).values_list("on", flat=True)) == [TODAY]


@pytest.fixture
def shipped_roles_and_policy(transactional_db):
    """A transactional test starts from a flushed database: the roles and the policy the migrations ship."""
    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    import_module("credit.migrations.0002_policy_models_sequences").ship(apps, None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("portfolio", [5], indirect=True)
def test_the_nightly_recompute_two_chunks_at_a_time_stores_what_the_one_customer_refresh_stores(
    shipped_roles_and_policy, portfolio
):
    """The whole recompute in one process runs its chunks two at a time, each on a connection of its own (committed
    rows, as the nightly job runs): the profiles and the history are those of the one-customer path."""
    CreditProfile.objects.update(tier="B", payment_grade="ding", exposure=Decimal(1))
    assert services.credit_recompute_all(today=TODAY, chunk=7, threads=2) == len(portfolio)
    threaded, history = _profiles(), _history()
    for customer in portfolio:
        services.credit_profile_refresh(customer=customer, today=TODAY)
    assert _profiles() == threaded
    assert _history() == history
