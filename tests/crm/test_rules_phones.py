"""Phone and fax numbers (issue 14 point 7, crm/rules/phones.py): what people write, and nothing else."""

import pytest

from crm.rules.phones import is_phone_number


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0571-88886666", id="area-code-dash"),
        pytest.param("057188886666", id="digits-only"),
        pytest.param("+86 571 8888 6666", id="international-spaces"),
        pytest.param("+86 (571) 8888-6666", id="parentheses"),
        pytest.param("139 0571 7777", id="mobile-spaced"),
        pytest.param("0571-88886666 x123", id="extension-x"),
        pytest.param("0571-88886666X12", id="extension-capital-x-no-space"),
        pytest.param("0571-88886666 ext. 45", id="extension-ext"),
        pytest.param("0571-88886666转123", id="extension-zhuan"),
        pytest.param("0571-88886666 分机 8", id="extension-fenji"),
        pytest.param("110", id="three-digits"),
        pytest.param("  0571-88886666  ", id="surrounding-spaces"),
    ],
)
def test_numbers_people_write_are_accepted(text):
    assert is_phone_number(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("12", id="two-digits"),
        pytest.param("1" * 21, id="twenty-one-digits"),
        pytest.param("call me", id="words"),
        pytest.param("0571-API", id="letters"),
        pytest.param("0571.8888.6666", id="dots"),
        pytest.param("86+571 8888", id="plus-inside"),
        pytest.param("(0571 8888 6666", id="unbalanced-parenthesis"),
        pytest.param("0571-8888 x", id="extension-without-digits"),
        pytest.param("0571-8888 x1234567", id="extension-seven-digits"),
        pytest.param("x123", id="extension-only"),
        pytest.param("=HYPERLINK(1)", id="formula"),
        pytest.param("0571/8888", id="slash"),
    ],
)
def test_anything_else_is_refused(text):
    assert not is_phone_number(text)
