"""DOMAIN §2 completeness: share of the required fields for the customer's kind that are filled."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customers.rules.completeness import completeness, is_filled, missing_fields

REQUIRED = ["customer.name", "customer.phone", "basic.legal_representative", "contacts"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param({}, 0, id="nothing-filled"),
        pytest.param({"customer.name": "A"}, 25, id="one-of-four"),
        pytest.param({"customer.name": "A", "customer.phone": "1", "basic.legal_representative": "B"}, 75, id="3-of-4"),
        pytest.param(
            {"customer.name": "A", "customer.phone": "1", "basic.legal_representative": "B", "contacts": True},
            100,
            id="all-filled",
        ),
        pytest.param({"customer.name": "   ", "contacts": False}, 0, id="blank-and-no-contacts-count-as-missing"),
    ],
)
def test_completeness_percentage(values, expected):
    assert completeness(values, REQUIRED) == expected


def test_percentage_is_rounded_down_so_99_never_shows_as_100():
    required = [f"f{i}" for i in range(3)]
    assert completeness({"f0": "x", "f1": "x"}, required) == 66


def test_no_required_fields_means_complete():
    assert completeness({}, []) == 100


@pytest.mark.parametrize(
    ("value", "filled"),
    [
        (None, False),
        ("", False),
        (" \n", False),
        ([], False),
        (0, True),
        ("0", True),
        (False, False),
        (True, True),
        ([1], True),
    ],
)
def test_what_counts_as_filled(value, filled):
    assert is_filled(value) is filled


def test_missing_fields_lists_what_to_fill_next():
    assert missing_fields({"customer.name": "A"}, REQUIRED) == [
        "customer.phone",
        "basic.legal_representative",
        "contacts",
    ]


# Blanks, full-width blanks and letters: text from the whole of Unicode makes hypothesis build its character
# table first, which takes seconds on a fresh clone and fails the "input generation is slow" health check.
SOME_TEXT = st.text(alphabet=" \t\u3000x中", max_size=3)


@given(st.dictionaries(st.sampled_from(REQUIRED), st.one_of(st.none(), SOME_TEXT, st.booleans())))
def test_percentage_is_within_0_and_100(values):
    assert 0 <= completeness(values, REQUIRED) <= 100
