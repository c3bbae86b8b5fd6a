"""Every write of an import (DOMAIN §2.3): upload and check (a dry run, nothing written), confirm and write in
chunks, undo, saved mappings. The rows themselves are written by the owning app's services (``imports.targets``).

A batch is written in chunks of ``WRITE_CHUNK`` rows, each chunk one transaction that also records how far the
batch got: a worker killed midway leaves whole chunks only, and running the batch again resumes after the last
recorded chunk, so no row is written twice.
"""

import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.bulk import AnyOf, bulk_update_rows, insert_rows
from crm.errors import AccessDenied
from imports.files import read_table
from imports.models import ImportBatch, ImportRow, SavedMapping
from imports.rules.mapping import auto_mapping, mapped_values, mapping_problems
from imports.targets import TARGETS
from imports.targets.rows import RowsChanged, RowWritten

logger = logging.getLogger(__name__)
CHECK_CHUNK = 2000
WRITE_CHUNK = 2000
Status = ImportBatch.Status
PLAN_COUNTS = {"create": "create", "update": "update", "unchanged": "unchanged", "invalid": "invalid"}
OUTCOME_COUNTS = {"created": "create", "updated": "update", "unchanged": "unchanged", "refused": "invalid"}


class ImportRefused(Exception):
    """The request cannot be carried out: ``message`` says why in the user's words (a 400, or 409 for a state)."""

    def __init__(self, message: str, *, conflict: bool = False, rows: list[int] | None = None):
        super().__init__(message)
        self.message, self.conflict, self.rows = message, conflict, rows or []


def _may_import(by: AbstractBaseUser, target: str) -> None:
    if not by.has_perm("imports.import_rows", target):
        raise AccessDenied(_("You may not import these records."))


def _mapping(headers: list[str], target: str, mapping: Mapping[str, str] | None) -> dict[str, str]:
    """The automatic mapping, overridden by the user's (a header mapped to "" is left out)."""
    chosen = {**auto_mapping(headers, TARGETS[target].header_names()), **(mapping or {})}
    problems = mapping_problems(chosen, headers, TARGETS[target].field_names())
    if problems:
        raise ImportRefused(_("The mapping names a column or a field that does not exist, or a field twice."))
    return {header: field for header, field in chosen.items() if field}


def _json(value):
    """A JSON column's value for ``insert_rows`` (psycopg2 needs the adapter; Django's bulk_create the value)."""
    if connection.vendor == "postgresql":
        from psycopg2.extras import Json

        return Json(value)
    return value


@transaction.atomic
def import_upload(
    *, upload: UploadedFile, target: str, mapping: Mapping[str, str] | None, by: AbstractBaseUser
) -> ImportBatch:
    """Read the file (``ImportFileError`` if it cannot be imported: nothing is stored) and record its rows for
    the check. The mapping is the automatic one with the user's on top."""
    _may_import(by, target)
    table = read_table(upload)
    batch = ImportBatch.objects.create(
        target=target,
        file_name=(upload.name or "")[-255:],
        sha256=table.sha256,
        headers=table.headers,
        mapping=_mapping(table.headers, target, mapping),
        rows=len(table.rows),
        created_by=by,
    )
    numbers = range(2, len(table.rows) + 2)  # the header is row 1, as the spreadsheet shows it
    insert_rows(
        ImportRow,
        ("batch_id", "number", "cells", "plan", "errors", "duplicate", "outcome"),
        [
            (batch.pk, n, _json(cells), "", _json({}), _json({}), "")
            for n, cells in zip(numbers, table.rows, strict=True)
        ],
    )
    if len(table.rows) >= ANALYZE_FROM_ROWS and connection.vendor == "postgresql":
        _rows_table_analyze()
    return batch


ANALYZE_FROM_ROWS = 5000


