"""Correlation 相关分析 (DOMAIN §10.4): Pearson and Spearman, with n, between customer variables.

The variables of every customer in scope come in one query (credit.selectors.customers_with_analysis_variables);
numpy and scipy do the rest (analytics.rules.correlation).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

import numpy as np
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.models import CorrelationSnapshot, OwnerCorrelationSnapshot
from analytics.rules.correlation import correlations
from analytics.scope import AnalysisScope
from credit.selectors import customers_with_analysis_variables
from crm import access
from crm.exports import Column, Table

VARIABLES = {  # key → label, in the order of DOMAIN §10.4
    "trailing": gettext_lazy("Purchases, trailing 12 months (T)"),
    "orders_365": gettext_lazy("Orders in 365 days"),
    "on_time_ratio": gettext_lazy("On-time ratio"),
    "max_days_late": gettext_lazy("Most days late"),
    "exposure": gettext_lazy("Exposure"),
    "credit_limit": gettext_lazy("Credit limit"),
    "assessment_percentage": gettext_lazy("Latest assessment (%)"),
    "completeness": gettext_lazy("Completeness (%)"),
    "net_worth": gettext_lazy("Net worth"),
    "debt_ratio": gettext_lazy("Debt ratio"),
    "relationship_years": gettext_lazy("Years of relationship"),
}
FETCHED = [*list(VARIABLES)[:9], "total_assets", "total_liabilities", "relationship_since"]
DIGITS = 3  # coefficients to three decimals
CHUNK = 50_000  # customers fetched at a time into the arrays


@dataclass(frozen=True, slots=True)
class Correlation:
    as_of: date
    customers: int
    variables: list[str]
    pearson: list[list[float | None]]
    spearman: list[list[float | None]]
    n: list[list[int]]
    snapshot_of: date | None = None  # the nightly snapshot's day, when read from it

    def matrices(self) -> dict:
        return {"variables": self.variables, "pearson": self.pearson, "spearman": self.spearman, "n": self.n}

    def labels(self) -> list[str]:
        return [str(VARIABLES[key]) for key in self.variables]

    def as_json(self) -> dict:
        return {
            "as_of": self.as_of,
            "customers": self.customers,
            "variables": [
                {"key": key, "label": label} for key, label in zip(self.variables, self.labels(), strict=True)
            ],
            "pearson": self.pearson,
            "spearman": self.spearman,
            "n": self.n,
        }

    def pairs(self) -> list[dict]:
        """Every pair of different variables once, in the matrix's order."""
        labels, size = self.labels(), len(self.variables)
        return [
            {
                "key": f"{self.variables[i]}/{self.variables[j]}",
                "first": labels[i],
                "second": labels[j],
                "n": self.n[i][j],
                "pearson": self.pearson[i][j],
                "spearman": self.spearman[i][j],
            }
            for i in range(size)
            for j in range(i + 1, size)
        ]

    def table(self) -> Table:
        columns = [
            Column("first", _("Variable")),
            Column("second", _("Other variable")),
            Column("n", _("Customers with both (n)")),
            Column("pearson", _("Pearson")),
            Column("spearman", _("Spearman")),
        ]
        return Table(columns, self.pairs())

    def drill(self, key: str) -> None:
        return None


def _columns(rows: list[tuple], as_of: date) -> dict[str, np.ndarray]:
    """The fetched rows as one float column per variable, NaN where a customer has no value (numpy, no loop); any
    column fetched after ``FETCHED`` (the owner) comes as ``extra``."""
    table = np.array(rows, dtype=object).reshape(len(rows), -1) if rows else np.empty((0, len(FETCHED)), dtype=object)
    position = {name: index for index, name in enumerate(FETCHED)}

    def column(name: str) -> np.ndarray:
        return table[:, position[name]].astype(float)

    columns = {name: column(name) for name in list(VARIABLES)[:9]}
    assets, liabilities = column("total_assets"), column("total_liabilities")
    with np.errstate(divide="ignore", invalid="ignore"):
        columns["debt_ratio"] = np.where(assets > 0, liabilities / assets, np.nan)
    since = table[:, position["relationship_since"]].astype("datetime64[D]")
    days = (np.datetime64(as_of, "D") - since).astype("timedelta64[D]").astype(float)
    columns["relationship_years"] = np.where(np.isnat(since), np.nan, days / 365.25)
    if table.shape[1] > len(FETCHED):
        columns["extra"] = table[:, len(FETCHED)].astype(float)
    return columns


