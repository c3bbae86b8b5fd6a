"""Statistics of DOMAIN §10.2: the Pareto ranking, ABC classes by cumulative share, top-10 share, Herfindahl index.

The ranking: customers by T (trailing-12-month purchases, DOMAIN §3) from largest to smallest; customers with the
same T are ranked by code, so the order (and every class) is the same on every run.

ABC, the boundary: a customer's class follows the share of T held by the customers ranked *above* it.
- **A** while that share is below 80%: A is the fewest top customers who together make at least 80% of T, so the
  customer who crosses 80% is A, and a customer whose own cumulative share is exactly 80% is the last A;
- **B** while it is below 95% (the customer who crosses 95%, or reaches exactly 95%, is the last B);
- **C** the rest, and every customer with T = 0 (it makes no part of T).
``customers_for_80_percent`` is therefore the number of A customers.

Herfindahl-Hirschman index: the sum of the squared shares with shares in percent, on a scale of 0–10,000
(10,000 = a single customer makes all of T; 1,000,000 equal customers ≈ 0.01).
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

A_UP_TO = 80  # percent of T
B_UP_TO = 95
HHI_SCALE = 10_000  # shares in percent, squared
ONE_DECIMAL = Decimal("0.1")


class AbcClass(StrEnum):
    A = "A"
    B = "B"
    C = "C"


def abc_class(*, above: Decimal, amount: Decimal, total: Decimal) -> AbcClass:
    """The class of a customer whose T is ``amount`` when the customers ranked above it hold ``above`` of
    ``total``: A while ``above`` < 80% of total, B while < 95%, else C; C whenever ``amount`` is 0. Exact: the
    comparison is ``above × 100 < 80 × total``, never a rounded share."""
    if amount <= 0 or total <= 0:
        return AbcClass.C
    if above * 100 < A_UP_TO * total:
        return AbcClass.A
    if above * 100 < B_UP_TO * total:
        return AbcClass.B
    return AbcClass.C


def abc_classes(amounts: Sequence[Decimal]) -> list[AbcClass]:
    """The classes of amounts already ranked largest first (the whole population, for tests and small data)."""
    total = sum(amounts, Decimal(0))
    classes, above = [], Decimal(0)
    for amount in amounts:
        classes.append(abc_class(above=above, amount=amount, total=total))
        above += amount
    return classes


def herfindahl(*, sum_of_squares: Decimal, total: Decimal) -> Decimal:
    """HHI on 0–10,000: Σ (100 × amount / total)² = 10,000 × Σ amount² / total², one decimal; 0 when T is 0."""
    if total <= 0:
        return Decimal("0.0")
    value = Decimal(HHI_SCALE) * Decimal(sum_of_squares) / (Decimal(total) * Decimal(total))
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