def _rows_table_analyze() -> None:
    """Bring the rows table's statistics up to date with a large file's rows (ANALYZE counts the rows this
    transaction inserted). Autovacuum would do it a minute or more later; until then statistics from an emptier
    table (0 rows after a clean-up, measured at 1M customers) made the planner join each chunk's 2,000 outcomes to
    the rows by reading the whole table for each: 150 s instead of 3 for the outcomes of 100,000 rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(ImportRow._meta.db_table)}")


@transaction.atomic
def import_remap(*, batch: ImportBatch, mapping: Mapping[str, str], by: AbstractBaseUser) -> ImportBatch:
    """Check the batch again with another mapping (before it is confirmed)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in {Status.CHECKING, Status.CHECKED}:
        raise ImportRefused(_("This import has been confirmed; its mapping can no longer change."), conflict=True)
    batch.mapping = _mapping(batch.headers, batch.target, {h: mapping.get(h, "") for h in batch.headers})
    batch.status, batch.rows_done, batch.done_through, batch.progress = Status.CHECKING, 0, 0, 0
    batch.save(update_fields=["mapping", "status", "rows_done", "done_through", "progress"])
    return batch


@dataclass(slots=True)
class _Row:
    """A stored row as a chunk reads and updates it: plain attributes (``ImportRow``'s names), not a model instance,
    of which 2,000 a chunk cost more to build than the chunk's queries."""

    id: int
    number: int
    cells: list
    plan: str
    errors: dict
    duplicate: dict = field(default_factory=dict)
    outcome: str = ""
    object_id: int | None = None
    version_after: int | None = None
    before: dict | None = None


def _rows_of(batch: ImportBatch, after: int, size: int) -> list[_Row]:
    rows = ImportRow.objects.filter(batch_id=batch.pk, number__gt=after).order_by("number")
    return [_Row(*values) for values in rows.values_list("id", "number", "cells", "plan", "errors")[:size]]


def _whole_groups(batch: ImportBatch, rows: list[_Row]) -> list[_Row]:
    """Rows of one record (an order's lines) stay in one chunk: the following rows with the last row's key join it."""
    group_key = getattr(TARGETS[batch.target], "group_key", None)
    if group_key is None or not rows:
        return rows

    def key_of(row: _Row) -> str:
        return group_key(mapped_values(row.cells, batch.headers, batch.mapping))

    key = key_of(rows[-1])
    while key:
        following = _rows_of(batch, rows[-1].number, 100)
        joined = list(itertools.takewhile(lambda row: key_of(row) == key, following))
        rows += joined
        if not joined or len(joined) < len(following):
            break
    return rows


def _advance(batch: ImportBatch, rows: list[_Row]) -> None:
    batch.rows_done += len(rows)
    batch.done_through = rows[-1].number
    batch.progress = min(100, batch.rows_done * 100 // max(batch.rows, 1))


@transaction.atomic
def import_check_chunk(*, batch_id: int, today: date) -> bool:
    """Check the next chunk of rows (a dry run through the target's write path); True while rows remain."""
    batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=batch_id)
    if batch.status != Status.CHECKING:
        return False
    rows = _whole_groups(batch, _rows_of(batch, batch.done_through, CHECK_CHUNK))
    if not rows:
        batch.status, batch.progress, batch.summary = Status.CHECKED, 100, _plan_summary(batch)
        batch.save(update_fields=["status", "progress", "summary"])
        return False
    _commit_without_waiting_for_disk()
    checks = TARGETS[batch.target].rows_check(
        rows=[(row.number, mapped_values(row.cells, batch.headers, batch.mapping)) for row in rows],
        user=batch.created_by,
        today=today,
    )
    _plans_store(rows, checks)
    _advance(batch, rows)
    batch.save(update_fields=["rows_done", "done_through", "progress"])
    return True


def _commit_without_waiting_for_disk() -> None:
    """Let this chunk's commit return before its WAL reaches the disk (PostgreSQL ``synchronous_commit`` off, for
    this transaction only): a chunk of 2,000 dossiers waited about 0.2 s for it on a busy machine. A database crash
    can then lose the last chunks' commits, never part of one: the batch's progress is in the same transaction, so
    the batch is where its last kept chunk left it, and the run resumes from there. The last step of a batch
    (checked, done) commits as usual, which flushes every chunk's WAL before it: a batch said finished is on disk."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _plans_store(rows: list[_Row], checks: list) -> None:
    """Store each row's plan: one UPDATE per plan for the plain rows, one for those with reasons or a resemblance."""
    plain: dict[str, list[int]] = {}
    detailed = []
    for row, check in zip(rows, checks, strict=True):
        row.plan, row.errors, row.duplicate = check.plan, check.errors, check.duplicate
        if check.errors or check.duplicate or row.errors:
            detailed.append(row)
        else:
            plain.setdefault(check.plan, []).append(row.id)
    for plan, pks in plain.items():
        ImportRow.objects.filter(AnyOf(F("pk"), pks)).update(plan=plan, errors={}, duplicate={})
    bulk_update_rows(detailed, ["plan", "errors", "duplicate"], model=ImportRow)


