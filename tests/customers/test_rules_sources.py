"""Information sources by reliability (DOMAIN §2.2): self-reported lowest, agency and bank highest."""

import pytest

from customers.models import InformationSource
from customers.rules.sources import RELIABILITY, weakest_source


def test_the_ranking_is_the_order_the_choices_are_listed_in():
    assert list(RELIABILITY) == list(InformationSource.values)
    assert RELIABILITY[0] == "customer"
    assert set(RELIABILITY[-2:]) == {"bank", "credit_agency"}


@pytest.mark.parametrize(
    ("sources", "weakest"),
    [
        ([], None),
        (["credit_agency"], "credit_agency"),
        (["credit_agency", "bank", "court"], "court"),
        (["bank", "customer", "credit_agency"], "customer"),
        (["sales_observation", "public_media"], "sales_observation"),
        (["bank", "bank"], "bank"),
    ],
)
def test_the_weakest_source_wins(sources, weakest):
    assert weakest_source(sources) == weakest
