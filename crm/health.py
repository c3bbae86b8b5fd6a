"""What ``/healthz`` reports (issue 16 §8): each dependency of the web app and the jobs, checked quickly.

Required dependencies (``HEALTH_CHECK_REQUIRED``, by default the database and storage) decide the status code a
load balancer reads; the others (cache, broker, the hourly job) are reported and make the answer ``degraded``:
every web node shares them, so taking nodes out of the pool for them would not help (the cache fails open)."""

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

JOBS_HEARTBEAT_KEY = "crm:jobs:last_run"
JOBS_LATE_AFTER = timedelta(hours=2)  # the digests run hourly (crm/celery.py)


@dataclass(frozen=True, slots=True)
class Check:
    status: str  # "ok", "error", or for the jobs "late" / "unknown"
    detail: str = ""


def _database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check("ok")


def _cache() -> Check:
    reachable = getattr(cache, "is_reachable", None)
    if reachable is not None:
        return Check("ok") if reachable() else Check("error", "unreachable")
    cache.set("crm:healthz", "1", 10)
    return Check("ok") if cache.get("crm:healthz") == "1" else Check("error", "no round trip")


def _broker() -> Check:
    from crm.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return Check("ok")


def _storage() -> Check:
    """Uploads and archive scans can be written: their folder, or the folder it will be created in, is writable."""
    for alias in ("default", "archives"):
        location = getattr(storages[alias], "location", None)
        if location is None:  # not on this machine's disk (object storage): nothing to check here
            continue
        folder = Path(location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not os.access(folder, os.W_OK):
            return Check("error", f"{alias}: not writable")
    return Check("ok")


def _jobs() -> Check:
    last = cache.get(JOBS_HEARTBEAT_KEY)
    if not last:
        return Check("unknown")
    at = datetime.fromisoformat(last)
    return Check("ok" if timezone.now() - at <= JOBS_LATE_AFTER else "late", at.isoformat())


CHECKS: dict[str, Callable[[], Check]] = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "storage": _storage,
    "jobs": _jobs,
}


def _run(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as exc:  # a health check reports every failure, whatever it is
        logger.warning("Health check %s failed: %r", name, exc)
        return Check("error", type(exc).__name__)


def jobs_heartbeat_record() -> None:
    """Note that a scheduled job ran now (the hourly digests), for the ``jobs`` entry of ``/healthz``."""
    cache.set(JOBS_HEARTBEAT_KEY, timezone.now().isoformat(), None)


def health_report() -> tuple[bool, dict]:
    """(whether every required dependency is up, the JSON body of ``/healthz``)."""
    started = time.monotonic()
    results = {name: _run(name, check) for name, check in CHECKS.items()}
    required = set(settings.HEALTH_CHECK_REQUIRED)
    healthy = all(results[name].status == "ok" for name in required if name in results)
    degraded = any(check.status == "error" for check in results.values())
    body = {
        "status": "error" if not healthy else "degraded" if degraded else "ok",
        "checks": {
            name: {"status": r.status, "required": name in required, **({"detail": r.detail} if r.detail else {})}
            for name, r in results.items()
        },
        "duration_ms": round((time.monotonic() - started) * 1000),
    }
    return healthy, body