def _plan_summary(batch: ImportBatch) -> dict[str, int]:
    counts = dict(batch.row_set.order_by().values_list("plan").annotate(n=Count("pk")))
    summary = {key: counts.get(plan, 0) for plan, key in PLAN_COUNTS.items()}
    summary["suspected_duplicates"] = counts.get(ImportRow.Plan.DUPLICATE, 0)
    return summary


def _written_summary(batch: ImportBatch) -> dict[str, int]:
    """What the import did: rows created, updated, unchanged, invalid (at the check or refused at the write) and
    suspected duplicates left out."""
    summary = dict.fromkeys(("create", "update", "unchanged", "invalid", "suspected_duplicates"), 0)
    for plan, outcome, n in batch.row_set.order_by().values_list("plan", "outcome").annotate(n=Count("pk")):
        if outcome in OUTCOME_COUNTS:
            summary[OUTCOME_COUNTS[outcome]] += n
        elif plan == ImportRow.Plan.INVALID:
            summary["invalid"] += n
        elif plan == ImportRow.Plan.DUPLICATE:
            summary["suspected_duplicates"] += n
    return summary


def import_check(*, batch_id: int, today: date) -> ImportBatch:
    """Check every row, chunk after chunk (a task for large files, the request for small ones)."""
    while import_check_chunk(batch_id=batch_id, today=today):
        pass
    return ImportBatch.objects.get(pk=batch_id)


