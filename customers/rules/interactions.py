"""What a customer-card record needs by kind (DOMAIN §2, §10.6): pure, no Django."""

from collections.abc import Mapping

PROMOTION_RESPONSE = "promotion_response"
PROMOTION_FIELDS = ("promotion", "response", "cost")


def promotion_fields_missing(kind: str, values: Mapping[str, object]) -> list[str]:
    """The promotion fields a promotion response lacks (None or blank); none for other kinds. A cost of 0 is given."""
    if kind != PROMOTION_RESPONSE:
        return []
    return [name for name in PROMOTION_FIELDS if values.get(name) is None or values.get(name) == ""]
