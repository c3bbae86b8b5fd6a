"""Two things at the same moment, for the tests of PostgreSQL's locks (row locks, advisory locks)."""

import threading
from collections.abc import Callable

from django.db import connections


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
