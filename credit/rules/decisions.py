"""Credit decisions that say why (DOMAIN §6.3, §11 "Decisions say why"): when a limit decision needs a written
reason, and whether an approved limit can be used, in one answer for the approval page, the dossier and the API."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from credit.rules.grade import Grade
from credit.rules.limits import requires_prepayment


class NoteCause(StrEnum):
    """Why an approval needs a written reason."""

    ABOVE_RECOMMENDATION = "above_recommendation"
    GRADE_BING = "grade_bing"
    GRADE_DING = "grade_ding"
    DEFAULT_LIST = "default_list"


def note_causes(*, amount: Decimal, recommended: Decimal, grade: Grade, on_default_list: bool) -> tuple[NoteCause, ...]:
    """The causes that make approving ``amount`` need a reason: above the recommendation, a 丙 or 丁 customer, or
    one on a default list. None: the approval follows the engine and a note is optional."""
    causes = []
    if amount > recommended:
        causes.append(NoteCause.ABOVE_RECOMMENDATION)
    if grade is Grade.BING:
        causes.append(NoteCause.GRADE_BING)
    if grade is Grade.DING:
        causes.append(NoteCause.GRADE_DING)
    if on_default_list:
        causes.append(NoteCause.DEFAULT_LIST)
    return tuple(causes)


class LimitState(StrEnum):
    """What an approved limit means for the next order (DOMAIN §4.1, §6.2–§6.4)."""

    NONE = "none"  # nothing approved
    USABLE = "usable"
    PREPAYMENT = "prepayment"  # approved, but the grade requires payment before shipment
    WITHDRAWN = "withdrawn"  # approved, but withdrawn: a small customer on a default list
    EXPIRED = "expired"  # the last approval has run out


@dataclass(frozen=True, slots=True)
class LimitStanding:
    state: LimitState
    approved: Decimal | None  # the last approved amount, in force or not
    valid_until: date | None
    grade: Grade


def limit_standing(
    *, approved: Decimal | None, valid_until: date | None, grade: Grade, withdrawn: bool, today: date
) -> LimitStanding:
    """Whether the last approved limit can carry an order today, and if not why: withdrawn (DOMAIN §6.2) comes
    first, then expiry, then the grade's prepayment (the order check of §6.4 holds such orders)."""
    if approved is None:
        state = LimitState.NONE
    elif withdrawn:
        state = LimitState.WITHDRAWN
    elif valid_until is not None and valid_until < today:
        state = LimitState.EXPIRED
    elif requires_prepayment(grade):
        state = LimitState.PREPAYMENT
    else:
        state = LimitState.USABLE
    return LimitStanding(state, approved, valid_until, grade)