@transaction.atomic
def import_confirm(*, batch: ImportBatch, by: AbstractBaseUser, create_duplicates: bool) -> ImportBatch:
    """Start writing a checked batch (or resume a failed one): bad rows are skipped, suspected duplicates are
    created only with ``create_duplicates``."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != by.pk:
        raise AccessDenied(_("Only who uploaded the file confirms its import."))
    if batch.status == Status.FAILED:
        batch.status, batch.failure = Status.IMPORTING, ""
        batch.save(update_fields=["status", "failure"])
        return batch
    if batch.status != Status.CHECKED:
        raise ImportRefused(_("Only a checked import can be confirmed."), conflict=True)
    batch.status, batch.create_duplicates = Status.IMPORTING, create_duplicates
    batch.rows_done, batch.done_through, batch.progress = 0, 0, 0
    batch.save(update_fields=["status", "create_duplicates", "rows_done", "done_through", "progress"])
    return batch


WRITTEN_PLANS = {ImportRow.Plan.CREATE, ImportRow.Plan.UPDATE, ImportRow.Plan.UNCHANGED}


@transaction.atomic
def import_write_chunk(*, batch_id: int, today: date) -> bool:
    """Write the next chunk of a confirmed batch in one transaction with the batch's progress; True while rows
    remain. A chunk whose transaction did not commit left nothing, and is written again by the next run."""
    batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=batch_id)
    if batch.status != Status.IMPORTING:
        return False
    rows = _whole_groups(batch, _rows_of(batch, batch.done_through, WRITE_CHUNK))
    if not rows:
        batch.status, batch.progress, batch.finished_at = Status.DONE, 100, timezone.now()
        batch.summary = _written_summary(batch)
        batch.save(update_fields=["status", "progress", "finished_at", "summary"])
        return False
    _commit_without_waiting_for_disk()
    plans = WRITTEN_PLANS | ({ImportRow.Plan.DUPLICATE} if batch.create_duplicates else set())
    chosen = [row for row in rows if row.plan in plans]
    written = TARGETS[batch.target].rows_write(
        rows=[(row.number, mapped_values(row.cells, batch.headers, batch.mapping)) for row in chosen],
        user=batch.created_by,
        today=today,
    )
    _outcomes_store(rows, chosen, written, plans)
    _advance(batch, rows)
    batch.save(update_fields=["rows_done", "done_through", "progress"])
    return True


def _outcomes_store(rows: list[_Row], chosen: list[_Row], written: list, plans: set[str]) -> None:
    """Store what became of each row; only rows with something to restore carry it (an update's replaced values), only
    refused ones their reasons."""
    for row, done in zip(chosen, written, strict=True):
        row.outcome, row.object_id, row.version_after = done.outcome, done.object_id, done.version_after
        row.before, row.errors = done.before, done.errors or row.errors
    skipped = [row.id for row in rows if row.plan not in plans]
    ImportRow.objects.filter(AnyOf(F("pk"), skipped)).update(outcome=ImportRow.Outcome.SKIPPED)
    refused = [row for row in chosen if row.outcome == ImportRow.Outcome.REFUSED]
    kept = [row for row in chosen if row.outcome != ImportRow.Outcome.REFUSED and row.before is not None]
    plain = [row for row in chosen if row.outcome != ImportRow.Outcome.REFUSED and row.before is None]
    bulk_update_rows(kept, ["outcome", "object_id", "version_after", "before"], model=ImportRow)
    bulk_update_rows(refused, ["outcome", "errors"], model=ImportRow)
    bulk_update_rows(plain, ["outcome", "object_id", "version_after"], model=ImportRow)


def import_run(*, batch_id: int, today: date) -> ImportBatch:
    """Write a confirmed batch chunk after chunk, from where it stopped. A failure marks the batch failed (its
    written chunks stay, recorded); confirming it again resumes."""
    try:
        while import_write_chunk(batch_id=batch_id, today=today):
            pass
    except OperationalError:  # the database went away: the task is retried and resumes after the last chunk
        raise
    except Exception as failure:
        logger.exception("import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id, status=Status.IMPORTING).update(
            status=Status.FAILED, failure=str(failure)[:1000]
        )
        raise
    return ImportBatch.objects.get(pk=batch_id)


@transaction.atomic
def import_undo(*, batch: ImportBatch, by: AbstractBaseUser, today: date) -> ImportBatch:
    """Take back a done import while its rows are unchanged since: updated dossiers get their values back, created
    ones are removed. If any row's dossier changed since, nothing is taken back (``ImportRefused``, conflict)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not (batch.created_by_id == by.pk or by.has_perm("imports.undo_any_import")):
        raise AccessDenied(_("Only who imported the file, or a sales manager, undoes the import."))
    if batch.status != Status.DONE:
        raise ImportRefused(_("Only a finished import can be undone."), conflict=True)
    target = TARGETS[batch.target]
    rows = [
        RowWritten(number, outcome, object_id, version_after, before)
        for number, outcome, object_id, version_after, before in batch.row_set.filter(
            outcome__in=[ImportRow.Outcome.CREATED, ImportRow.Outcome.UPDATED]
        ).values_list("number", "outcome", "object_id", "version_after", "before")
    ]
    try:
        with transaction.atomic():
            target.rows_take_back(rows=rows, user=by, today=today)
    except RowsChanged as changed:
        shown = ", ".join(str(n) for n in changed.numbers[:20])
        message = _("Rows changed since the import, so nothing was undone: %(rows)s.") % {"rows": shown}
        raise ImportRefused(message, conflict=True, rows=changed.numbers) from None
    batch.status, batch.undone_at, batch.undone_by = Status.UNDONE, timezone.now(), by
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    return batch


@transaction.atomic
def mapping_save(*, target: str, name: str, mapping: Mapping[str, str], by: AbstractBaseUser) -> SavedMapping:
    """Save (or replace) the mapping of a source under its name, for the next file from it."""
    _may_import(by, target)
    saved, _created = SavedMapping.objects.update_or_create(
        target=target,
        name=name.strip(),
        defaults={"mapping": dict(mapping), "saved_by": by, "saved_at": timezone.now()},
    )
    return saved
