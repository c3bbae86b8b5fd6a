"""Two things at the same moment, for the tests of PostgreSQL's locks (row locks, advisory locks)."""

import threading
import time
from collections.abc import Callable

from django.db import connection, connections


def at_once(*runs: Callable[[], object]) -> list[Exception]:
    """Run each callable in a thread of its own, all released together, each on its own database connection
    (closed at the end); the errors they raised, in no particular order."""
    barrier, errors = threading.Barrier(len(runs)), []

    def one(run: Callable[[], object]) -> None:
        try:
            barrier.wait()
            run()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def another_session_waits_on_a_lock(tries: int = 250) -> bool:
    """Whether another session of this database comes to wait on a lock (a row or advisory lock), asked every 20 ms
    up to ``tries`` times. A count of tries, not a timed wait that must run out: CI runs the suite again under
    faketime, whose monotonic clock a year ahead makes such a wait never end."""
    sql = (
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid())"
    )
    with connection.cursor() as cursor:
        for _ in range(tries):
            cursor.execute(sql)
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False
