"""One run at a time of a job that replaces a table's rows (DOMAIN §7: every job is idempotent).

A nightly refresh deletes the old rows and inserts the new ones in one transaction. Two overlapping runs (a manual
rerun beside the scheduled one, a task redelivered while it still runs) would each insert beside the rows the
other committed, since a DELETE does not see rows inserted after it started. ``job_lock`` makes the second run
wait for the first to commit, then replace its rows. It is a PostgreSQL advisory transaction lock: released by
commit or rollback, held on whatever host the worker runs, and safe behind PgBouncer in transaction mode (no
session state). SQLite lets one writer at a time anyway.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, connection, transaction

T = TypeVar("T")


def job_lock(name: str) -> None:
    """Wait until no other transaction holds the lock ``name``, then hold it until the current transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("job_lock is held by a transaction: call it inside atomic")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


def atomic_again_on_conflict(run: Callable[[], T], *, tries: int = 3) -> T:
    """``run()`` in a transaction of its own, run again (up to ``tries`` times in all) when its commit or a statement
    hits a key another transaction wrote meanwhile (``IntegrityError``): for an idempotent chunk of a nightly job,
    which simply reads the rows again."""
    attempt = 1
    while True:
        try:
            with transaction.atomic():
                return run()
        except IntegrityError:
            if attempt == tries:
                raise
            attempt += 1
