"""Redis down (issue 16 §8): the API keeps answering (the throttle's cache fails open, logged), and /healthz
reports each dependency as JSON with a status code a load balancer reads."""

import logging

import pytest

from crm import health

pytestmark = pytest.mark.django_db

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "crm.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = CLOSED_PORT_CACHE


def test_the_api_answers_while_the_throttle_cache_is_down(redis_down, rep, customer, api_for, caplog):
    client = api_for(rep)
    with caplog.at_level(logging.WARNING, logger="crm.cache"):
        responses = [client.get("/api/v1/customers/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[0].json()["results"][0]["code"] == customer.code
    assert any("Cache unreachable" in record.getMessage() for record in caplog.records)


def test_token_login_answers_while_the_cache_is_down(redis_down, rep, password, client):
    response = client.post(
        "/api/v1/auth/token/", {"username": rep.username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["token"]


def test_healthz_reports_every_dependency_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage", "jobs"}
    assert body["checks"]["database"] == {"status": "ok", "required": True}
    assert body["checks"]["jobs"]["status"] == "unknown"  # no hourly job has run in this test
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_with_redis_down_is_degraded_but_up(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == {"status": "error", "required": False, "detail": "unreachable"}


def test_healthz_is_503_when_a_required_dependency_is_down(redis_down, client, settings):
    settings.HEALTH_CHECK_REQUIRED = ["database", "cache"]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def refused():
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refused)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "error", "required": True, "detail": "OSError"}


def test_the_hourly_job_is_the_jobs_heartbeat(client):
    from crm.tasks import reminder_digests

    reminder_digests()
    assert client.get("/healthz").json()["checks"]["jobs"]["status"] == "ok"
