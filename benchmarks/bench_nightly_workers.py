"""Issue 15 §3 and issue 11 §6: the nightly staleness scan and segmentation sent to real Celery workers, which
spread their chunks over every worker process (crm/chunks.py). Start the workers first, on the same database and
Redis, under ``/usr/bin/time -v`` for their peak memory:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench1m REDIS_URL=redis://127.0.0.1:6379/4
    /usr/bin/time -v .venv/bin/celery -A crm worker -c 2 -l info &      # -c 1 for one worker process
    .venv/bin/python benchmarks/bench_nightly_workers.py staleness segmentation [--runs 3]

``staleness``: cold, every dossier changes — each review state's due date is first moved one day later (one UPDATE,
not timed), and the scan puts every one back (the portfolio is left as it was). ``segmentation``: the nightly run
replacing the stored segments with the same ones (idempotent). Each run's wall time is from sending the task to its
result (the chord's end), so it includes the workers' queueing.
"""

import argparse
import statistics
import time

import _setup  # noqa: F401
from django.db import connection
from django.utils import timezone

from analytics import tasks as analytics_tasks
from crm.celery import app
from customers import tasks as customers_tasks
from customers.models import ReviewState


def _staleness(today_iso: str) -> tuple[float, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ReviewState._meta.db_table} SET next_review_due = next_review_due + 1")  # noqa: S608
    started = time.perf_counter()
    changed = customers_tasks.staleness_scan.apply_async([today_iso], ignore_result=False).get(timeout=3600)
    return time.perf_counter() - started, changed


def _segmentation(today_iso: str) -> tuple[float, int]:
    started = time.perf_counter()
    scored = analytics_tasks.segmentation.apply_async([today_iso], ignore_result=False).get(timeout=3600)
    return time.perf_counter() - started, scored


JOBS = {"staleness": (_staleness, "dossiers changed"), "segmentation": (_segmentation, "customers scored")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jobs", nargs="+", choices=sorted(JOBS))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not app.conf.result_backend:
        raise SystemExit("set REDIS_URL: the chords need a result backend")
    workers = app.control.inspect(timeout=5).stats() or {}
    processes = sum(len(stats.get("pool", {}).get("processes", [])) for stats in workers.values())
    print(f"{len(workers)} worker(s), {processes} process(es); database {connection.settings_dict['NAME']}")
    today_iso = timezone.localdate().isoformat()
    for job in args.jobs:
        measure, counted = JOBS[job]
        timings = []
        for run in range(1, args.runs + 1):
            seconds, count = measure(today_iso)
            timings.append(seconds)
            print(f"  {job} run {run}: {seconds:.1f} s ({count:,} {counted})", flush=True)
        print(f"{job}: median {statistics.median(timings):.1f} s over {args.runs} runs")


if __name__ == "__main__":
    main()
