"""``crm.tables.table_rebuilt``: a nightly table replaced by a fresh copy swapped in (issue 11 §6 at 1,000,000
customers): the new rows, the table's own indexes and checks, and a swap that gives way to a transaction still using
the old table instead of making every reader queue behind it. Table swaps and locks are PostgreSQL behaviour (CI)."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction

from analytics.models import CustomerSegment
from crm.tables import table_rebuilt

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DAY = date(2026, 11, 22)


def _row(customer_id: int, segment: str) -> tuple:
    return (customer_id, DAY, 3, 1, 100, None, 1, 1, 1, segment, 0)


def _rebuild(rows: list[tuple]) -> None:
    with transaction.atomic(), table_rebuilt(CustomerSegment) as table, connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} VALUES ({', '.join(['%s'] * 11)})", rows)  # noqa: S608


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [CustomerSegment._meta.db_table]
        )
        return dict(cursor.fetchall())


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the table swap needs PostgreSQL; CI runs this test there")


def test_the_new_rows_replace_the_old_and_the_table_keeps_its_indexes(postgres):
    before = _indexes()
    _rebuild([_row(1, "lost"), _row(2, "loyal")])
    _rebuild([_row(2, "champions"), _row(3, "new")])
    assert list(CustomerSegment.objects.order_by("pk").values_list("pk", "segment")) == [(2, "champions"), (3, "new")]
    assert _indexes() == before
    with pytest.raises(Exception, match="violates check constraint"), transaction.atomic():
        CustomerSegment.objects.filter(pk=2).update(r=-1)


def _in_thread(run) -> threading.Thread:
    def one() -> None:
        try:
            run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=one)
    thread.start()
    return thread


def test_the_swap_gives_way_to_readers_while_a_transaction_uses_the_table(postgres):
    """A transaction holding the old table (6 s) delays the swap; a reader arriving meanwhile is answered within
    one wait of the swap (2 s), not after that transaction; then the swap happens."""
    _rebuild([_row(1, "lost")])
    holding, read_in = threading.Event(), []

    def long_transaction() -> None:
        with transaction.atomic():
            CustomerSegment.objects.filter(pk=1).update(segment="loyal")
            holding.set()
            time.sleep(6)

    def reader() -> None:
        time.sleep(0.5)  # the swap is waiting by now
        started = time.perf_counter()
        CustomerSegment.objects.count()
        read_in.append(time.perf_counter() - started)

    holder = _in_thread(long_transaction)
    holding.wait(10)
    reading = _in_thread(reader)
    started = time.perf_counter()
    _rebuild([_row(5, "new")])
    waited = time.perf_counter() - started
    holder.join()
    reading.join()
    assert waited >= 5
    assert read_in[0] < 4
    assert list(CustomerSegment.objects.values_list("pk", "segment")) == [(5, "new")]
