"""Policy preview (issue 13 point 1, DOMAIN §11): what a draft would do to today's portfolio — customers moving
between tiers, grades and risk classes, the recommended total, who would lose credit — from the stored facts and
the live rules; nothing is saved."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from credit import services
from credit.models import BacktestLedger, CreditPolicyVersion, CreditProfile, PolicyBacktest
from credit.rules.policy import CreditPolicy
from credit.rules.preview import CustomerFacts, outcome, preview
from credit.services import OrderLineInput, backtests
from tests.factories import make_customer

TODAY = date(2026, 11, 22)
D = Decimal


def _facts(**changes) -> CustomerFacts:
    values = {
        "customer_id": 1,
        "trailing": D(350_000),
        "on_time_ratio": D("0.85"),
        "max_days_late": 20,
        "override": None,
        "score": D(70),
        "size": "small",
        "payment_terms_days": 30,
        "expected_monthly_purchases": None,
        "net_worth": None,
        "has_valid_credit_report": False,
    }
    facts = CustomerFacts(**(values | changes), current=None)
    return replace(facts, current=outcome(facts, CreditPolicy()))  # as the policy in force stored it


def test_the_outcome_follows_the_policy_it_is_given():
    """DOMAIN §3, §4, §5.3: tier A at 300,000; 乙 at 80% on time; moderate risk from 60."""
    policy = CreditPolicy()
    now = outcome(_facts(), policy)
    assert (now.tier, now.grade, now.risk_class) == ("A", "yi", "moderate")
    draft = outcome(_facts(), replace(policy, tier_a_threshold=D(400_000), yi_on_time_ratio=D("0.90")))
    assert (draft.tier, draft.grade, draft.risk_class) == ("B", "bing", "moderate")
    assert draft.recommended == 0  # 丙: no new credit (DOMAIN §6.1)


def test_an_override_keeps_its_grade_under_any_draft():
    facts = _facts(override="jia", max_days_late=200)
    assert outcome(facts, replace(CreditPolicy(), max_days_late=10)).grade == "jia"


def test_the_preview_counts_moves_totals_and_the_customers_losing_credit():
    rows = [_facts(customer_id=1), _facts(customer_id=2, trailing=D(250_000), on_time_ratio=D(1), max_days_late=0)]
    result = preview(rows, draft=replace(CreditPolicy(), yi_on_time_ratio=D("0.90")))
    assert result.customers == 2
    assert result.moves["grade"] == {("yi", "bing"): 1, ("jia", "jia"): 1}
    assert result.moves["tier"] == {("A", "A"): 1, ("B", "B"): 1}
    assert [pk for pk, _amount in result.losing_credit] == [1]
    assert result.recommended_draft < result.recommended_current


@pytest.fixture
def portfolio(people):
    """A (350,000 in the year, paid on time) and B (250,000) customers, with profiles computed by the engine."""
    made = {}
    for name, amount in (("Alpha", 350_000), ("Beta", 250_000)):
        customer = make_customer(owner=people["rep"], name=name)
        order = services.order_place(
            customer=customer,
            lines=[OrderLineInput("DN100 gate valve", D(1), D(amount))],
            order_date=TODAY - timedelta(days=60),
            due_date=TODAY - timedelta(days=30),
            by=people["erp"],
            today=TODAY,
            historical=True,
        )
        services.payment_record(
            customer=customer, paid_on=TODAY - timedelta(days=31), amount=D(amount), order=order, by=people["erp"],
            today=TODAY,
        )  # fmt: skip
        made[name] = customer
    return made


@pytest.mark.django_db
def test_raising_the_tier_a_threshold_shows_who_drops_to_b_and_saves_nothing(portfolio, people, client_for):
    versions, profiles = CreditPolicyVersion.objects.count(), list(CreditProfile.objects.values())
    client = client_for(people["cm"])
    current = client.get(reverse("credit_policy")).context["form"].initial
    data = {name: value for name, value in current.items() if value is not None and name != "id"}
    response = client.post(reverse("credit_policy"), {**data, "tier_a_threshold": "400000", "preview": "1"})
    assert response.status_code == 200
    found = response.context["preview"]
    assert {"from": "A", "to": "B", "customers": 1} in found["changes"]["tier"]
    assert found["customers_losing_credit_count"] == 0
    assert 'data-testid="policy-preview"' in response.content.decode()
    assert CreditPolicyVersion.objects.count() == versions
    assert list(CreditProfile.objects.values()) == profiles


@pytest.mark.django_db
def test_the_api_preview_for_credit_staff_only(portfolio, people, api_for):
    url = reverse("api_policy_preview")
    response = api_for(people["analyst"]).post(url, {"max_days_late": 10, "yi_on_time_ratio": "0.99"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["customers"] == 2
    assert body["recommended_limit_total"]["current"] == body["recommended_limit_total"]["draft"]  # all paid on time
    assert api_for(people["rep"]).post(url, {}, format="json").status_code == 403
    assert api_for(people["manager"]).post(url, {}, format="json").status_code == 403


@pytest.mark.django_db
def test_a_draft_that_breaks_the_policy_rules_gets_a_400(portfolio, people, api_for):
    response = api_for(people["cm"]).post(
        reverse("api_policy_preview"), {"tier_a_threshold": "100000", "tier_b_threshold": "200000"}, format="json"
    )
    assert response.status_code == 400


@pytest.fixture
def a_year_of_orders(people):
    """A small unassessed customer expecting 40,000 a month: O1 (30,000, 10 January) paid on time, O2 (25,000,
    15 February) never paid — over 90 days overdue today."""
    customer = make_customer(owner=people["rep"], name="Gamma Pumps", expected_monthly_purchases=D(40_000))
    placed = []
    for day, amount in ((date(2026, 1, 10), 30_000), (date(2026, 2, 15), 25_000)):
        placed.append(
            services.order_place(
                customer=customer,
                lines=[OrderLineInput("DN50 ball valve", D(1), D(amount))],
                order_date=day,
                due_date=day + timedelta(days=30),
                by=people["erp"],
                today=TODAY,
                historical=True,
            )
        )
    services.payment_record(
        customer=customer, paid_on=date(2026, 2, 1), amount=D(30_000), order=placed[0], by=people["erp"], today=TODAY
    )
    return customer


@pytest.mark.django_db
def test_the_back_test_replays_the_year_under_both_policies_and_credit_for_all(a_year_of_orders, people, api_for):
    """DOMAIN §11. O1: no history, so the limit is the expected 40,000 a month under the 50,000 small ceiling: it
    passes; a draft ceiling of 20,000 holds it (paid on time: good revenue delayed). O2: T = 30,000 gives a need of
    2,500 and a limit of 2,000: held under both (never paid: bad debt avoided)."""
    response = api_for(people["cm"]).post(
        reverse("api_policy_preview"), {"small_customer_ceiling": "20000"}, format="json"
    )
    assert response.status_code == 200
    backtest = response.json()["backtest"]
    assert backtest["orders"] == 2
    assert D(backtest["bad_debt"]) == D(25_000)
    assert backtest["orders_held"] == {"credit_for_all": 0, "current": 1, "draft": 2}
    assert {k: D(v) for k, v in backtest["held_amount"].items()} == {
        "credit_for_all": 0,
        "current": D(25_000),
        "draft": D(55_000),
    }
    assert D(backtest["good_revenue_delayed"]["draft"]) == D(30_000)
    assert D(backtest["good_revenue_delayed"]["current"]) == 0
    assert D(backtest["bad_debt_avoided"]["current"]) == D(backtest["bad_debt_avoided"]["draft"]) == D(25_000)
    january = backtest["months"].index("2026-01")
    assert D(backtest["held_amount_by_month"]["draft"][january]) == D(30_000)
    assert D(backtest["held_amount_by_month"]["current"][january]) == 0


@pytest.mark.django_db
def test_the_back_test_reads_in_a_constant_number_of_queries(a_year_of_orders, people, django_assert_max_num_queries):
    with django_assert_max_num_queries(28):  # cold: every history read, every ledger replayed and kept
        one = backtests.policy_backtest_compute(changes={}, today=TODAY).result
    for index in range(3):
        services.order_place(
            customer=make_customer(owner=people["rep"], name=f"Epsilon {index}"),
            lines=[OrderLineInput("DN50 ball valve", D(1), D(1_000))],
            order_date=date(2026, 5, 1),
            due_date=date(2026, 6, 1),
            by=people["erp"],
            today=TODAY,
            historical=True,
        )
    with django_assert_max_num_queries(28):
        more = backtests.policy_backtest_compute(changes={}, today=TODAY).result
    assert (one.orders, more.orders) == (2, 5)


@pytest.mark.django_db
def test_kept_ledger_facts_are_replayed_again_only_when_the_trade_records_change(a_year_of_orders, people):
    """The expensive half is kept per customer; a payment (or an order, a credit note) changes the customer's
    fingerprint, so the next back-test replays it, and its figures follow the payment."""
    assert backtests.backtest_ledgers_refresh(today=TODAY) == 1
    assert backtests.backtest_ledgers_refresh(today=TODAY) == 0
    before = backtests.policy_backtest_compute(changes={}, today=TODAY).result
    order = a_year_of_orders.orders.get(amount=D(25_000))
    services.payment_record(
        customer=a_year_of_orders, paid_on=TODAY, amount=D(25_000), order=order, by=people["erp"], today=TODAY
    )
    after = backtests.policy_backtest_compute(changes={}, today=TODAY).result
    assert (before.bad_debt, after.bad_debt) == (D(25_000), D(25_000))  # paid 250 days late: still > 90 days late
    assert backtests.backtest_ledgers_refresh(today=TODAY) == 0  # the back-test itself kept the fresh facts
    assert BacktestLedger.objects.get(customer=a_year_of_orders).fingerprint.count("|") == 2
    assert D(BacktestLedger.objects.get(customer=a_year_of_orders).orders[1][9]) == D(25_000)  # paid in full now


def _preview_post(client, **draft):
    current = client.get(reverse("credit_policy")).context["form"].initial
    data = {name: value for name, value in current.items() if value is not None and name != "id"}
    return client.post(reverse("credit_policy"), {**data, **draft, "preview": "1"})


@pytest.mark.django_db
def test_the_policy_page_shows_the_back_test_beside_the_preview(a_year_of_orders, people, client_for):
    """A small portfolio is replayed inside the request: the three scenarios, in words, with their bars."""
    response = _preview_post(client_for(people["cm"]), small_customer_ceiling="20000")
    page = response.content.decode()
    assert 'data-testid="policy-backtest"' in page
    scenarios = {s.key: s for s in response.context["backtest"]["scenarios"]}
    assert (scenarios["credit_for_all"].orders_held, scenarios["current"].orders_held) == (0, 1)
    assert scenarios["draft"].good_revenue_delayed == D(30_000)
    assert scenarios["credit_for_all"].bad_debt_left == D(25_000)
    assert scenarios["current"].bad_debt_left == 0
    assert "Credit for all" in page
    assert "Bad debt avoided" in page
    assert 'class="bt-good"' in page
    assert PolicyBacktest.objects.get().status == PolicyBacktest.Status.DONE


@pytest.mark.django_db
def test_a_large_back_test_runs_in_a_worker_and_the_page_follows_its_progress(
    a_year_of_orders, people, client_for, settings, django_capture_on_commit_callbacks
):
    settings.CRM_BACKTEST_SYNC_ORDERS = 1
    client = client_for(people["cm"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = _preview_post(client, small_customer_ceiling="20000").content.decode()
    run = PolicyBacktest.objects.get()
    progress_url = reverse("credit_policy_backtest", args=[run.pk])
    assert run.status == PolicyBacktest.Status.RUNNING
    assert f'hx-get="{progress_url}"' in page
    assert "Replaying every order" in client.get(progress_url).content.decode()
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        for callback in queued:
            callback()
    done = client.get(progress_url)
    assert "hx-get" not in done.content.decode()
    assert {s.key: s.orders_held for s in done.context["backtest"]["scenarios"]} == {
        "credit_for_all": 0,
        "current": 1,
        "draft": 2,
    }
    assert client_for(people["rep"]).get(progress_url).status_code == 403
