"""A derived table replaced whole, for the nightly jobs that rebuild one (issue 11 §6 at 1,000,000 customers): the
new rows go into a fresh copy, which takes the table's place at the end of the transaction."""

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import OperationalError, connection, models, transaction


@contextmanager
def table_rebuilt(model: type[models.Model]) -> Iterator[str]:
    """Replace every row of ``model``'s table by what the block inserts into the table named by the context.

    On PostgreSQL the block fills a fresh copy of the table (its columns, defaults and checks, no index yet), which is
    then indexed as the table is (each index built once, from sorted rows), analysed, and put in the table's place
    (DROP, RENAME). Readers keep reading the old rows until the transaction commits, and wait only for the renames
    at its end; the old rows leave no dead tuples behind. Replacing rows by DELETE and INSERT instead costs an index
    entry per row and index, each checked against the deleted row of the same key: at 900,000 rows 40–100 s against
    about 10 s. Elsewhere the rows are deleted and the block inserts into the table itself. Call it inside a
    transaction; the table may have no foreign keys in or out (the copy would lose them).
    """
    meta = model._meta
    if connection.vendor != "postgresql":
        model.objects.all().delete()
        yield connection.ops.quote_name(meta.db_table)
        return
    quote = connection.ops.quote_name
    table, fresh = quote(meta.db_table), quote(f"{meta.db_table[:50]}__fresh")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {fresh}")
        cursor.execute(f"CREATE TABLE {fresh} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        yield fresh
        renames = _indexes_copy(cursor, meta.db_table, fresh)
        cursor.execute(f"ANALYZE {fresh}")
        _swap(cursor, [f"DROP TABLE {table}", f"ALTER TABLE {fresh} RENAME TO {table}", *renames])


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout passes
SWAP_LOCK_WAIT = "2s"
"""How long the swap waits for the old table's readers and writers at a time: while it waits, new readers queue
behind it, so it gives way (a savepoint rolled back) and tries again a second later."""


def _swap(cursor, statements: Sequence[str], tries: int = 90) -> None:
    """Run ``statements`` (DROP the table, RENAME the copy) once no transaction uses the table; a long transaction on
    it (a customer deleted in a long import undo, say) delays the swap without stalling the table's readers."""
    cursor.execute("SELECT current_setting('lock_timeout')")
    (before,) = cursor.fetchone()
    for attempt in range(1, tries + 1):
        wait = SWAP_LOCK_WAIT if attempt < tries else "0"  # the last time, as long as it takes
        try:
            with transaction.atomic():
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [wait])
                for statement in statements:
                    cursor.execute(statement)
            break
        except OperationalError as error:  # lock_timeout rolls back the savepoint only; anything else goes up
            if getattr(error.__cause__, "pgcode", None) != LOCK_NOT_AVAILABLE:
                raise
            time.sleep(1)
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])


def _indexes_copy(cursor, table: str, fresh: str) -> list[str]:
    """Build ``table``'s indexes and key constraints on ``fresh`` under temporary names; the statements that give
    them their own names once ``fresh`` has taken the table's place."""
    quote = connection.ops.quote_name
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid), con.conname, pg_get_constraintdef(con.oid),"
        " (SELECT COUNT(*) FROM pg_constraint f WHERE f.contype = 'f' AND %s::regclass IN (f.conrelid, f.confrelid))"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid"
        " WHERE i.indrelid = %s::regclass",
        [table, table],
    )
    renames = []
    for name, definition, constraint, constraint_definition, foreign_keys in cursor.fetchall():
        if foreign_keys:
            raise ValueError(f"{table} has foreign keys, which a rebuilt copy would lose")
        if constraint:  # a primary key or unique constraint, with its index
            temporary = quote(f"{constraint[:50]}__fresh")
            cursor.execute(f"ALTER TABLE {fresh} ADD CONSTRAINT {temporary} {constraint_definition}")
            renames.append(f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {temporary} TO {quote(constraint)}")
            continue
        temporary = quote(f"{name[:50]}__fresh")
        cursor.execute(re.sub(r"INDEX \S+ ON (ONLY )?\S+ ", f"INDEX {temporary} ON {fresh} ", definition, count=1))
        renames.append(f"ALTER INDEX {temporary} RENAME TO {quote(name)}")
    return renames
