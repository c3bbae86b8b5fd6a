"""Part of a write in a second transaction beside the caller's, on a connection of its own, committed together with
the caller's (issue 15 §2: a bulk upsert's new dossiers are written while its changed ones are).

One PostgreSQL connection keeps one core busy at a time, and a bulk batch spends most of its time in PostgreSQL's
index upkeep. Two independent parts of it (rows that lock nothing the other part locks) can be written by two
backends at once: the caller runs its part in its own transaction while a companion thread of the calling thread
runs ``work`` in a transaction of its own on the companion's connection (Django gives each thread one).

Together, as far as two transactions can be without two-phase commit: each part checks its deferred constraints
before either commits (``SET CONSTRAINTS ALL IMMEDIATE``), so that a foreign key or unique value that fails undoes
both parts; the companion commits only once the caller's part is done and checked, and a companion that fails to
commit makes the caller's transaction roll back. Only a crash between the two commits can keep one part without the
other; a sync client resending the batch then finds the kept part unchanged and writes the rest.

A wait between the two parts is the application's, which PostgreSQL's deadlock detector cannot see: two such writes
(or one and any other transaction) can wait for each other in a circle (a part blocked on a row or unique value that
the other write's idle part holds). So with ``lock_wait`` a lock wait of either part ends after that many seconds,
and every way the two parts cannot commit together but by choice (a lock waited too long, the companion gave up
waiting for the caller's decision, the caller gave up waiting for the companion's part) raises ``BesideAbandoned``
once both have rolled back, or a part still writing has been told to: the caller writes again in one transaction,
where PostgreSQL sees every wait.

Only where ``crm.chunks.threads_may_share_work``: on PostgreSQL, the caller outside any transaction but the one it
opens (the companion would not see rows the caller has not committed; tests inside a transaction write in one).
"""

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitEnded
from contextlib import contextmanager, suppress
from typing import Any

from django.db import OperationalError, connection, transaction

DECISION_WAIT = 20
"""Seconds the companion waits for the caller's decision, and the caller for the companion's part: far longer than a
part takes (under a second for 1,000 dossiers; each lock wait ends after ``lock_wait``), and shorter than gunicorn's
default worker timeout (30 s), so that a part stuck that long ends in the batch written again, not a killed worker."""
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE of a lock wait ended by ``lock_timeout``


class BesideAbandoned(Exception):
    """The two parts could not be committed together and both rolled back: write again in one transaction."""


