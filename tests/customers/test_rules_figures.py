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
