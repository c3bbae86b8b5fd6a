"""What every analysis covers (DOMAIN §10): the customers the user may read in full, as of a day."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from customers.selectors import customers_read_in_full


@dataclass(frozen=True, slots=True)
class AnalysisScope:
    """A user's analysis: ``as_of`` (default today), narrowed to one owner (a username) or region if given.

    ``today`` is the entry point's business day; figures as of an earlier day rebuild what the stored profiles
    held then (credit.selectors.customers_with_credit_facts)."""

    user: AbstractBaseUser
    as_of: date
    today: date
    owner: str = ""
    region: str = ""

    @classmethod
    def of(cls, user: AbstractBaseUser, filters: Mapping, *, today: date) -> "AnalysisScope":
        """The scope of a page's or an endpoint's cleaned filters (``as_of``, ``owner``, ``region``)."""
        return cls(
            user=user,
            as_of=filters.get("as_of") or today,
            today=today,
            owner=filters.get("owner") or "",
            region=filters.get("region") or "",
        )

    def customers(self) -> QuerySet:
        return customers_read_in_full(user=self.user, owner=self.owner, region=self.region)
