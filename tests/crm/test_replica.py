"""Issue 15 §4: reads on a streaming replica (crm/replicas.py, README "Running on several machines").

The router's choices are checked on any database through the middleware as Django runs it. The tests marked
``postgres`` run against the real streaming replica CI starts on port 5433 (.ci/replica): a row written on the
primary appears there, list and analysis pages read there, and a user who just wrote reads the primary while the
replica lags (its replay is paused to make the lag certain). Outside CI without DATABASE_REPLICA_URL they say so and
are skipped; in CI they fail instead.
"""

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import DatabaseError, connection, connections, router, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from knox.models import AuthToken

from crm.replicas import WROTE_COOKIE, ReplicaReadsMiddleware, ReplicaRouter, read_alias
from customers.models import Customer
from tests.conftest import running_in_ci
from tests.factories import make_customer

REPLICA_READS = ["/customers/?q=184", "/customers/duplicates/", "/api/v1/customers/", "/analytics/pareto/"]
REPLICA_READS += ["/api/v1/analytics/ageing/", "/credit/", "/archives/access-log/", "/archives/"]


@pytest.fixture
def with_replica(settings):
    settings.CRM_DATABASE_REPLICAS = ["replica"]
    settings.CRM_READ_YOUR_WRITES_SECONDS = 5


def _through_middleware(method: str, path: str, user, *, status: int = 200, cookies=None, models=(Customer,)):
    """Run a request through ReplicaReadsMiddleware as Django does (process_view, then the view); the view asks the
    router where each model would be read. Returns those aliases and the response."""
    request = getattr(RequestFactory(), method.lower())(path)
    request.user, request.resolver_match = user, resolve(path.split("?")[0])
    request.COOKIES.update(cookies or {})
    seen = []

    def handler(req):
        middleware.process_view(req, None, (), {})
        seen.extend(router.db_for_read(model) for model in models)
        return HttpResponse(status=status)

    middleware = ReplicaReadsMiddleware(handler)
    return seen, middleware(request)


@pytest.mark.parametrize("path", REPLICA_READS)
def test_list_search_analysis_and_report_reads_go_to_the_replica(path, with_replica, manager):
    assert _through_middleware("GET", path, manager)[0] == ["replica"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/customers/C000001/"), ("GET", "/credit/approvals/"), ("POST", "/customers/"), ("GET", "/reminders/")],
)
def test_other_pages_and_write_requests_read_from_the_primary(method, path, with_replica, manager):
    assert _through_middleware(method, path, manager)[0] == ["default"]


def test_sessions_users_and_tokens_are_read_from_the_primary_even_on_a_list(with_replica, manager):
    models = (Session, get_user_model(), AuthToken, Customer)
    assert _through_middleware("GET", "/customers/", manager, models=models)[0] == [
        "default",
        "default",
        "default",
        "replica",
    ]


def test_reads_in_a_transaction_select_for_update_and_every_write_use_the_primary(with_replica, manager):
    seen = {}

    def handler(request):
        middleware.process_view(request, None, (), {})
        seen["plain read"] = read_alias(Customer)
        with transaction.atomic():
            seen["read in a transaction"] = router.db_for_read(Customer)
            seen["select_for_update"] = Customer.objects.select_for_update().db
        seen["write"] = router.db_for_write(Customer)
        return HttpResponse()

    request = RequestFactory().get("/customers/")
    request.user, request.resolver_match = manager, resolve("/customers/")
    middleware = ReplicaReadsMiddleware(handler)
    middleware(request)
    assert seen == {
        "plain read": "replica",
        "read in a transaction": "default",
        "select_for_update": "default",
        "write": "default",
    }
    assert not ReplicaRouter().allow_migrate("replica", "customers")
    assert ReplicaRouter().allow_migrate("default", "customers")


def test_a_writer_reads_the_primary_for_the_window_then_the_replica_again(settings, with_replica, rep, manager):
    settings.CRM_READ_YOUR_WRITES_SECONDS = 1
    _seen, written = _through_middleware("POST", "/customers/", rep, status=302)
    cookie = {WROTE_COOKIE: written.cookies[WROTE_COOKIE].value}
    assert written.cookies[WROTE_COOKIE]["max-age"] == 1

    assert _through_middleware("GET", "/customers/", rep, cookies=cookie)[0] == ["default"]  # the browser
    assert _through_middleware("GET", "/api/v1/customers/", rep)[0] == ["default"]  # an API token: no cookie
    assert _through_middleware("GET", "/customers/", manager)[0] == ["replica"]  # someone else

    time.sleep(1.1)
    assert _through_middleware("GET", "/customers/", rep, cookies=cookie)[0] == ["replica"]
    assert _through_middleware("GET", "/api/v1/customers/", rep)[0] == ["replica"]


def test_a_refused_write_does_not_hold_reads_on_the_primary(with_replica, rep):
    _seen, refused = _through_middleware("POST", "/customers/", rep, status=400)
    assert WROTE_COOKIE not in refused.cookies
    assert _through_middleware("GET", "/customers/", rep)[0] == ["replica"]


def test_without_a_replica_every_read_is_on_the_primary_and_no_cookie_is_set(rep):
    assert django_settings.CRM_DATABASE_REPLICAS == []  # tests/conftest.py; settings: DATABASE_REPLICA_URL unset
    _seen, written = _through_middleware("POST", "/customers/", rep, status=302)
    assert WROTE_COOKIE not in written.cookies
    assert _through_middleware("GET", "/customers/", rep)[0] == ["default"]
    assert cache.get(f"crm:wrote:{rep.pk}") is None


