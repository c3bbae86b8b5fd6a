"""API.md auth: tokens from username and password, stored hashed, expiring, several per user, revocable."""

import re

import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from crm import roles

pytestmark = pytest.mark.django_db


def _token(client, username, password):
    return client.post(reverse("api_token"), {"username": username, "password": password}, format="json")


def test_token_from_username_and_password_authenticates_requests(rep, password):
    client = APIClient()
    response = _token(client, rep.username, password)
    assert response.status_code == 200
    assert response.json()["expiry"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(reverse("api_customer_list")).status_code == 200


def test_tokens_are_stored_hashed_and_several_may_exist(rep, password):
    client = APIClient()
    first, second = _token(client, rep.username, password).json(), _token(client, rep.username, password).json()
    assert first["token"] != second["token"]
    stored = list(AuthToken.objects.filter(user=rep).values_list("digest", flat=True))
    assert len(stored) == 2
    assert first["token"] not in stored
    assert second["token"] not in stored


def test_wrong_password_gets_400_and_no_token(rep):
    response = _token(APIClient(), rep.username, "wrong")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not AuthToken.objects.exists()


def test_revoked_token_no_longer_works(rep, password):
    client = APIClient()
    token = _token(client, rep.username, password).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post(reverse("api_token_revoke")).status_code == 204
    assert client.get(reverse("api_customer_list")).status_code == 401


def test_expired_token_is_refused(rep, api_for):
    client = api_for(rep)
    AuthToken.objects.update(expiry="2000-01-01T00:00:00Z")
    assert client.get(reverse("api_customer_list")).status_code == 401


def test_no_credentials_is_401(db):
    assert APIClient().get(reverse("api_customer_list")).status_code == 401


def test_session_auth_works_for_the_browser(rep, client_for):
    assert client_for(rep).get(reverse("api_customer_list")).status_code == 200


def test_requests_over_the_rate_are_throttled(rep, api_for, settings):
    from django.core.cache import cache

    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "user": "3/minute"}}
    from rest_framework.throttling import UserRateThrottle

    UserRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        client = api_for(rep)
        statuses = [client.get(reverse("api_customer_list")).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
    finally:
        UserRateThrottle.THROTTLE_RATES = rates
        cache.clear()


def test_schema_and_docs_are_served_without_a_cdn(client, make_user):
    client.force_login(make_user(roles.SALES, username="reader"))  # the schema and docs are for signed-in users
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/customers/bulk-upsert/" in paths
    assert "/api/v1/customers/{code}/history/" in paths
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert re.findall(r"(?:src|href)=[\"'](?:https?:)?//", docs) == []  # nothing loaded from another host


def test_a_path_no_url_matches_is_a_json_404_under_the_api(client, rep, api_for):
    """A client never has to parse HTML: a letter where an id belongs still answers API.md's error shape."""
    response = api_for(rep).get("/api/v1/customers/C1/contacts/null,null/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": "Not found."}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")
