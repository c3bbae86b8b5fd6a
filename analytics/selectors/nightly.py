"""The nightly snapshots of the reports over every live customer (DOMAIN §10; ``analytics.models.ReportSnapshot``).

A report over a million customers reads millions of rows (every customer's T, every debtor's open orders), seconds
per request. The nightly job stores what each report's query returned over every live customer as of yesterday;
a reader of every dossier who asks for no particular day (no ``as_of``, no owner or region) gets those figures,
dated: the report's ``as_of`` is the snapshot's day and the page says they were computed nightly. Anyone else, or
a snapshot that is not yesterday's (the job did not run), is answered from the live rows as before.
"""

from datetime import date, timedelta
from decimal import Decimal

from analytics.models import ReportSnapshot
from analytics.scope import AnalysisScope


def snapshot_rows(scope: AnalysisScope, report: str) -> tuple[date, object] | None:
    """The day and stored rows of ``report`` when its snapshot answers the scope (one query), else None."""
    if not (scope.latest and scope.covers_everyone()):
        return None
    yesterday = scope.today - timedelta(days=1)
    found = ReportSnapshot.objects.filter(report=report, through=yesterday).values_list("rows", flat=True).first()
    return None if found is None else (yesterday, found)


def money(value) -> Decimal | None:
    """A stored amount (JSON text, or a number from the live query) back as a Decimal; None stays None."""
    return None if value is None else Decimal(str(value))


DECIMAL = "decimal"  # how ``kept`` marks an amount in JSON, so that a name such as "618" stays text


def kept(value):
    """Rows of dicts and lists as the snapshot stores them: each Decimal as {"decimal": text}."""
    if isinstance(value, Decimal):
        return {DECIMAL: str(value)}
    if isinstance(value, dict):
        return {key: kept(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [kept(item) for item in value]
    return value


def restored(value):
    """What ``kept`` stored, with its Decimals back."""
    if isinstance(value, dict):
        if value.keys() == {DECIMAL}:
            return Decimal(value[DECIMAL])
        return {key: restored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [restored(item) for item in value]
    return value
