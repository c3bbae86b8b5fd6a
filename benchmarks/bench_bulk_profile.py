"""Where a bulk-upsert batch's time goes (issue 15 §2): run_all.py's bulk measure (batches of 1,000 through Django's
test client: the previous batch's 500 changed, 500 new), each batch timed as wall, CPU of this process and CPU of
its PostgreSQL backend (read from /proc, so PostgreSQL must run on this host), every statement's wall and backend
CPU summed by its first words (COPY and COMMIT included), and the server's WAL per batch.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench1m python benchmarks/bench_bulk_profile.py \
        [--batches 10] [--profile FILE] [--perf-record FILE] [--explain]

``--profile`` writes a cProfile of the measured batches, ``--perf-record`` a ``perf record -g`` of the backend,
``--explain`` prints the last batch's plans (auto_explain, superuser). The customers it creates are deleted
afterwards; VACUUM (ANALYZE) the customer tables after a run (autovacuum is off here).
"""

import argparse
import contextlib
import cProfile
import os
import re
import signal
import subprocess
import time
import uuid
from collections import defaultdict

import _setup
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings, setup_test_environment

WAL = "SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal"


class StatementTimes:
    """Count, wall and backend CPU of each statement while ``active``, summed by the statement's first words."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
        self.active = False

    def timed(self, label: str, call, *args):
        if not self.active:
            return call(*args)
        cpu, started = _setup.process_cpu_seconds(self.pid), time.perf_counter()
        try:
            return call(*args)
        finally:
            total = self.totals[label]
            total[0] += 1
            total[1] += time.perf_counter() - started
            total[2] += _setup.process_cpu_seconds(self.pid) - cpu

    def __call__(self, execute, sql, params, many, context):  # a connection.execute_wrapper
        return self.timed(_label(sql), execute, sql, params, many, context)

    def patch_copy_and_commit(self) -> None:
        """COPY (crm.bulk) and COMMIT do not pass through execute wrappers: time them too."""
        from django.db.backends.base.base import BaseDatabaseWrapper

        from crm import bulk

        copy_into, commit = bulk._copy_into, BaseDatabaseWrapper._commit
        bulk._copy_into = lambda table, names, rows: self.timed(f"COPY {table}", copy_into, table, names, rows)
        BaseDatabaseWrapper._commit = lambda wrapper: self.timed("COMMIT", commit, wrapper)


def _label(sql: str) -> str:
    words = re.sub(r"\s+", " ", sql).strip()
    tables = re.findall(r'"(\w+)"', words)
    return f"{words.split(' ', 1)[0].upper()} {tables[0] if tables else words[:50]}"


def batches_of(run: str, count: int) -> list[list[dict]]:
    """As run_all.py: a first batch of 500 new, then ``count + 1`` batches of the previous 500 with a new phone and
    500 new."""
    import bench_api

    previous = bench_api.new_records(f"{run}-0", 500)
    posted = [previous]
    for batch_no in range(1, count + 2):
        new = bench_api.new_records(f"{run}-{batch_no}", 500)
        posted.append([{**record, "phone": f"0571-{batch_no:04d}"} for record in previous] + new)
        previous = new
    return posted


def _query(sql: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


@contextlib.contextmanager
def _perf_record(path: str | None, pid: int):
    if not path:
        yield
        return
    perf = subprocess.Popen(["perf", "record", "-q", "-g", "-p", str(pid), "-o", path])  # noqa: S603, S607
    time.sleep(1)  # attached
    try:
        yield
    finally:
        perf.send_signal(signal.SIGINT)
        perf.wait()


@contextlib.contextmanager
def _explained(on: bool, lines: list[str]):
    """auto_explain of every statement over 2 ms, reported as notices (kept in ``lines``)."""
    if not on:
        yield
        return
    settings_on = {"log_min_duration": "2", "log_analyze": "on", "log_buffers": "on", "log_wal": "on"}
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        for name, value in {**settings_on, "log_nested_statements": "on", "log_level": "notice"}.items():
            cursor.execute(f"SET auto_explain.{name} = {value}")
    connection.connection.notices.clear()
    try:
        yield
    finally:
        lines.extend(connection.connection.notices)
        with connection.cursor() as cursor:
            cursor.execute("SET auto_explain.log_min_duration = -1")


def post_batches(client, posted, statements: StatementTimes, args, explained: list[str]) -> list[tuple]:
    """Post every batch; return (wall, CPU, backend CPU) of the measured ones (all but the first two: the first
    creates what the second changes, the second warms up)."""
    profiler = cProfile.Profile() if args.profile else None
    rows = []
    with _perf_record(args.perf_record, statements.pid):
        for batch_no, batch in enumerate(posted):
            measured = batch_no >= 2
            statements.active = measured
            db_cpu, cpu, started = _setup.process_cpu_seconds(statements.pid), time.process_time(), time.perf_counter()
            last = args.explain and batch_no == len(posted) - 1
            with connection.execute_wrapper(statements), _explained(last, explained):
                if profiler and measured:
                    profiler.enable()
                body = client.post("/api/v1/customers/bulk-upsert/", batch, format="json").json()
                if profiler and measured:
                    profiler.disable()
            statements.active = False
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            if (body["created"], body["updated"], body["errors"]) != (500, 0 if batch_no == 0 else 500, []):
                raise SystemExit(f"unexpected result: {body['created']}, {body['updated']}, {body['errors'][:2]}")
            if measured:
                rows.append((wall, cpu, _setup.process_cpu_seconds(statements.pid) - db_cpu))
    if profiler:
        profiler.dump_stats(args.profile)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--profile", help="write a cProfile of the measured batches to this file")
    parser.add_argument("--perf-record", help="perf record -g the backend during the measured batches, to this file")
    parser.add_argument("--explain", action="store_true", help="print the last batch's plans (auto_explain)")
    args = parser.parse_args()
    setup_test_environment()
    import bench_api

    from customers.models import Customer

    client = bench_api.client_for("bench_erp", "integration")
    run = f"PROFILE-{uuid.uuid4().hex[:6]}"
    posted = batches_of(run, args.batches)
    statements = StatementTimes(_query("SELECT pg_backend_pid()")[0])
    statements.patch_copy_and_commit()
    wal_before, explained = _query(WAL), []
    try:
        rows = post_batches(client, posted, statements, args, explained)
        wal = [float(after - before) / len(posted) for before, after in zip(wal_before, _query(WAL), strict=True)]
    finally:
        Customer.objects.filter(external_id__startswith=f"{run}-").delete()
    report(rows, statements)
    print(f"WAL per batch (whole server): {wal[0]:,.0f} records, {wal[1]:,.0f} full pages, {wal[2] / 1e6:.1f} MB")
    print("".join(explained))


def report(rows: list[tuple[float, float, float]], statements: StatementTimes) -> None:
    n = len(rows)
    wall, cpu, db_cpu = (sum(r[i] for r in rows) / n * 1000 for i in range(3))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{n} batches of 1,000: {1000 * n / sum(r[0] for r in rows):,.0f} records/s")
    print(f"per batch: wall {wall:.1f} ms, Python CPU {cpu:.1f} ms, PostgreSQL CPU {db_cpu:.1f} ms")
    print(f"  walls: {', '.join(f'{r[0] * 1000:.0f}' for r in rows)}")
    print(f"{'statement':<60}{'count':>6}{'wall ms':>9}{'pg cpu ms':>10}  (per batch)")
    for label, (count, seconds, pg) in sorted(statements.totals.items(), key=lambda kv: -kv[1][1]):
        print(f"  {label[:58]:<58}{count / n:>6.1f}{seconds / n * 1000:>9.1f}{pg / n * 1000:>10.1f}")


if __name__ == "__main__":
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []},
    ):
        main()
