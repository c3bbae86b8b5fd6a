"""Portfolio simulation (issue 13 point 3, DOMAIN §11): reproducible from its seed, and its invariants hold."""

from dataclasses import replace
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from credit.rules.policy import CreditPolicy
from credit.rules.scoring import Financials
from credit.simulation import START, Customer, Invoice, _month, generate, run, simulate


@pytest.fixture(scope="module")
def comparison():
    return simulate(customers=150, months=12, seed=11, policy=CreditPolicy())


def test_the_same_seed_gives_the_same_figures(comparison):
    again = simulate(customers=150, months=12, seed=11, policy=CreditPolicy())
    assert again == comparison
    other = simulate(customers=150, months=12, seed=12, policy=CreditPolicy())
    assert other.credit_for_all.credit_sales != comparison.credit_for_all.credit_sales


def test_split_over_processes_the_figures_are_the_same(comparison):
    assert simulate(customers=150, months=12, seed=11, policy=CreditPolicy(), processes=2) == comparison


def test_credit_for_all_holds_nothing_and_every_defaulter_costs(comparison):
    everyone = comparison.credit_for_all
    assert (everyone.held, everyone.released, everyone.prepaid_sales) == (0, 0, 0)
    assert comparison.defaulters > 0
    assert everyone.bad_debt > 0


@pytest.mark.parametrize("scenario", ["credit_for_all", "policy"])
def test_bad_debt_never_exceeds_credit_sales_and_collection_is_a_share(comparison, scenario):
    figures = getattr(comparison, scenario)
    assert 0 <= figures.bad_debt <= figures.credit_sales
    assert 0 <= figures.collection_rate <= 1
    assert figures.sales_to_payers <= figures.credit_sales + figures.prepaid_sales
    assert len(figures.receivables_month_end) == 12


def test_the_policy_avoids_bad_debt_at_the_cost_of_some_sales(comparison):
    """DOMAIN §11: the policy's point — less bad debt and fewer receivables; what it costs is sales held."""
    assert comparison.policy.bad_debt < comparison.credit_for_all.bad_debt
    assert comparison.policy.average_receivables < comparison.credit_for_all.average_receivables
    assert comparison.policy.held > 0
    assert Decimal(0) < comparison.sales_kept < 1


def test_a_stricter_policy_holds_more():
    portfolio = generate(80, 6, seed=5)
    lenient = run(portfolio, months=6, policy=replace(CreditPolicy(), yi_on_time_ratio=Decimal("0.3")))
    strict = run(portfolio, months=6, policy=replace(CreditPolicy(), yi_on_time_ratio=Decimal("0.95")))
    assert strict.held + strict.prepaid_sales > lenient.held + lenient.prepaid_sales


def _slow_payer(defaults_in: int | None) -> Customer:
    """A small customer whose year of history was all paid 30 days late (on-time ratio 0, 30 days late: 丙, DOMAIN
    §4), who then orders 10,000 in each of three simulated months and would pay first when asked (draw 0.1)."""
    history = [Invoice(_month(START, m), Decimal(10_000), 30, 30, 0.9) for m in range(-12, 0)]
    orders = [Invoice(_month(START, m), Decimal(10_000), 30, None, 0.1) for m in range(3)]
    return Customer(
        id=1,
        size="small",
        terms=30,
        expected_monthly=Decimal(10_000),
        defaults_in=defaults_in,
        financials=Financials(Decimal(900_000), Decimal(400_000), Decimal(1500), Decimal(1000), Decimal(3_000_000)),
        assessed=False,
        has_report=False,
        lawsuits=[],
        invoices=history + orders,
    )


@pytest.mark.parametrize(
    ("defaults_in", "prepaid", "lost"),
    [
        (None, 30_000, 0),  # pays its way: pays first
        (20, 30_000, 0),  # defaults in month 20, but its warning months start in month 14: it still has the cash
        (3, 0, 30_000),  # failing already (warning months from month -3): it cannot pay first, the sales are lost
    ],
)
def test_a_customer_graded_bing_pays_first_while_it_has_the_cash(defaults_in, prepaid, lost):
    """DOMAIN §4.1: 丙 buys against payment before shipment. A customer that will default long after the policy
    starts still pays its way today, so it prepays as often as one that never defaults; only a failing one cannot."""
    figures = run([_slow_payer(defaults_in)], months=3, policy=CreditPolicy())
    assert (figures.prepaid_sales, figures.held, figures.credit_sales) == (prepaid, lost, 0)


@pytest.mark.django_db
def test_the_command_prints_both_runs_and_the_measures():
    out = StringIO()
    call_command("simulate_portfolio", "--customers", "40", "--months", "6", "--seed", "3", stdout=out)
    text = out.getvalue()
    for label in ("credit for all", "bad debt", "DSO (days)", "collection rate", "sales kept from customers who pay"):
        assert label in text
    again = StringIO()
    call_command("simulate_portfolio", "--customers", "40", "--months", "6", "--seed", "3", stdout=again)
    assert text.splitlines()[1:] == again.getvalue().splitlines()[1:]  # the first line carries the run time


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [["--set", "no_such_field=1"], ["--set", "factor_low=abc"], ["--months", "0"]])
def test_the_command_refuses_bad_input_in_words(bad):
    with pytest.raises(CommandError):
        call_command("simulate_portfolio", "--customers", "5", *bad, stdout=StringIO())
