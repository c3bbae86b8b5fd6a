"""Statistics (DOMAIN §10.2) through the selector: the Pareto ranking, ABC classes, top-10 share and HHI over the
user's scope, as of a day; the SQL classes agree with the rule at exactly 80% and 95%."""

from datetime import timedelta
from decimal import Decimal

import pytest

from analytics.rules.pareto import abc_classes
from analytics.scope import AnalysisScope
from analytics.selectors.pareto import abc_members, pareto
from tests.analytics.conftest import TODAY, order
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
D = Decimal


def _scope(user, as_of=TODAY, **kwargs):
    return AnalysisScope(user=user, as_of=as_of, today=TODAY, **kwargs)


def test_the_portfolio_ranked_with_cumulative_shares_and_classes(portfolio):
    report = pareto(scope=_scope(portfolio.manager))
    assert [(r.position, r.name, r.amount, r.share, r.cumulative_share, r.abc) for r in report.rows] == [
        (1, "Alpha Valves", D(350_000), D("58.3"), D("58.3"), "A"),
        (2, "Beta Pumps", D(210_000), D("35.0"), D("93.3"), "A"),  # crosses 80%: the last A
        (3, "Gamma Pipes", D(40_000), D("6.7"), D("100.0"), "B"),  # 93.3% above it: B
        (4, "Delta Works", D(0), D("0.0"), D("100.0"), "C"),  # no purchases: C
    ]
    assert report.customers_for_80_percent == 2
    assert report.top10_share == D("100.0")
    # (58.33² + 35² + 6.67²) = 3402.8 + 1225 + 44.4
    assert report.hhi == D("4672.2")
    assert [(c.key, c.customers, c.customer_share, c.amount, c.amount_share) for c in report.classes] == [
        ("A", 2, D("50.0"), D(560_000), D("93.3")),
        ("B", 1, D("25.0"), D(40_000), D("6.7")),
        ("C", 1, D("25.0"), D(0), D("0.0")),
    ]


def test_a_sales_rep_ranks_own_customers_only(portfolio):
    report = pareto(scope=_scope(portfolio.rep))
    assert [row.name for row in report.rows] == ["Alpha Valves", "Beta Pumps"]
    assert report.amount == D(560_000)


def test_the_limit_cuts_the_list_not_the_figures(portfolio):
    report = pareto(scope=_scope(portfolio.manager), limit=1)
    assert [row.name for row in report.rows] == ["Alpha Valves"]
    assert (report.customers, report.amount, report.customers_for_80_percent) == (4, D(600_000), 2)


def test_as_of_a_past_day_ranks_the_purchases_of_the_year_before_it(portfolio):
    report = pareto(scope=_scope(portfolio.manager, as_of=TODAY - timedelta(days=100)))
    assert [(row.name, row.amount, row.abc) for row in report.rows[:2]] == [
        ("Beta Pumps", D(100_000), "A"),  # the order of 400 days ago is in that year, the recent ones are not
        ("Alpha Valves", D(0), "C"),
    ]


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        ([80, 15, 5], ["A", "B", "C"]),  # exactly 80% and exactly 95%: the customer reaching them closes the class
        ([79, 16, 5], ["A", "A", "C"]),  # 79% above the second: it crosses 80% and is A; 95% above the third: C
        ([40, 40, 15, 4, 1], ["A", "A", "B", "C", "C"]),  # 95% is reached by the third
    ],
    ids=["exactly-80-and-95", "crossing", "five"],
)
def test_the_sql_classes_are_the_rule_at_the_boundaries(rep, make_user, amounts, expected):
    from crm import roles

    erp = make_user(roles.INTEGRATION, username="erp")
    for index, amount in enumerate(amounts):
        order(make_customer(owner=rep, name=f"Customer {index}"), erp, amount * 1000)
    report = pareto(scope=_scope(rep))
    assert [row.abc for row in report.rows] == expected
    assert [str(c) for c in abc_classes([D(amount) for amount in amounts])] == expected
    assert report.customers_for_80_percent == expected.count("A")


def test_ties_are_ranked_by_code_the_same_way_every_time(rep, make_user):
    from crm import roles

    erp = make_user(roles.INTEGRATION, username="erp")
    made = [make_customer(owner=rep, name=f"Tied {index}") for index in range(4)]
    for customer in reversed(made):
        order(customer, erp, 25_000)
    report = pareto(scope=_scope(rep))
    codes = sorted(customer.code for customer in made)
    assert [row.code for row in report.rows] == codes
    assert [row.cumulative_share for row in report.rows] == [D("25.0"), D("50.0"), D("75.0"), D("100.0")]
    assert [row.abc for row in report.rows] == ["A", "A", "A", "A"]  # 75% above the fourth: it reaches 100%
    assert report.hhi == D("2500.0")


def test_an_abc_class_drills_to_its_customers(portfolio):
    scope = _scope(portfolio.manager)
    ids = set(abc_members(scope=scope, key="A").values_list("pk", flat=True))
    assert ids == {portfolio.customers["A"].pk, portfolio.customers["B"].pk}
    assert set(abc_members(scope=scope, key="C").values_list("pk", flat=True)) == {portfolio.customers["D"].pk}
    assert not abc_members(scope=scope, key="Z").exists()


def test_an_empty_scope_gives_zeros(make_user):
    from crm import roles

    report = pareto(scope=_scope(make_user(roles.SALES, username="newbie")))
    assert (report.rows, report.customers, report.customers_for_80_percent, report.hhi) == ([], 0, 0, D("0.0"))


def test_t_read_from_profiles_computed_that_day_equals_t_summed_from_the_orders(portfolio):
    from credit.models import CreditProfile

    fresh = pareto(scope=_scope(portfolio.manager))
    assert CreditProfile.objects.filter(computed_on=TODAY).count() == 3  # refreshed by every order written
    CreditProfile.objects.update(computed_on=TODAY - timedelta(days=1), trailing_12m_purchases=D(1))  # stale
    summed = pareto(scope=_scope(portfolio.manager))
    assert [(r.code, r.amount) for r in summed.rows] == [(r.code, r.amount) for r in fresh.rows]
    assert summed.hhi == fresh.hhi
