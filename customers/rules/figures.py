"""Latest financial figures (DOMAIN §2 operating status): one definition for the dossier, the figures form, the
credit profile's net worth and the suggested 5C ratings."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol, TypeVar


class DatedFigure(Protocol):
    metric: str
    as_of: date


Figure = TypeVar("Figure", bound=DatedFigure)


def latest_by_metric(figures: Iterable[Figure]) -> dict[str, Figure]:
    """Per metric, the figure with the latest ``as_of`` date (one per metric and date, a database constraint)."""
    latest: dict[str, Figure] = {}
    for figure in figures:
        if figure.metric not in latest or figure.as_of > latest[figure.metric].as_of:
            latest[figure.metric] = figure
    return latest


def financial_ratios(values: dict[str, Decimal]) -> dict[str, Decimal | None]:
    """The ratios a credit reader looks at first (DOMAIN §5.1 capital and capacity), each None when a figure is
    missing or its divisor is zero: debt ratio = liabilities ÷ assets, current ratio = current assets ÷ current
    liabilities, net margin = net profit ÷ revenue; four decimals."""

    def ratio(top: str, bottom: str) -> Decimal | None:
        if values.get(top) is None or not values.get(bottom):
            return None
        return (values[top] / values[bottom]).quantize(Decimal("0.0001"))

    return {
        "debt_ratio": ratio("total_liabilities", "total_assets"),
        "current_ratio": ratio("current_assets", "current_liabilities"),
        "net_margin": ratio("net_profit", "annual_revenue"),
    }
