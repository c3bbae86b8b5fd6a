"""DOMAIN §10.6: a promotion response carries its promotion, response and cost; pure rule, no database."""

import pytest

from customers.rules.interactions import promotion_fields_missing


@pytest.mark.parametrize(
    ("kind", "values", "missing"),
    [
        pytest.param("promotion_response", {}, ["promotion", "response", "cost"], id="all-missing"),
        pytest.param("promotion_response", {"promotion": "A", "response": "positive", "cost": 0}, [], id="cost-0"),
        pytest.param("promotion_response", {"promotion": " ", "response": "", "cost": 1}, ["response"], id="blank"),
        pytest.param("complaint", {}, [], id="other-kinds-need-none"),
    ],
)
def test_a_promotion_response_needs_its_three_fields(kind, values, missing):
    assert promotion_fields_missing(kind, values) == missing
