"""Reorder cycle (DOMAIN §8, the M8317 example): remind when a regular buyer is late to reorder."""

from collections.abc import Sequence
from datetime import date, timedelta
from itertools import pairwise
from statistics import median

from credit.rules.policy import CreditPolicy


def reorder_cycle_days(order_dates: Sequence[date]) -> float | None:
    """The median interval between orders, for a customer and product with 3+ orders (else None)."""
    days = sorted(set(order_dates))
    if len(days) < 3:
        return None
    return median((b - a).days for a, b in pairwise(days))


def reorder_due(order_dates: Sequence[date], *, today: date, policy: CreditPolicy) -> date | None:
    """The day a reminder is due (last order + cycle + grace), if today is past it; grace = max(7 days, 20% of
    the cycle) by default, both numbers the policy's."""
    cycle = reorder_cycle_days(order_dates)
    if cycle is None:
        return None
    grace = max(float(policy.reorder_grace_min_days), float(policy.reorder_grace_share) * cycle)
    due = max(order_dates) + timedelta(days=round(cycle + grace))
    return due if today > due else None
