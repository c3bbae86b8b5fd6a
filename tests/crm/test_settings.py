"""Settings come from the environment; production differs only by variables."""

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    dropped = {
        "DEBUG",
        "DATABASE_URL",
        "DATABASE_REPLICA_URL",
        "DISABLE_SERVER_SIDE_CURSORS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    environment = {k: v for k, v in os.environ.items() if k not in dropped} | env
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_deploy_is_silent_with_debug_off_and_real_values():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-a-real-production-secret-with-enough-entropy-9f8e7d6c5b4a",
        ALLOWED_HOSTS="crm.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_default_development_settings_run_on_sqlite_without_redis():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["django.db.backends.sqlite3", "filesystem://"]


def test_with_redis_the_cache_fails_open():
    """Issue 16 §8: the throttle's cache must not turn a Redis outage into 500s."""
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "crm.cache.FailOpenRedisCache"


def test_debug_is_off_unless_set():
    result = _manage("shell", "-c", "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["False", "True"]


def test_a_replica_url_adds_a_read_replica_that_mirrors_default_in_tests_and_pgbouncer_mode_drops_session_state():
    """Issue 15 §4: DATABASE_REPLICA_URL adds the ``replica`` alias the router reads from; DISABLE_SERVER_SIDE_CURSORS
    (PgBouncer in transaction mode) turns off named cursors and the startup option PgBouncer refuses."""
    shown = (
        "from django.conf import settings as s; r = s.DATABASES['replica']; d = s.DATABASES['default'];"
        "print(r['HOST'], r['PORT'], r['NAME'], r['TEST']['MIRROR'], s.CRM_DATABASE_REPLICAS, s.DATABASE_ROUTERS,"
        "r['DISABLE_SERVER_SIDE_CURSORS'], d['DISABLE_SERVER_SIDE_CURSORS'], 'options' in d['OPTIONS'])"
    )
    result = _manage(
        "shell",
        "-c",
        shown,
        DATABASE_URL="postgres://crm@db1:5432/crm",
        DATABASE_REPLICA_URL="postgres://crm@db2:5432/crm",
        DISABLE_SERVER_SIDE_CURSORS="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "db2 5432 crm default ['replica'] ['crm.replicas.ReplicaRouter'] True True False"
    )
    plain = _manage("shell", "-c", "from django.conf import settings as s; print(sorted(s.DATABASES))")
    assert plain.stdout.splitlines()[-1] == "['default']"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_postgresql_connection_notices_a_vanished_database_host_within_a_minute():
    """A request waiting on a connection whose host or network vanished (a COMMIT; the second connection of a bulk
    batch, crm/beside.py) must end in an error, not wait the kernel's two hours: TCP keepalives probe an idle link
    after 30 s and give up after three unanswered probes 10 s apart."""
    if connection.vendor != "postgresql":
        pytest.skip("TCP keepalives of a PostgreSQL connection; CI runs this test there")
    connection.ensure_connection()
    link = socket.socket(fileno=os.dup(connection.connection.fileno()))  # a second handle on the same socket
    try:
        if link.family == socket.AF_UNIX:
            pytest.skip("a Unix socket has no network to lose; CI connects over TCP")
        idle = link.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
        interval = link.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL)
        probes = link.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT)
        assert link.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert idle + interval * probes <= 60
    finally:
        link.close()  # the duplicate only: Django's connection stays open
