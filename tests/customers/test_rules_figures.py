"""Latest financial figures, one definition (DOMAIN §2): per metric, the figure with the latest date."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from customers.rules.figures import latest_by_metric


@dataclass(frozen=True)
class Figure:
    metric: str
    as_of: date
    value: Decimal


def test_the_latest_date_wins_per_metric_whatever_the_order():
    old, new = Figure("net_worth", date(2025, 12, 31), Decimal(1)), Figure("net_worth", date(2026, 6, 30), Decimal(2))
    sales = Figure("sales", date(2024, 12, 31), Decimal(3))
    assert latest_by_metric([new, sales, old]) == {"net_worth": new, "sales": sales}
    assert latest_by_metric([old, new, sales]) == {"net_worth": new, "sales": sales}


def test_no_figures_no_latest():
    assert latest_by_metric([]) == {}


def test_financial_ratios_are_left_empty_when_a_figure_or_its_divisor_is_missing():
    from decimal import Decimal as D

    from customers.rules.figures import financial_ratios

    ratios = financial_ratios(
        {"total_assets": D(1000), "total_liabilities": D(600), "current_assets": D(300), "annual_revenue": D(0)}
    )
    assert ratios == {"debt_ratio": D("0.6000"), "current_ratio": None, "net_margin": None}
    assert financial_ratios({"net_profit": D(50), "annual_revenue": D(400)})["net_margin"] == D("0.1250")
