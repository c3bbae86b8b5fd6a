"""Shared start-up for benchmark scripts: Django on the database named by DATABASE_URL."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()
import gc  # noqa: E402

from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - as crm/wsgi.py: the URLconf's modules are loaded before the freeze
gc.freeze()  # as crm/wsgi.py does once the app is loaded: startup objects leave the collector's scans


def median_get(client, requests, *, label: str = "") -> tuple[float, int, int]:
    """GET each ``(url, params)`` after one warm-up; return the median in ms, and the query count and
    size of one more request to the last URL. Anything but 200 stops the benchmark."""
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    requests = list(requests)
    client.get(*requests[0])
    timings = []
    for url, params in requests:
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{label or url} {params or ''} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(*requests[-1])
    return statistics.median(timings), len(queries), len(response.content)


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) so far of process ``pid`` of this host, from /proc; 0 when there is none."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # not a process of this host, or ended meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_cpu_seconds(connection) -> float:
    """CPU seconds so far of this connection's PostgreSQL backend (0 when it is not a process of this host)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return process_cpu_seconds(cursor.fetchone()[0])


def postgres_cpu_seconds() -> float:
    """CPU seconds so far of every PostgreSQL process of this host (backends, WAL writer, checkpointer …; 0 when
    PostgreSQL runs elsewhere): a write's whole cost to the server, whichever of its connections ran it."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as comm:
                if not comm.read().startswith("postgres"):
                    continue
        except OSError:  # ended meanwhile
            continue
        total += process_cpu_seconds(int(pid))
    return total
