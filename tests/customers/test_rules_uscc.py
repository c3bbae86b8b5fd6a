"""DOMAIN §2 basic: the unified social credit code and its GB 32100-2015 check character."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customers.rules.uscc import CHARSET, uscc_check_character, uscc_problem

SAMPLE = "91350100M000100Y43"


def test_sample_code_from_the_issue_is_valid():
    assert uscc_problem(SAMPLE) is None


def test_lower_case_input_is_accepted():
    assert uscc_problem(SAMPLE.lower()) is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        pytest.param("91350100M000100Y44", "check", id="wrong-check-character"),
        pytest.param("91350100M000100Y4", "length", id="17-characters"),
        pytest.param("91350100M000100Y433", "length", id="19-characters"),
        pytest.param("91350100I000100Y43", "charset", id="letter-I-not-allowed"),
        pytest.param("91350100O000100Y43", "charset", id="letter-O-not-allowed"),
        pytest.param("9135010-M000100Y43", "charset", id="punctuation"),
    ],
)
def test_invalid_codes_say_why(code, problem):
    assert uscc_problem(code) == problem


def test_check_value_31_is_written_as_zero():
    # Find a 17-character body whose weighted sum is a multiple of 31: its check character is "0".
    body = next(b for b in (f"91350100M{n:08d}" for n in range(10**5)) if uscc_check_character(b) == "0")
    assert uscc_problem(body + "0") is None


body17 = st.text(alphabet=CHARSET, min_size=17, max_size=17)


@given(body17)
def test_every_body_with_its_check_character_is_valid(body):
    assert uscc_problem(body + uscc_check_character(body)) is None


@given(body17, st.sampled_from(CHARSET))
def test_any_other_check_character_is_rejected(body, wrong):
    if wrong != uscc_check_character(body):
        assert uscc_problem(body + wrong) == "check"


@given(body17, st.integers(min_value=0, max_value=16), st.sampled_from(CHARSET))
def test_a_single_typo_in_the_body_is_caught(body, position, replacement):
    """Weights are non-zero mod 31, so changing one character always changes the check."""
    code = body + uscc_check_character(body)
    typo = code[:position] + replacement + code[position + 1 :]
    if typo != code:
        assert uscc_problem(typo) == "check"


@pytest.mark.parametrize("body", ["91350100M000100Y", "91350100M000100Y43"], ids=["16-characters", "18-characters"])
def test_the_check_character_needs_exactly_17_characters(body):
    """GB 32100-2015: 17 characters and their 17 weights; a shorter or longer body is a programming error."""
    with pytest.raises(ValueError, match="zip"):
        uscc_check_character(body)
