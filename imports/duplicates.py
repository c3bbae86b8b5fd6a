"""The "suspected duplicates" step of a customer import (DOMAIN §2.3): a row that would create a dossier but
resembles an existing one (its normalised name, with its phone or region) is held for a person to decide; it is
created only when the user asks. Exact keys (external id, credit code) never get here: they update."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from customers.selectors import DuplicateProbe, duplicate_suspects_many


@dataclass(frozen=True, slots=True)
class Candidate:
    """A row about to create a dossier: its position in the batch and what it can be recognised by."""

    index: int
    name: str
    phone: str = ""
    region: str = ""


@dataclass(frozen=True, slots=True)
class Resemblance:
    """The existing dossier a row resembles most, why (``customers.rules.names.DuplicateReason``) and how closely."""

    customer_id: int
    code: str
    name: str
    reason: str
    score: float

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "reason": self.reason, "score": self.score}


def suspected_duplicates(*, user: AbstractBaseUser, candidates: Sequence[Candidate]) -> dict[int, Resemblance]:
    """The dossier each candidate resembles most, by ``index``; candidates that resemble none are absent.
    Set-based (``customers.selectors.duplicate_suspects_many``), scoped to what the user may see."""
    probes = [DuplicateProbe(c.name, c.phone, c.region) for c in candidates]
    suspects = duplicate_suspects_many(names=probes, user=user, limit=1)
    return {
        candidates[position].index: Resemblance(best.customer_id, best.code, best.name, str(best.reason), best.score)
        for position, (best, *_others) in suspects.items()
    }