def _lock_wait_ended(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and getattr(error.__cause__, "pgcode", None) == LOCK_NOT_AVAILABLE


def _lock_wait_set(seconds: float | None) -> None:
    """This connection's lock waits end after ``seconds`` for the rest of its transaction (``SET LOCAL``: nothing is
    left on the connection, as PgBouncer's transaction mode needs)."""
    if seconds is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{round(seconds * 1000)}ms"])


class _Undone(Exception):
    """The caller rolled back (or never decided): the companion's transaction rolls back too."""


class _Companion:
    """One thread beside each calling thread, which keeps its connection from one write to the next (a new backend
    per batch would cost a fork and cold catalog caches). The companion of a calling thread that has ended is closed,
    connection and thread, when another thread gets its own, or by ``companions_close``."""

    _local = threading.local()
    _lock = threading.Lock()
    _pid = os.getpid()
    _by_thread: dict[threading.Thread, ThreadPoolExecutor] = {}

    @classmethod
    def of_this_thread(cls) -> ThreadPoolExecutor:
        pool = getattr(cls._local, "pool", None)
        if pool is not None and cls._local.pid == os.getpid():
            return pool
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crm-beside")
        cls._local.pool, cls._local.pid = pool, os.getpid()
        with cls._lock:
            if cls._pid != os.getpid():  # a forked process inherits the table, not the threads
                cls._pid, cls._by_thread = os.getpid(), {}
            for thread in [thread for thread in cls._by_thread if not thread.is_alive()]:
                _end(cls._by_thread.pop(thread))
            cls._by_thread[threading.current_thread()] = pool
        return pool

    @classmethod
    def end_all(cls) -> None:
        with cls._lock:
            pools = list(cls._by_thread.values()) if cls._pid == os.getpid() else []
            cls._by_thread = {}
        for pool in pools:
            _end(pool)
        cls._local = threading.local()


def _end(pool: ThreadPoolExecutor) -> None:
    pool.submit(_connection_close).result()
    pool.shutdown()


def _connection_close() -> None:
    connection.close()  # the running thread's own: ``connection`` is looked up per thread


def companions_close() -> None:
    """Close every companion, its connection included: before a database they use is dropped, as the test run's is
    at its end."""
    _Companion.end_all()


class Beside:
    """The companion's part of one write: started by ``transaction_beside``, committed by ``commit``."""

    def __init__(self, work: Callable[[], Any], lock_wait: float | None = None) -> None:
        self._work = work
        self._lock_wait = lock_wait
        self._ready: Future = Future()  # the part's value once written and checked, or its error
        self._done: Future = Future()  # True once committed, False once rolled back
        self._decided = threading.Event()
        self._commit = False

    def run(self) -> None:  # in the companion thread
        if self._decided.is_set() and not self._commit:  # undone while it waited its turn: nothing to write
            self._ready.set_exception(BesideAbandoned("undone before it began"))
            self._done.set_result(False)
            return
        try:
            connection.close_if_unusable_or_obsolete()
            with transaction.atomic():
                _lock_wait_set(self._lock_wait)
                value = self._work()
                connection.check_constraints()  # Django's: the deferred checks now, not at commit
                self._ready.set_result(value)
                if not self._decided.wait(DECISION_WAIT) or not self._commit:
                    raise _Undone
            self._done.set_result(True)
        except _Undone:
            self._done.set_result(False)
        except BaseException as error:  # reported to the caller, who waits on these
            for future in (self._ready, self._done):
                if not future.done():
                    future.set_exception(error)
        finally:
            if connection.settings_dict.get("CONN_MAX_AGE") == 0:
                connection.close()

    def commit(self) -> Any:
        """Check the caller's own deferred constraints, wait for the companion's part (raising its error: it has rolled
        back), have it commit and return its value. Called as the caller's last write, inside its transaction: an
        exception here rolls the caller back."""
        connection.check_constraints()
        try:
            value = self._ready.result(timeout=DECISION_WAIT)
        except WaitEnded:  # still writing: it rolls back once it is done (``undo``), and the batch is written again
            raise BesideAbandoned("the second connection's part took longer than the first one waits") from None
        self._decide(commit=True)
        # no time limit from here: its COMMIT may wait (for a synchronous standby, say) as one transaction's would, and
        # rolling our part back while it may still commit would keep half the batch
        if not self._done.result():  # it stopped waiting for us and rolled back
            raise BesideAbandoned("the second connection's part rolled back before the first one's decision")
        return value

    def _decide(self, *, commit: bool) -> None:
        if not self._decided.is_set():
            self._commit = commit
            self._decided.set()

    def undo(self) -> None:
        """Roll the companion's part back (if it has not committed) and wait until it has, at most ``DECISION_WAIT``:
        a part still writing after that rolls back once it is done (a part not yet begun writes nothing), and what
        waits for its locks meanwhile (the batch written again in one transaction) waits in PostgreSQL, which sees
        that wait."""
        self._decide(commit=False)
        with suppress(WaitEnded):
            self._done.exception(timeout=DECISION_WAIT)


@contextmanager
def transaction_beside(work: Callable[[], Any], *, lock_wait: float | None = None) -> Iterator[Beside]:
    """Run ``work`` now in a transaction of its own on the companion thread's connection; the block, inside the
    caller's transaction, writes the caller's part and ends with ``commit()``. A block that raises, or ends without
    ``commit()``, rolls the companion's part back. With ``lock_wait`` (seconds), a lock wait of either part from
    here on ends after that long (the caller's for the rest of its transaction) and raises ``BesideAbandoned``."""
    beside = Beside(work, lock_wait)
    _lock_wait_set(lock_wait)
    _Companion.of_this_thread().submit(beside.run)
    try:
        yield beside
    except OperationalError as error:
        if not _lock_wait_ended(error):
            raise
        raise BesideAbandoned("a lock wait of the two-connection write went on too long") from error
    finally:  # before any exception leaves: the companion has rolled back (after commit() a no-op)
        beside.undo()
