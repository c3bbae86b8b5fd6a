"""The start page's panels, one set per role (DOMAIN §1): each app names the panels it builds for a role in its
``AppConfig.ready``, so the page (in customers) shows credit and archive work without importing those apps.

A panel holds counts, each linked to the list that shows exactly those rows, and optionally a short table. A
builder reads through its app's selectors, one query per count or table, so the page's queries do not grow with
the portfolio. A user with several roles sees each role's panels, in the order of ``crm.roles.ALL_ROLES``.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from crm import roles


@dataclass(frozen=True, slots=True)
class Tile:
    """One count on a panel and the list it opens; ``empty`` says in words what a zero means."""

    key: str  # the page's data-testid, stable across languages
    label: str
    count: int | None  # None: counted after the page loads, from ``lazy_url`` (a count over many ledgers)
    url: str
    empty: str = ""
    note: str = ""  # a second line, e.g. how long the oldest has waited
    lazy_url: str = ""


@dataclass(frozen=True, slots=True)
class Panel:
    """A role's working view of one app: its counts and, if any, a table drawn by ``template`` from ``rows``."""

    key: str
    title: str
    tiles: tuple[Tile, ...] = ()
    template: str = ""
    rows: Sequence = ()
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Windows:
    """The credit policy's dashboard numbers (DOMAIN §7): reviews due within ``review_days``; limits, credit reports
    and documents expiring within ``expiry_days``."""

    review_days: int
    expiry_days: int
    report_months: int


def list_url(name: str, **query) -> str:
    """The page ``name`` with the query a count's list needs (empty values left out)."""
    query = {key: value for key, value in query.items() if value not in ("", None)}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


PanelBuilder = Callable[..., Panel]  # (*, user, today, windows) -> Panel
_builders: dict[str, list[PanelBuilder]] = defaultdict(list)


def panel_register(role: str, builder: PanelBuilder) -> None:
    """Show ``builder``'s panel to every user with ``role`` (once per builder)."""
    if builder not in _builders[role]:
        _builders[role].append(builder)


@dataclass(frozen=True, slots=True)
class RolePanels:
    role: str
    label: str
    panels: tuple[Panel, ...]


def panels_for(*, user: AbstractBaseUser, today: date, windows: Windows) -> list[RolePanels]:
    """The panels of each of the user's roles (a superuser: every role's but the rep's own-customer view)."""
    held = roles.roles_of(user)
    if user.is_superuser:
        held = frozenset(roles.ALL_ROLES) - {roles.SALES}
    return [
        RolePanels(role, str(roles.ROLE_LABELS[role]), tuple(b(user=user, today=today, windows=windows) for b in built))
        for role in roles.ALL_ROLES
        if role in held and (built := _builders.get(role))
    ]