# --- the real streaming replica (CI: .ci/replica starts it on 127.0.0.1:5433) ---

HAS_REPLICA = "replica" in django_settings.DATABASES
on_both_databases = pytest.mark.django_db(
    transaction=True, databases=["default", "replica"] if HAS_REPLICA else ["default"]
)


@pytest.fixture
def streaming_replica(settings, data_migrations):
    message = ""
    if connection.vendor != "postgresql" or not HAS_REPLICA:
        message = "needs DATABASE_URL on PostgreSQL and DATABASE_REPLICA_URL on its streaming replica (.ci/replica)"
    elif not _one(connections["replica"], "SELECT pg_is_in_recovery()"):
        message = "DATABASE_REPLICA_URL is not a streaming replica (pg_is_in_recovery() is false)"
    if message:
        if running_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    settings.CRM_DATABASE_REPLICAS = ["replica"]
    settings.CRM_READ_YOUR_WRITES_SECONDS = 30  # longer than any test: the writer must not fall back to the replica
    yield connections["replica"]
    _one(connections["replica"], "SELECT pg_wal_replay_resume()")


def _one(db, sql: str, params=()):
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _replayed() -> None:
    """Wait until the replica has replayed everything the primary wrote so far."""
    lsn = _one(connection, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + 30
    while not _one(connections["replica"], "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]):
        assert time.monotonic() < deadline, "the replica did not catch up within 30 s"
        time.sleep(0.05)


def _customer_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "customers_customer"' in q["sql"] and q["sql"].startswith("SELECT")]


@pytest.mark.usefixtures("streaming_replica")
@pytest.mark.postgres
@on_both_databases
def test_a_row_written_on_the_primary_is_read_on_the_replica_which_refuses_writes(rep):
    customer = make_customer(owner=rep, name="Replicated Valve Co")
    _replayed()
    assert Customer.objects.using("replica").get(code=customer.code).name == "Replicated Valve Co"
    assert _one(connection, "SELECT pg_is_in_recovery()") is False
    with pytest.raises(DatabaseError, match="read-only transaction"):
        Customer.objects.using("replica").filter(pk=customer.pk).update(name="Written on the replica")


@pytest.mark.usefixtures("streaming_replica")
@pytest.mark.postgres
@on_both_databases
def test_the_list_reads_the_replica_and_an_api_writer_reads_the_primary_while_the_replica_lags(
    rep, manager, api_for, password
):
    customer = make_customer(owner=rep, name="Lagging Valve Co")
    _replayed()
    browser = Client()
    assert browser.login(request=RequestFactory().post("/accounts/login/"), username="manager", password=password)
    listed = reverse("customer_list") + f"?q={customer.code}"
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert "Lagging Valve Co" in browser.get(listed).content.decode()
    assert _customer_reads(on_replica.captured_queries)

    _one(connections["replica"], "SELECT pg_wal_replay_pause()")  # the replica now lags for certain
    api = api_for(rep)
    changed = api.patch(reverse("api_customer_detail", args=[customer.code]), {"name": "Renamed Valve Co"})
    assert changed.status_code == 200
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        names = [row["name"] for row in api.get(reverse("api_customer_list")).json()["results"]]
    assert names == ["Renamed Valve Co"]  # the writer reads its own write, from the primary
    assert not _customer_reads(on_replica.captured_queries)
    assert "Lagging Valve Co" in browser.get(listed).content.decode()  # another user reads the lagging replica

    _one(connections["replica"], "SELECT pg_wal_replay_resume()")
    _replayed()
    assert "Renamed Valve Co" in browser.get(listed).content.decode()


@pytest.mark.usefixtures("streaming_replica")
@pytest.mark.postgres
@on_both_databases
def test_a_browser_writer_reads_the_primary_while_the_replica_lags(rep, client_for):
    customer = make_customer(owner=rep, name="Browser Valve Co", size="small")
    _replayed()
    browser = client_for(rep)
    _one(connections["replica"], "SELECT pg_wal_replay_pause()")
    saved = browser.post(
        reverse("section_edit", args=[customer.code, "basic"]),
        {
            "customer-name": "Browser Valve Co Renamed",
            "customer-kind": "intermediate",
            "customer-nature": "company",
            "customer-size": "small",
            "customer-payment_terms_days": "30",
            "dossier-version": Customer.objects.get(pk=customer.pk).version,
        },
    )
    assert saved.status_code == 302
    assert WROTE_COOKIE in saved.cookies
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        page = browser.get(reverse("customer_list") + f"?q={customer.code}").content.decode()
    assert "Browser Valve Co Renamed" in page
    assert not _customer_reads(on_replica.captured_queries)


@pytest.mark.usefixtures("streaming_replica")
@pytest.mark.postgres
@on_both_databases
def test_an_analysis_runs_its_sql_on_the_replica(manager, rep, client_for):
    make_customer(owner=rep, name="Analysed Valve Co")
    _replayed()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client_for(manager).get(reverse("analytics_pareto"))
    assert response.status_code == 200
    assert any("customers_customer" in q["sql"] for q in on_replica.captured_queries)