def _rounded(matrix: list[list[float | None]]) -> list[list[float | None]]:
    return [[None if value is None else round(value, DIGITS) for value in row] for row in matrix]


def _fetched(customers: QuerySet, as_of: date, today: date, *extra: str) -> dict[str, np.ndarray]:
    """Every variable of these customers (one query, read in chunks into numpy arrays), and ``extra`` columns."""
    found = customers_with_analysis_variables(customers=customers, as_of=as_of, today=today)
    rows = found.order_by().values_list(*FETCHED, *extra).iterator(chunk_size=CHUNK)
    parts = []
    while chunk := list(islice(rows, CHUNK)):
        parts.append(_columns(chunk, as_of))
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]} if parts else {}


def _correlation_of(columns: dict[str, np.ndarray], as_of: date) -> Correlation:
    variables = {name: values for name, values in columns.items() if name != "extra"}
    result = correlations(variables or _columns([], as_of))
    return Correlation(
        as_of=as_of,
        customers=len(variables["trailing"]) if variables else 0,
        variables=result.variables,
        pearson=_rounded(result.pearson),
        spearman=_rounded(result.spearman),
        n=result.n,
    )


def correlation_over(*, customers: QuerySet, as_of: date, today: date) -> Correlation:
    """The coefficients over these customers (one query, read in chunks into numpy arrays); pairs with fewer than
    10 customers having both values are None."""
    return _correlation_of(_fetched(customers, as_of, today), as_of)


def correlation_by_owner(
    *, customers: QuerySet, as_of: date, today: date
) -> tuple[Correlation, dict[int, Correlation]]:
    """The coefficients over these customers and over each owner's among them, from one query: what the nightly
    snapshots keep (``analytics.services.correlation_snapshot_refresh``)."""
    columns = _fetched(customers, as_of, today, "owner_id")
    owners = columns.get("extra", np.empty(0))
    per_owner = {
        int(owner): _correlation_of({name: values[owners == owner] for name, values in columns.items()}, as_of)
        for owner in np.unique(owners[~np.isnan(owners)])
    }
    return _correlation_of(columns, as_of), per_owner


def _snapshot_serves(scope: AnalysisScope, snapshot: CorrelationSnapshot | None) -> bool:
    """The nightly snapshot answers a reader of every dossier without owner or region filters, as of its day or
    the day after (today, before tonight's run)."""
    if snapshot is None or scope.owner or scope.region or access.dossiers_fully_visible(scope.user) is not None:
        return False
    return snapshot.through <= scope.as_of <= snapshot.through + timedelta(days=1)


def _owner_snapshot(scope: AnalysisScope) -> OwnerCorrelationSnapshot | None:
    """The nightly snapshot of one owner's customers when the scope is exactly those (a sales rep's own customers,
    or a reader of every dossier filtering by owner, no region), as of its day or the day after (one query)."""
    if scope.region:
        return None
    visible = access.dossiers_fully_visible(scope.user)
    if visible is None and scope.owner:
        owned = Q(owner__username=scope.owner)
    elif (
        visible is not None and visible == Q(owner_id=scope.user.pk) and scope.owner in ("", scope.user.get_username())
    ):
        owned = Q(owner_id=scope.user.pk)
    else:
        return None
    days = Q(through__lte=scope.as_of, through__gte=scope.as_of - timedelta(days=1))
    return OwnerCorrelationSnapshot.objects.filter(owned, days).first()


def correlation(*, scope: AnalysisScope) -> Correlation:
    """The coefficients over the customers in scope: the nightly snapshot where it serves (every customer, or one
    owner's), else computed."""
    snapshot = CorrelationSnapshot.objects.order_by("-refreshed_at").first()
    if not _snapshot_serves(scope, snapshot):
        snapshot = _owner_snapshot(scope)
    if snapshot is not None:
        return Correlation(scope.as_of, snapshot.customers, **snapshot.matrices, snapshot_of=snapshot.through)
    return correlation_over(customers=scope.customers(), as_of=scope.as_of, today=scope.today)
