"""Decisions that say why (DOMAIN §11, §6.3): when an approval needs a written reason, and whether an approved
limit can carry an order, in one answer."""

from datetime import date
from decimal import Decimal

import pytest

from credit.rules.decisions import LimitState, NoteCause, limit_standing, note_causes
from credit.rules.grade import Grade

D = Decimal
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("amount", "causes"),
    [(D("100000.00"), ()), (D("100000.01"), (NoteCause.ABOVE_RECOMMENDATION,)), (D(0), ())],
    ids=["at-the-recommendation", "a-cent-above", "nothing"],
)
def test_above_the_recommendation_needs_a_reason(amount, causes):
    assert note_causes(amount=amount, recommended=D(100_000), grade=Grade.JIA, on_default_list=False) == causes


@pytest.mark.parametrize(
    ("grade", "causes"),
    [
        (Grade.JIA, ()),
        (Grade.YI, ()),
        (Grade.UNRATED, ()),
        (Grade.BING, (NoteCause.GRADE_BING,)),
        (Grade.DING, (NoteCause.GRADE_DING,)),
    ],
)
def test_a_bing_or_ding_customer_needs_a_reason_whatever_the_amount(grade, causes):
    assert note_causes(amount=D(1), recommended=D(10), grade=grade, on_default_list=False) == causes


def test_the_issue_case_names_every_cause():
    """200,000 for a 丁 customer on a default list whose recommendation is 0 (issue 13 point 4)."""
    causes = note_causes(amount=D(200_000), recommended=D(0), grade=Grade.DING, on_default_list=True)
    assert causes == (NoteCause.ABOVE_RECOMMENDATION, NoteCause.GRADE_DING, NoteCause.DEFAULT_LIST)


def _standing(**changes):
    values = {"approved": D(200_000), "valid_until": date(2027, 1, 1), "grade": Grade.JIA, "withdrawn": False}
    return limit_standing(**(values | changes), today=TODAY).state


@pytest.mark.parametrize(
    ("changes", "state"),
    [
        ({}, LimitState.USABLE),
        ({"grade": Grade.YI}, LimitState.USABLE),
        ({"grade": Grade.UNRATED}, LimitState.USABLE),
        ({"approved": None}, LimitState.NONE),
        ({"grade": Grade.BING}, LimitState.PREPAYMENT),
        ({"grade": Grade.DING}, LimitState.PREPAYMENT),
        ({"valid_until": TODAY}, LimitState.USABLE),
        ({"valid_until": date(2026, 11, 21)}, LimitState.EXPIRED),
        ({"withdrawn": True, "grade": Grade.DING}, LimitState.WITHDRAWN),
        ({"withdrawn": True, "valid_until": date(2026, 1, 1)}, LimitState.WITHDRAWN),
        ({"valid_until": date(2026, 1, 1), "grade": Grade.DING}, LimitState.EXPIRED),
    ],
    ids=[
        "jia",
        "yi",
        "unrated",
        "none-approved",
        "bing-prepays",
        "ding-prepays",
        "last-valid-day",
        "expired-yesterday",
        "withdrawn",
        "withdrawn-before-expired",
        "expired-before-grade",
    ],
)
def test_whether_an_approved_limit_carries_an_order(changes, state):
    assert _standing(**changes) == state
