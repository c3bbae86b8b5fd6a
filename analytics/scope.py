"""What every analysis covers (DOMAIN §10): the customers the user may read in full, as of a day."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from crm import access
from customers.selectors import customers_read_in_full, live_customers


@dataclass(frozen=True, slots=True)
class AnalysisScope:
    """A user's analysis: ``as_of`` (default today), narrowed to one owner (a username) or region if given.

    ``today`` is the entry point's business day; figures as of an earlier day rebuild what the stored profiles
    held then (credit.selectors.customers_with_credit_facts). ``latest``: the caller asked for no particular day,
    so the nightly figures of yesterday may answer (``analytics.selectors.nightly``). ``user`` None: every live
    customer, as the nightly jobs compute it."""

    user: AbstractBaseUser | None
    as_of: date
    today: date
    owner: str = ""
    region: str = ""
    latest: bool = False

    @classmethod
    def of(cls, user: AbstractBaseUser, filters: Mapping, *, today: date) -> "AnalysisScope":
        """The scope of a page's or an endpoint's cleaned filters (``as_of``, ``owner``, ``region``)."""
        return cls(
            user=user,
            as_of=filters.get("as_of") or today,
            today=today,
            owner=filters.get("owner") or "",
            region=filters.get("region") or "",
            latest=not filters.get("as_of"),
        )

    @classmethod
    def portfolio(cls, *, as_of: date, today: date) -> "AnalysisScope":
        """Every live customer as of a day, with no reader: what the nightly snapshots compute."""
        return cls(user=None, as_of=as_of, today=today)

    def customers(self) -> QuerySet:
        if self.user is None:
            return live_customers()
        return customers_read_in_full(user=self.user, owner=self.owner, region=self.region)

    def covers_everyone(self) -> bool:
        """Whether the scope is every live customer: a reader of every dossier in full, no owner or region."""
        return not (self.owner or self.region) and (
            self.user is None or access.dossiers_fully_visible(self.user) is None
        )
