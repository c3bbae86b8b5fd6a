"""Information sources ranked by reliability (DOMAIN §2.2): self-reported lowest, a credit agency and a bank
highest. A credit decision is as strong as the weakest source behind it."""

from collections.abc import Iterable

RELIABILITY = (
    "customer",
    "sales_observation",
    "public_media",
    "partner",
    "court",
    "tax_authority",
    "bank",
    "credit_agency",
)
"""Weakest first; ``customers.models.InformationSource`` lists its codes in this order."""


def weakest_source(sources: Iterable[str]) -> str | None:
    """The least reliable of ``sources`` (unknown codes count as the weakest), or None when there is none."""
    ranked = [(RELIABILITY.index(s) if s in RELIABILITY else -1, s) for s in sources]
    return min(ranked)[1] if ranked else None
