"""Order states and the transitions between them (DOMAIN §6.4), pure.

``open`` (accepted, not yet delivered) → ``completed`` (delivered: a receivable); ``credit_hold`` → ``open``
(released by a credit manager) or ``rejected``; ``open`` or ``credit_hold`` → ``cancelled``. Cancelled and
rejected are final: nothing reopens an order (ERPNext's bypass was close an order, place a new one within the
freed limit, reopen the old). A completed order is a receivable and is never cancelled away: what the customer
owes on it goes down by a payment or by a credit note a credit manager records (``services.credit_note_issue``).

Of all transitions only ``cancel`` of an ``open`` order lowers exposure, and that order was never delivered.
"""

from dataclasses import dataclass


class TransitionRefused(ValueError):
    """The order's state does not allow this action; the message says why."""


@dataclass(frozen=True, slots=True)
class Transition:
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    "release": Transition(frozenset({"credit_hold"}), "open"),
    "reject": Transition(frozenset({"credit_hold"}), "rejected"),
    "complete": Transition(frozenset({"open"}), "completed"),
    "cancel": Transition(frozenset({"open", "credit_hold"}), "cancelled"),
}


def transition_target(status: str, action: str) -> str:
    """The state ``action`` leads to from ``status``; TransitionRefused when the state does not allow it."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(f"Unknown order action {action!r}.")
    if status not in transition.sources:
        if action == "cancel" and status == "completed":
            raise TransitionRefused(
                "A completed order was delivered and is a receivable: it cannot be cancelled. "
                "A credit manager records a credit note for what will not be paid."
            )
        raise TransitionRefused(f"An order that is {status} cannot be {action}d.")
    return transition.target
