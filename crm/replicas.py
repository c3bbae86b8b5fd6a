"""Reads on a PostgreSQL streaming replica (issue 15 §4; README "Running on several machines").

With ``DATABASE_REPLICA_URL`` set (settings: the ``replica`` alias, ``CRM_DATABASE_REPLICAS``), the browser and API
GET requests of ``REPLICA_VIEWS`` — lists, searches, analyses and reports — read from a replica. Everything else reads
from the primary (``default``): every other page, every write request, Celery tasks and commands (there is no request),
the session, user, token and sign-in tables, and any read inside a transaction (``transaction.atomic``, hence also
``select_for_update``, which Django routes as a write anyway).

Read-your-writes: after a user's write request (POST, PUT, PATCH, DELETE answered below 400), that user's reads stay
on the primary for ``CRM_READ_YOUR_WRITES_SECONDS``: a cache key per user (Redis, shared by every web host; it covers
API tokens) and, for browsers, a cookie holding the time of the write (it still works while the cache is down). The
window must exceed the replica's usual lag (``pg_stat_replication.replay_lag`` on the primary).

Without a replica configured nothing here does anything: no cookie, no cache key, every read on ``default``.
"""

import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA_VIEWS = frozenset(
    {
        "customer_list",
        "duplicate_list",
        "api_customer_list",
        "api_customer_duplicates",
        "credit_dashboard",
        "access_log",
        "archive_register",
    }
)
"""URL names of the list, search and report pages and endpoints whose GETs read from a replica."""
REPLICA_VIEW_PREFIXES = ("analytics", "api_analytics_")
"""…and every analysis page and endpoint."""

PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "knox", "axes", "contenttypes", "admin", "django_celery_beat"})
"""Sign-in, sessions, tokens and lockouts are read where they were just written: a token issued a moment ago must
authenticate on the next request whatever the replica's lag."""

WROTE_COOKIE = "crm_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _wrote_key(user_id: int) -> str:
    return f"crm:wrote:{user_id}"


@dataclass(slots=True)
class _RequestReads:
    request: HttpRequest
    eligible: bool = False
    recent_write: bool | None = None  # decided at the first routed read, once the view has authenticated the user
    deciding: bool = False
    replica: str = ""  # one replica per request, so that its reads see one moment of the data


_current: ContextVar[_RequestReads | None] = ContextVar("crm_replica_reads", default=None)


def replicas() -> list[str]:
    """The aliases reads may go to (empty: no replica configured, or turned off)."""
    return list(getattr(settings, "CRM_DATABASE_REPLICAS", []))


def _in_transaction() -> bool:
    """Inside ``transaction.atomic`` on the primary (a test case's own wrapping transaction aside, as Django's
    ``durable`` check does)."""
    blocks = connections[DEFAULT_DB_ALIAS].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _wrote_recently(request: HttpRequest) -> bool:
    window = settings.CRM_READ_YOUR_WRITES_SECONDS
    stamp = request.COOKIES.get(WROTE_COOKIE, "")
    if stamp.isdigit() and time.time() - int(stamp) < window:
        return True
    user_id = _user_id(request)
    return user_id is not None and cache.get(_wrote_key(user_id)) is not None


def read_alias(model: type | None = None) -> str:
    """Where a read of ``model`` (or of raw SQL over the portfolio) made now goes: a replica or ``default``."""
    aliases = replicas()
    state = _current.get()
    if not aliases or state is None or not state.eligible or state.deciding:
        return DEFAULT_DB_ALIAS
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return DEFAULT_DB_ALIAS
    if _in_transaction():
        return DEFAULT_DB_ALIAS
    if state.recent_write is None:
        state.deciding = True  # reading the session's user below must not come back here
        try:
            state.recent_write = _wrote_recently(state.request)
        finally:
            state.deciding = False
        state.replica = random.choice(aliases)  # noqa: S311 — spreading load, not a secret
    return DEFAULT_DB_ALIAS if state.recent_write else state.replica


def read_connection():
    """The connection for a raw SQL read of the portfolio, which the router does not see (analysis reports)."""
    return connections[read_alias()]


class ReplicaRouter:
    """Django database router: reads by ``read_alias``, every write and every migration on ``default``."""

    def db_for_read(self, model, **hints) -> str:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # a relation of an object follows it (one snapshot)
        return read_alias(model)

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's rows: the same objects

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def _eligible(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    name = (match.url_name if match else None) or ""
    return request.method in SAFE_METHODS and (name in REPLICA_VIEWS or name.startswith(REPLICA_VIEW_PREFIXES))


def record_write(request: HttpRequest, response: HttpResponse) -> None:
    """Keep this user's reads on the primary for the window: the cache key (every host, API tokens) and the
    browser's cookie."""
    window = settings.CRM_READ_YOUR_WRITES_SECONDS
    user_id = _user_id(request)
    if user_id is not None:
        cache.set(_wrote_key(user_id), 1, timeout=window)
    response.set_cookie(
        WROTE_COOKIE,
        str(int(time.time())),
        max_age=window,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


class ReplicaReadsMiddleware:
    """Marks the requests whose reads may go to a replica, and records each write request for read-your-writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replicas():
            return self.get_response(request)
        token = _current.set(_RequestReads(request))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            record_write(request, response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        state = _current.get()
        if state is not None and state.request is request:
            state.eligible = _eligible(request)
