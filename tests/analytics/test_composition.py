"""Composition 构成分析 (DOMAIN §10.1) through the selector: counts, T and shares per class, over the user's scope,
as of a day."""

from datetime import date
from decimal import Decimal

import pytest

from analytics.scope import AnalysisScope
from analytics.selectors.composition import composition
from tests.analytics.conftest import TODAY

pytestmark = pytest.mark.django_db
D = Decimal


def _scope(user, as_of=TODAY, **kwargs):
    return AnalysisScope(user=user, as_of=as_of, today=TODAY, **kwargs)


def _rows(report):
    return {row.key: (row.customers, row.share, row.amount, row.amount_share) for row in report.rows}


def test_tiers_for_a_manager_cover_every_customer(portfolio):
    report = composition(scope=_scope(portfolio.manager), by="tier")
    assert _rows(report) == {
        "A": (1, D("25.0"), D(350_000), D("58.3")),
        "B": (1, D("25.0"), D(210_000), D("35.0")),  # the order of 400 days ago is outside the window
        "C": (1, D("25.0"), D(40_000), D("6.7")),
        "D": (1, D("25.0"), D(0), D("0.0")),
    }
    assert (report.customers, report.amount) == (4, D(600_000))


def test_a_sales_rep_sees_only_own_customers(portfolio):
    report = composition(scope=_scope(portfolio.rep), by="tier")
    assert {key: row[0] for key, row in _rows(report).items()} == {"A": 1, "B": 1, "C": 0, "D": 0}
    assert report.amount == D(560_000)


def test_as_of_an_earlier_day_counts_the_window_ending_then(portfolio):
    """A year ago the 100,000 order of 400 days ago was inside the window and the others did not exist yet."""
    report = composition(scope=_scope(portfolio.manager, as_of=date(2025, 11, 1)), by="tier")
    assert {key: row[2] for key, row in _rows(report).items()} == {"A": 0, "B": 0, "C": D(100_000), "D": 0}


def test_tier_grade_has_every_cell_keyed_tier_slash_grade(portfolio):
    report = composition(scope=_scope(portfolio.manager), by="tier_grade")
    keys = [row.key for row in report.rows]
    assert len(keys) == 4 * 5
    assert keys[0] == "A/jia"
    assert sum(row.customers for row in report.rows) == 4


def test_open_classifications_list_present_groups_largest_first(portfolio):
    regions = composition(scope=_scope(portfolio.manager), by="region")
    assert [(row.key, row.label, row.customers) for row in regions.rows] == [
        ("Zhejiang", "Zhejiang", 2),
        ("Jiangsu", "Jiangsu", 1),
        ("", "(not given)", 1),
    ]
    owners = composition(scope=_scope(portfolio.manager), by="owner")
    assert owners.rows[0].key == "rep"
    assert owners.rows[0].label == "Lei Wang"


def test_products_count_line_amounts_and_their_buyers(portfolio):
    report = composition(scope=_scope(portfolio.manager), by="product")
    assert [(row.key, row.customers, row.amount) for row in report.rows] == [
        ("DN100 gate valve", 2, D(390_000)),
        ("DN50 ball valve", 1, D(210_000)),
    ]


def test_filters_narrow_to_one_owner_or_region(portfolio):
    assert composition(scope=_scope(portfolio.manager, owner="other_rep"), by="tier").customers == 2
    assert composition(scope=_scope(portfolio.manager, region="Zhejiang"), by="tier").amount == D(390_000)


def test_drill_down_names_the_customer_list_filters(portfolio):
    tiers = composition(scope=_scope(portfolio.manager), by="tier_grade")
    assert tiers.drill("A/jia") == {"tier": "A", "payment_grade": "jia"}
    assert composition(scope=_scope(portfolio.manager), by="product").drill("DN50 ball valve") is None


@pytest.mark.parametrize("by", ["tier", "tier_grade", "owner"])
def test_t_and_tiers_read_from_profiles_computed_that_day_equal_those_summed_from_the_orders(portfolio, by):
    """DOMAIN §3: T and the tier a profile stored today are the ones the orders give, so a portfolio recomputed
    today is composed from the profiles (no subquery per customer) with the same figures."""
    from datetime import timedelta

    from credit.models import CreditProfile

    fresh = composition(scope=_scope(portfolio.manager), by=by)
    assert CreditProfile.objects.filter(computed_on=TODAY).count() == 3  # refreshed by every order written
    CreditProfile.objects.update(computed_on=TODAY - timedelta(days=1), trailing_12m_purchases=D(1), tier="D")
    summed = composition(scope=_scope(portfolio.manager), by=by)
    assert _rows(summed) == _rows(fresh)
    assert (summed.customers, summed.amount) == (fresh.customers, fresh.amount)
