"""Facts one app announces and other apps react to, after the writing transaction commits.

A service that changes data another app derives from publishes a typed fact; the app that owns the
consequence subscribes its own service in its ``AppConfig.ready``. Explicit and typed, not Django model
signals: the writer never imports the reacting app, and a reaction never runs for a write that rolled back.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction


@dataclass(frozen=True, slots=True)
class OwnerMove:
    customer_id: int
    from_user_id: int
    to_user_id: int


@dataclass(frozen=True, slots=True)
class OwnerChanged:
    """Dossiers changed owner (edit, sync, handover): the rep's open reminders follow them (DOMAIN §9)."""

    moves: tuple[OwnerMove, ...]


@dataclass(frozen=True, slots=True)
class CreditDataChanged:
    """Credit data of these customers changed (a credit report, bank certificate, litigation or tax record was
    added): their credit profile is derived again as of ``today`` (DOMAIN §2 credit data, §3–§6)."""

    customer_ids: tuple[int, ...]
    today: date


@dataclass(frozen=True, slots=True)
class CustomersMerged:
    """The dossier ``duplicate_id`` was merged into ``survivor_id`` (DOMAIN §2.3): each app moves what it keeps of the
    duplicate to the survivor inside the merging transaction (``take_part``), and derives again after commit
    (``subscribe``)."""

    survivor_id: int
    duplicate_id: int
    today: date


Fact = OwnerChanged | CreditDataChanged | CustomersMerged
Handler = Callable[[Fact], object]
_handlers: dict[type, list[Handler]] = defaultdict(list)
_participants: dict[type, list[Handler]] = defaultdict(list)


def subscribe(fact_type: type, handler: Handler) -> None:
    """Run ``handler(fact)`` after each commit that published a fact of this type (once per handler)."""
    if handler not in _handlers[fact_type]:
        _handlers[fact_type].append(handler)


def publish(fact: Fact) -> None:
    """Announce ``fact``; its handlers run once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _dispatch(fact), robust=False)


def take_part(fact_type: type, participant: Handler) -> None:
    """Run ``participant(fact)`` inside the transaction that publishes a fact of this type with ``publish_now``: for
    consequences that must commit or roll back with the write (a merge moves the orders with the dossier). A
    participant that raises undoes the whole write."""
    if participant not in _participants[fact_type]:
        _participants[fact_type].append(participant)


def publish_now(fact: Fact) -> None:
    """Have every participant act on ``fact`` now, in the caller's transaction, then ``publish`` it to the
    after-commit subscribers."""
    for participant in _participants[type(fact)]:
        participant(fact)
    publish(fact)


def _dispatch(fact: Fact) -> None:
    for handler in _handlers[type(fact)]:
        handler(fact)
