"""Custody of original documents and the borrowing flow 客户资料借阅 (DOMAIN §9)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DocumentStatus(StrEnum):
    """What the catalogue 客户档案目录 shows for one original, most urgent first."""

    MISSING = "missing"
    LENT = "lent"
    EXPIRED = "expired"
    IN_PLACE = "in_place"


class Custody(StrEnum):
    """Where the original physically is, as the archivist last recorded it."""

    IN_PLACE = "in_place"
    LENT = "lent"
    MISSING = "missing"


class BorrowingStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    LENT = "lent"
    RETURNED = "returned"
    LOST = "lost"
    CANCELLED = "cancelled"


class BorrowingAction(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"
    LEND = "lend"
    RETURN = "return"
    LOSE = "lose"
    CANCEL = "cancel"


# request → approved or refused → lent → returned (or lost); a request or an approval not yet collected can be
# cancelled.
TRANSITIONS: dict[tuple[BorrowingStatus, BorrowingAction], BorrowingStatus] = {
    (BorrowingStatus.REQUESTED, BorrowingAction.APPROVE): BorrowingStatus.APPROVED,
    (BorrowingStatus.REQUESTED, BorrowingAction.REFUSE): BorrowingStatus.REFUSED,
    (BorrowingStatus.REQUESTED, BorrowingAction.CANCEL): BorrowingStatus.CANCELLED,
    (BorrowingStatus.APPROVED, BorrowingAction.LEND): BorrowingStatus.LENT,
    (BorrowingStatus.APPROVED, BorrowingAction.CANCEL): BorrowingStatus.CANCELLED,
    (BorrowingStatus.LENT, BorrowingAction.RETURN): BorrowingStatus.RETURNED,
    (BorrowingStatus.LENT, BorrowingAction.LOSE): BorrowingStatus.LOST,  # the loan ends; the original is missing
}
ACTIVE = frozenset({BorrowingStatus.REQUESTED, BorrowingStatus.APPROVED, BorrowingStatus.LENT})
# The archivist decides and hands over; the borrower may only withdraw their own request.
ARCHIVIST_ACTIONS = frozenset(
    {
        BorrowingAction.APPROVE,
        BorrowingAction.REFUSE,
        BorrowingAction.LEND,
        BorrowingAction.RETURN,
        BorrowingAction.LOSE,
    }
)


class TransitionRefused(Exception):
    """A borrowing step that the flow does not allow; ``reason`` is a code the entry point translates."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def document_status(*, custody: Custody, expires_on: date | None, today: date) -> DocumentStatus:
    """The catalogue status: missing, lent, expired (past its expiry date) or in place (DOMAIN §9)."""
    if custody == Custody.MISSING:
        return DocumentStatus.MISSING
    if custody == Custody.LENT:
        return DocumentStatus.LENT
    if expires_on is not None and expires_on < today:
        return DocumentStatus.EXPIRED
    return DocumentStatus.IN_PLACE


@dataclass(frozen=True, slots=True)
class BorrowingStep:
    """One requested step, seen from the rule: who acts on which borrowing of which original."""

    status: BorrowingStatus
    action: BorrowingAction
    actor_is_requester: bool
    actor_is_archivist: bool
    view_only: bool
    custody: Custody


def borrowing_next(step: BorrowingStep) -> BorrowingStatus:
    """The status after ``step``, or TransitionRefused (DOMAIN §9: originals marked view-only are never lent;
    an archivist who is not the borrower decides, hands over and takes back; an original is lent only while it
    is in place)."""
    target = TRANSITIONS.get((step.status, step.action))
    if target is None:
        raise TransitionRefused("not_allowed")
    if step.action in ARCHIVIST_ACTIONS and not step.actor_is_archivist:
        raise TransitionRefused("archivist_only")
    if step.action in ARCHIVIST_ACTIONS and step.actor_is_requester:  # an archivist never lends to themselves
        raise TransitionRefused("own_request")
    if step.action == BorrowingAction.CANCEL and not (step.actor_is_requester or step.actor_is_archivist):
        raise TransitionRefused("not_requester")
    if step.action in {BorrowingAction.APPROVE, BorrowingAction.LEND} and step.view_only:
        raise TransitionRefused("view_only")
    if step.action == BorrowingAction.LEND and step.custody != Custody.IN_PLACE:
        raise TransitionRefused("not_in_place")
    if step.action == BorrowingAction.APPROVE and step.custody == Custody.MISSING:
        raise TransitionRefused("not_in_place")
    return target


def borrowing_due_error(*, due_on: date, today: date, max_days: int) -> str | None:
    """Why a due date is not acceptable: in the past, or beyond the longest loan (a policy setting)."""
    if due_on < today:
        return "past"
    if (due_on - today).days > max_days:
        return "too_long"
    return None


def archive_number(pattern: str, *, year: int, number: int) -> str:
    """The archive number 档案编号 from the configured pattern, e.g. ``ARC-{year}-{number:06d}`` → ARC-2026-000123."""
    return pattern.format(year=year, number=number)


def archive_sequence_name(pattern: str, *, year: int) -> str:
    """Numbers restart each year when the pattern shows the year, else they run on."""
    return f"archive-{year}" if "{year" in pattern else "archive"
