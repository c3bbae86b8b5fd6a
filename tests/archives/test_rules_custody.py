"""DOMAIN §9 custody and borrowing 客户资料借阅: statuses, every transition, every refusal (pure rules)."""

from datetime import date
from itertools import product

import pytest

from archives.rules.custody import (
    TRANSITIONS,
    BorrowingAction,
    BorrowingStatus,
    BorrowingStep,
    Custody,
    DocumentStatus,
    TransitionRefused,
    archive_number,
    archive_sequence_name,
    borrowing_due_error,
    borrowing_next,
    document_status,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("custody", "expires_on", "status"),
    [
        (Custody.IN_PLACE, None, DocumentStatus.IN_PLACE),
        (Custody.IN_PLACE, TODAY, DocumentStatus.IN_PLACE),
        (Custody.IN_PLACE, date(2026, 11, 21), DocumentStatus.EXPIRED),
        (Custody.LENT, date(2020, 1, 1), DocumentStatus.LENT),
        (Custody.MISSING, date(2020, 1, 1), DocumentStatus.MISSING),
        (Custody.MISSING, None, DocumentStatus.MISSING),
    ],
    ids=[
        "in-place",
        "expires-today-still-valid",
        "expired-yesterday",
        "lent-beats-expired",
        "missing-beats-all",
        "missing",
    ],
)
def test_section_9_catalogue_status(custody, expires_on, status):
    assert document_status(custody=custody, expires_on=expires_on, today=TODAY) == status


def step(status, action, *, requester=False, archivist=True, view_only=False, custody=Custody.IN_PLACE):
    return BorrowingStep(status, action, requester, archivist, view_only, custody)


@pytest.mark.parametrize(("transition", "target"), TRANSITIONS.items(), ids=lambda v: str(v))
def test_section_9_every_listed_transition_is_allowed_for_an_archivist_who_is_not_the_borrower(transition, target):
    status, action = transition
    assert borrowing_next(step(status, action)) == target


UNLISTED = [pair for pair in product(BorrowingStatus, BorrowingAction) if pair not in TRANSITIONS]


@pytest.mark.parametrize(("status", "action"), UNLISTED, ids=lambda v: str(v))
def test_section_9_every_other_transition_is_refused(status, action):
    with pytest.raises(TransitionRefused) as refused:
        borrowing_next(step(status, action))
    assert refused.value.reason == "not_allowed"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (BorrowingStatus.REQUESTED, BorrowingAction.APPROVE),
        (BorrowingStatus.REQUESTED, BorrowingAction.REFUSE),
        (BorrowingStatus.APPROVED, BorrowingAction.LEND),
        (BorrowingStatus.LENT, BorrowingAction.RETURN),
        (BorrowingStatus.LENT, BorrowingAction.LOSE),
    ],
)
def test_section_9_only_an_archivist_decides_lends_and_takes_back(status, action):
    with pytest.raises(TransitionRefused) as refused:
        borrowing_next(step(status, action, archivist=False))
    assert refused.value.reason == "archivist_only"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (BorrowingStatus.REQUESTED, BorrowingAction.APPROVE),
        (BorrowingStatus.REQUESTED, BorrowingAction.REFUSE),
        (BorrowingStatus.APPROVED, BorrowingAction.LEND),
        (BorrowingStatus.LENT, BorrowingAction.RETURN),
    ],
)
def test_section_9_an_archivist_never_decides_hands_over_or_takes_back_their_own_borrowing(status, action):
    with pytest.raises(TransitionRefused) as refused:
        borrowing_next(step(status, action, requester=True))
    assert refused.value.reason == "own_request"


def test_section_9_a_missing_original_cannot_be_approved_for_loan():
    with pytest.raises(TransitionRefused) as refused:
        borrowing_next(step(BorrowingStatus.REQUESTED, BorrowingAction.APPROVE, custody=Custody.MISSING))
    assert refused.value.reason == "not_in_place"


@pytest.mark.parametrize(
    ("status", "action"),
    [(BorrowingStatus.REQUESTED, BorrowingAction.APPROVE), (BorrowingStatus.APPROVED, BorrowingAction.LEND)],
)
def test_section_9_view_only_originals_are_never_lent(status, action):
    with pytest.raises(TransitionRefused) as refused:
        borrowing_next(step(status, action, view_only=True))
    assert refused.value.reason == "view_only"
    assert str(refused.value) == "view_only"  # what a log line or an unhandled error shows


@pytest.mark.parametrize("custody", [Custody.MISSING, Custody.LENT])
def test_section_9_an_original_not_in_its_place_cannot_be_handed_over(custody):
    with pytest.raises(TransitionRefused) as refused:
        borrowing_next(step(BorrowingStatus.APPROVED, BorrowingAction.LEND, custody=custody))
    assert refused.value.reason == "not_in_place"


def test_section_9_the_borrower_may_cancel_their_request_but_nobody_else_except_the_archivist():
    mine = step(BorrowingStatus.REQUESTED, BorrowingAction.CANCEL, requester=True, archivist=False)
    assert borrowing_next(mine) == BorrowingStatus.CANCELLED
    someone = step(BorrowingStatus.REQUESTED, BorrowingAction.CANCEL, requester=False, archivist=False)
    with pytest.raises(TransitionRefused) as refused:
        borrowing_next(someone)
    assert refused.value.reason == "not_requester"


@pytest.mark.parametrize(
    ("due_on", "error"),
    [(date(2026, 11, 21), "past"), (TODAY, None), (date(2026, 12, 22), None), (date(2026, 12, 23), "too_long")],
    ids=["yesterday", "today", "max-days", "one-day-too-long"],
)
def test_section_9_due_date_bounds(due_on, error):
    assert borrowing_due_error(due_on=due_on, today=TODAY, max_days=30) == error


def test_section_9_archive_number_follows_the_pattern_and_restarts_each_year_when_it_shows_the_year():
    assert archive_number("ARC-{year}-{number:06d}", year=2026, number=123) == "ARC-2026-000123"
    assert archive_sequence_name("ARC-{year}-{number:06d}", year=2026) == "archive-2026"
    assert archive_number("DA{number:08d}", year=2026, number=7) == "DA00000007"
    assert archive_sequence_name("DA{number:08d}", year=2026) == "archive"
