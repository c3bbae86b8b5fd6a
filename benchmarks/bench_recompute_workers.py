"""Issue 15 §3: the nightly credit recompute spread over Celery workers, timed with one and then two worker processes.

For each ``--concurrency`` it starts ``celery -A crm worker -c N`` on Redis (REDIS_URL, its own DB number), sends the
nightly task (``credit.tasks.credit_recompute``, which on a worker replaces itself by a chord over ranges of customers),
waits for its result (the chord's last step) and stops the worker. The chunks recompute for ``--today`` (default: the
business date); on a portfolio built for that day they store again the profiles already stored.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench1m REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python benchmarks/bench_recompute_workers.py --concurrency 1 2
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date

import _setup

WORKER_ENV = {"CRM_JOBS_ON_START": "0", "DEBUG": "0", "SECRET_KEY": "bench-recompute-only"}


def _worker(concurrency: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "crm", "worker", "-c", str(concurrency), "-P", "prefork"]
    command += ["-n", f"recompute{concurrency}@%h", "--without-gossip", "--without-mingle", "-l", "warning"]
    return subprocess.Popen(command, cwd=_setup.ROOT, env={**os.environ, **WORKER_ENV})  # noqa: S603 (our own argv)


def _wait_ready(app, name: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if any(name in reply for reply in replies):
            return
    raise SystemExit(f"worker {name} did not answer within {timeout} s")


def run(concurrency: int, today: date) -> float:
    import socket

    from celery import current_app

    from credit.tasks import credit_recompute

    worker = _worker(concurrency)
    try:
        _wait_ready(current_app, f"recompute{concurrency}@{socket.gethostname()}")
        started = time.perf_counter()
        total = credit_recompute.apply_async([today.isoformat()], ignore_result=False).get(timeout=3600)
        seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    print(f"  {concurrency} worker process(es): {seconds:6.1f} s  ({total:,} profiles)", flush=True)
    return seconds


def main() -> None:
    from django.conf import settings
    from django.utils import timezone

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    if not settings.CELERY_RESULT_BACKEND:
        raise SystemExit("set REDIS_URL (a Redis DB of your own): the chord waits on its result backend")
    today = args.today or timezone.localdate()
    for concurrency in args.concurrency:
        run(concurrency, today)
    print(f"  load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
