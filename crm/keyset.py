"""Keyset (seek) pages and counts that do not scan: a list of a million rows whose last page costs what its first
does, and whose count is exact only while counting is cheap.

A page is found from the sort keys of the row before it (``WHERE (key…) > (values…) ORDER BY key… LIMIT n``), never
by skipping rows (OFFSET). Its links are opaque cursors: the first page, the page before this one's first row, the
page after its last row, and the last page (the reversed order's first page, put back in order). A cursor that does
not decode, or names values the keys cannot hold, gives the first page: never an error.
"""

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, connections
from django.db.models import Model, Q, QuerySet

LAST = "last"
"""The cursor of the last page."""


@dataclass(frozen=True, slots=True)
class Count:
    """How many rows a list holds: exact, or the planner's estimate when there are more than counting may read."""

    value: int
    is_estimate: bool = False

    @property
    def rounded(self) -> int:
        """The value to two significant digits, as an estimate is shown: 995,210 → 1,000,000."""
        digits = max(len(str(self.value)) - 2, 0)
        return round(self.value, -digits)


@dataclass(frozen=True, slots=True)
class SeekPage:
    """One page of rows and the cursors of its neighbours (None where there is none)."""

    rows: list
    count: Count
    previous: str | None = None
    next: str | None = None
    is_first: bool = True
    is_last: bool = True

    def __iter__(self) -> Iterator:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


_NO_WORKERS = "SELECT set_config('max_parallel_workers_per_gather', '0', true); "


@contextmanager
def without_parallel_workers() -> Iterator[None]:
    """The statements sent inside run without parallel workers on PostgreSQL: a page reads a few thousand index
    entries or rows at most, and starting two workers for that costs more than they save on a busy server, which
    the planner's costs do not count (at 1M customers under load 4–5: one owner's stale list by review date 46–75 ms
    with two workers, 5–24 ms without; a search with a size filter 28 ms against 15). Each statement carries the
    setting before it in the same string, so that it holds for that statement's own transaction (or the caller's):
    no session state, which PgBouncer's transaction mode would hand to another client."""
    with ExitStack() as stack:
        for database in connections.all():
            if database.vendor == "postgresql":
                stack.enter_context(database.execute_wrapper(_one_process))
        yield


def _one_process(execute, sql, params, many, context):
    return execute(sql if many else _NO_WORKERS + sql, params, many, context)


def count_rows(qs: QuerySet, *, exact_below: int, estimate: int | None = None) -> Count:
    """The rows of ``qs``: PostgreSQL's estimate of the plan when it expects more than ``exact_below`` (nothing is
    read), else counted exactly up to ``exact_below`` (the count reads at most that many rows) and beyond it the
    estimate again, never less than what was counted; elsewhere an exact count.

    Counting reads every row found (a search word in 7,000 names of a million: 7,000 rows from the table, 100 ms
    under load, where the page itself reads 51); the planner's estimate costs a plan, and is close enough to show as
    "about 7,000" once the name column's statistics are fine enough (customers migration 0020)."""
    qs = qs.order_by().values("pk")
    if connection.vendor == "postgresql":
        estimate = estimate_rows(qs) if estimate is None else estimate
        if estimate > exact_below:
            return Count(estimate, is_estimate=True)
    counted = qs[: exact_below + 1].count()
    if counted <= exact_below:
        return Count(counted)
    if estimate is None:
        return Count(qs.count())
    return Count(max(estimate, counted), is_estimate=True)


