"""Value tier A–D (DOMAIN §3) and the trailing-12-month purchases it rests on."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from credit.rules.policy import CreditPolicy


class Tier(StrEnum):
    A = "A"  # 核心 key
    B = "B"  # 重要 important
    C = "C"  # 普通 ordinary
    D = "D"  # 潜在 potential


BILLABLE = frozenset({"open", "completed"})  # not on credit hold, rejected or cancelled


@dataclass(frozen=True, slots=True)
class Purchase:
    order_date: date
    amount: Decimal
    status: str


def in_window(day: date, today: date, days: int) -> bool:
    """Within the trailing window: after ``today − days`` and not after ``today``."""
    return today - timedelta(days=days) < day <= today


def trailing_purchases(purchases: Iterable[Purchase], *, today: date, policy: CreditPolicy) -> Decimal:
    """T: the amounts of open or completed orders dated in the trailing window (DOMAIN §3)."""
    return sum(
        (p.amount for p in purchases if p.status in BILLABLE and in_window(p.order_date, today, policy.window_days)),
        Decimal(0),
    )


def value_tier(trailing: Decimal, policy: CreditPolicy) -> Tier:
    """A: T ≥ 300,000; B: 200,000 ≤ T < 300,000; C: 0 < T < 200,000; D: T = 0 (DOMAIN §3)."""
    if trailing >= policy.tier_a_threshold:
        return Tier.A
    if trailing >= policy.tier_b_threshold:
        return Tier.B
    if trailing > 0:
        return Tier.C
    return Tier.D


def is_core(*, trailing: Decimal, relationship_years: float | None, policy: CreditPolicy) -> bool:
    """Core 核心 vs ordinary (DOMAIN §2.1): T ≥ the A threshold, or ≥ the B threshold with 3+ years together."""
    if trailing >= policy.tier_a_threshold:
        return True
    return (
        trailing >= policy.tier_b_threshold
        and relationship_years is not None
        and relationship_years >= policy.core_relationship_years
    )
