"""The "suspected duplicates" step of a customer import (DOMAIN §2.3): a row that would create a dossier but
resembles an existing one by name is held for a person to decide; it is created only when the user asks."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from customers.selectors import customer_scope


@dataclass(frozen=True, slots=True)
class Candidate:
    """A row about to create a dossier: its position in the batch and what it can be recognised by."""

    index: int
    name: str
    phone: str = ""
    region: str = ""


@dataclass(frozen=True, slots=True)
class Resemblance:
    """The existing dossier a row resembles, why, and how closely (0–100)."""

    customer_id: int
    code: str
    name: str
    reason: str
    score: int

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "reason": self.reason, "score": self.score}


def suspected_duplicates(*, user: AbstractBaseUser, candidates: Sequence[Candidate]) -> dict[int, Resemblance]:
    """The dossier each candidate resembles, by index; candidates that resemble none are absent. One query.

    Until the name normaliser of DOMAIN §2.3 (``customers.selectors.duplicate_suspects_many``) is in, the same
    unit name, spelt exactly alike, is the only resemblance recognised."""
    names = {candidate.name for candidate in candidates if candidate.name}
    if not names:
        return {}
    existing = {}
    for pk, code, name in (
        customer_scope(user=user).filter(name__in=names).order_by("pk").values_list("pk", "code", "name")
    ):
        existing.setdefault(name, Resemblance(pk, code, name, _("same name"), 100))
    return {c.index: existing[c.name] for c in candidates if c.name in existing}