def estimate_rows(qs: QuerySet) -> int:
    """PostgreSQL's estimate of the rows of ``qs`` (a plan, nothing read; ``estimate`` of ``count_rows``)."""
    plan = json.loads(qs.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def first_page_counted(
    qs: QuerySet, *, size: int, exact_below: int, estimate: int, by_id: Callable[[QuerySet], QuerySet]
) -> SeekPage:
    """The first page of ``qs`` and its count from one read of the ids of at most ``exact_below + 1`` rows in the
    list's order, then the page's rows by id: for a list that PostgreSQL expects (``estimate``) to be short enough to
    count. A search whose matches must all be read to be sorted (a contact name found in 1,500 customers) reads them
    once, where the page and then its count read them twice. More than ``exact_below`` found: the estimate, never
    less than what was read, as ``count_rows`` gives it."""
    keys = [str(key) for key in qs.query.order_by]
    ids = list(qs.values_list("pk", flat=True)[: exact_below + 1])
    page_ids = qs.model.objects.filter(pk__in=ids[: size + 1]).values("pk")
    rows = list(by_id(page_ids).order_by(*qs.query.order_by)) if ids else []
    count = Count(len(ids)) if len(ids) <= exact_below else Count(max(estimate, len(ids)), is_estimate=True)
    return _page(rows[:size], keys, count, more_before=False, more_after=len(rows) > size)


def seek_page(
    qs: QuerySet,
    *,
    cursor: str,
    size: int,
    count: Count | Callable[[], Count],
    by_id: Callable[[QuerySet], QuerySet] | None = None,
) -> SeekPage:
    """The page of ``qs`` (ordered by plain fields or annotations, each with a value on every row, the last one
    unique) that ``cursor`` names: "" the first, ``LAST`` the last, else a token of this module's links.

    ``count`` may be a function that counts the rows of ``qs``: it is called only when the page does not hold them
    all (a page that is both the first and the last counts its own rows, one query fewer).

    ``by_id``, given a query of ids, the query of those rows as ``qs`` gives them (related rows, sort keys): the page
    is then found as its ids first, by a query that reads nothing else, and its rows by id, in one statement. Where
    the sort keys and the conditions are all in one index (a search's name in the index of (name, id)), PostgreSQL
    tests each entry there instead of reading each row from the table: a common word's first page walks thousands of
    entries but reads 51 rows. Not for a sort by a window (it would number only the page's rows)."""
    keys = [str(key) for key in qs.query.order_by]
    direction, values = _decode(cursor, qs.model, qs, keys)
    if direction == LAST:
        rows = _rows(qs.order_by(*_reversed(keys)), size + 1, by_id)
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        return _page(rows, keys, count, more_before=more_before, more_after=False)
    if direction == "before":
        rows = _rows(qs.filter(_beyond(keys, values, forward=False)).order_by(*_reversed(keys)), size + 1, by_id)
        if len(rows) > size:
            return _page(rows[:size][::-1], keys, count, more_before=True, more_after=True)
        direction = ""  # fewer than a page before it: the first page, full
    if direction == "after":
        rows = _rows(qs.filter(_beyond(keys, values, forward=True)), size + 1, by_id)
        return _page(rows[:size], keys, count, more_before=True, more_after=len(rows) > size)
    rows = _rows(qs, size + 1, by_id)
    return _page(rows[:size], keys, count, more_before=False, more_after=len(rows) > size)


def _rows(qs: QuerySet, limit: int, by_id: Callable[[QuerySet], QuerySet] | None) -> list:
    if by_id is None:
        return list(qs[:limit])
    return list(by_id(qs.values("pk")[:limit]).order_by(*qs.query.order_by))


def _page(
    rows: list, keys: list[str], count: Count | Callable[[], Count], *, more_before: bool, more_after: bool
) -> SeekPage:
    if callable(count):
        count = count() if more_before or more_after else Count(len(rows))
    return SeekPage(
        rows=rows,
        count=count,
        previous=_encode("before", keys, rows[0]) if more_before and rows else None,
        next=_encode("after", keys, rows[-1]) if more_after and rows else None,
        is_first=not more_before,
        is_last=not more_after,
    )


def _reversed(keys: Sequence[str]) -> list[str]:
    return [key[1:] if key.startswith("-") else f"-{key}" for key in keys]


def _beyond(keys: Sequence[str], values: Sequence, *, forward: bool) -> Q:
    """Rows after (``forward``) or before the row whose keys hold ``values``, in the order of ``keys``:
    ``k1 > v1 OR (k1 = v1 AND k2 > v2) OR …``, with ``k1 >= v1`` beside it so that an index on the first key
    starts the scan at the position instead of reading every row before it."""
    names = [key.lstrip("-") for key in keys]
    after = [key.startswith("-") != forward for key in keys]  # True: larger values come next
    beyond = Q()
    for index, name in enumerate(names):
        equal = {names[i]: values[i] for i in range(index)}
        beyond |= Q(**equal, **{f"{name}__{'gt' if after[index] else 'lt'}": values[index]})
    return Q(**{f"{names[0]}__{'gte' if after[0] else 'lte'}": values[0]}) & beyond


def _value(row: Model, key: str):
    value = row
    for part in key.lstrip("-").split("__"):
        value = getattr(value, part)
    return value


def _encode(direction: str, keys: Sequence[str], row: Model) -> str:
    values = [_value(row, key) for key in keys]
    text = json.dumps([direction, *(v.isoformat() if isinstance(v, date | datetime) else v for v in values)])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, model: type[Model], qs: QuerySet, keys: Sequence[str]) -> tuple[str, list]:
    """(direction, values) of a cursor; ("", []) for the first page and for anything that is not a cursor of
    these keys (a crafted value must not reach the database: PostgreSQL refuses NUL characters, text for dates)."""
    if cursor == LAST:
        return LAST, []
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        direction, *raw = decoded
        if direction not in ("before", "after") or len(raw) != len(keys):
            return "", []
        return direction, [_typed(model, qs, key, value) for key, value in zip(keys, raw, strict=True)]
    except (ValueError, TypeError, ValidationError, binascii.Error, FieldDoesNotExist):
        return "", []


def _typed(model: type[Model], qs: QuerySet, key: str, value):
    if value is None or (isinstance(value, str) and "\x00" in value) or isinstance(value, list | dict | bool):
        raise ValueError(key)
    name = key.lstrip("-")
    if name in qs.query.annotations:
        field = qs.query.annotations[name].output_field
    else:
        *path, last = name.split("__")
        for part in path:
            model = model._meta.get_field(part).related_model
        field = model._meta.get_field(last)
    typed = field.to_python(value)
    if typed is None:
        raise ValueError(key)
    return typed
