"""Issue 16 point 4, brute force: failed sign-ins lock out the account and the real client address, in the browser
and on the API token endpoint alike; an administrator lifts a lockout; a password change revokes API tokens."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

pytestmark = pytest.mark.django_db

LIMIT = 10  # the default of CRM_LOGIN_FAILURE_LIMIT
ATTACKER = "198.51.100.66"


def _browser_sign_in(username: str, password: str, *, address: str = ATTACKER, **headers):
    return Client(REMOTE_ADDR=address, **headers).post(reverse("login"), {"username": username, "password": password})


def _token(username: str, password: str, *, address: str = ATTACKER, **headers):
    client = APIClient(REMOTE_ADDR=address, **headers)
    return client.post(reverse("api_token"), {"username": username, "password": password}, format="json")


def _signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_browser_login_locks_the_account_after_the_failure_limit_even_for_the_right_password(rep, password):
    for _ in range(LIMIT - 1):
        assert _browser_sign_in(rep.username, "wrong").status_code == 200
    assert _signed_in(_browser_sign_in(rep.username, password, address="198.51.100.1"))  # below the limit

    for _ in range(LIMIT):
        _browser_sign_in(rep.username, "wrong")
    locked = _browser_sign_in(rep.username, password, address="192.0.2.200")  # another address, same account
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in locked.client.session


def test_browser_login_locks_the_address_that_tries_many_accounts(rep, other_rep, password):
    for index in range(LIMIT):
        _browser_sign_in(f"guess{index}", "wrong")
    assert _browser_sign_in(rep.username, password).status_code == 429
    assert _signed_in(_browser_sign_in(other_rep.username, password, address="192.0.2.10"))


def test_a_spoofed_forwarded_for_does_not_escape_the_address_lockout(rep, password):
    for index in range(LIMIT):
        _browser_sign_in(f"guess{index}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}")
    assert _browser_sign_in(rep.username, password, HTTP_X_FORWARDED_FOR="203.0.113.250").status_code == 429


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_is_locked(settings, rep, other_rep, password):
    settings.CRM_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for index in range(LIMIT):
        _browser_sign_in(f"guess{index}", "wrong", address=proxy, HTTP_X_FORWARDED_FOR=f"6.6.6.{index}, {ATTACKER}")
    assert _browser_sign_in(rep.username, password, address=proxy, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    colleague = _browser_sign_in(other_rep.username, password, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert _signed_in(colleague)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_the_lockout_ends_after_the_cool_off(rep, password):
    for _ in range(LIMIT):
        _browser_sign_in(rep.username, "wrong")
    assert _browser_sign_in(rep.username, password).status_code == 429
    with time_machine.travel(timedelta(minutes=16)):
        assert _signed_in(_browser_sign_in(rep.username, password))


def test_api_token_endpoint_locks_the_account_with_429_and_retry_after(rep, password):
    for _ in range(LIMIT - 1):
        assert _token(rep.username, "wrong").status_code == 400
    assert _token(rep.username, "wrong").status_code == 429  # the failure that reaches the limit
    locked = _token(rep.username, password, address="192.0.2.200")
    assert locked.status_code == 429
    assert "lockout" in locked.json()["detail"]
    assert locked["Retry-After"] == str(15 * 60)
    assert not AuthToken.objects.filter(user=rep).exists()
    assert _browser_sign_in(rep.username, password, address="192.0.2.201").status_code == 429  # both channels


def test_api_token_endpoint_locks_the_address_that_tries_many_accounts(rep, password):
    for index in range(LIMIT):
        _token(f"guess{index}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}")
    assert _token(rep.username, password, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429
    assert _token(rep.username, password, address="192.0.2.10").status_code == 200


def test_token_throttle_counts_the_peer_address_not_a_client_supplied_forwarded_for(db):
    rates = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**rates, "auth": "3/minute"}
    try:
        statuses = [
            _token(f"nobody{index}", "x", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}").status_code for index in range(4)
        ]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = rates
    assert statuses == [400, 400, 400, 429]


def test_an_administrator_lifts_the_lockout_in_the_admin(rep, password, admin_client):
    for _ in range(LIMIT):
        _browser_sign_in(rep.username, "wrong")
    assert _browser_sign_in(rep.username, password, address="192.0.2.7").status_code == 429
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert rep.username in admin_client.get(changelist).content.decode()
    attempt = AccessAttempt.objects.filter(username=rep.username).first()  # one row: the account and its address
    response = admin_client.post(changelist, {"action": "lift_lockout", "_selected_action": [attempt.pk]}, follow=True)
    assert "Lockout lifted" in response.content.decode()
    assert _signed_in(_browser_sign_in(rep.username, password, address="192.0.2.7"))
    assert _token(rep.username, password).status_code == 200  # the address is free again too


def test_the_axes_reset_command_lifts_every_lockout(rep, password):
    for _ in range(LIMIT):
        _token(rep.username, "wrong")
    call_command("axes_reset_username", rep.username)
    assert _token(rep.username, password).status_code == 200


def _token_client(user, password) -> APIClient:
    token = _token(user.username, password, address="192.0.2.50").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("api_customer_list")).status_code == 200
    return client


def test_api_tokens_die_when_an_administrator_changes_the_password(rep, password, admin_client):
    client = _token_client(rep, password)
    url = reverse("admin:auth_user_password_change", args=[rep.pk])
    response = admin_client.post(url, {"password1": "a-new-Secret-2026", "password2": "a-new-Secret-2026"})
    assert response.status_code == 302, response.content.decode()
    assert client.get(reverse("api_customer_list")).status_code == 401
    assert not AuthToken.objects.filter(user=rep).exists()


def test_api_tokens_die_when_the_password_is_set_in_code(rep, other_rep, password):
    client, others = _token_client(rep, password), _token_client(other_rep, password)
    rep.set_password("a-new-Secret-2026")
    rep.save()
    assert client.get(reverse("api_customer_list")).status_code == 401
    assert others.get(reverse("api_customer_list")).status_code == 200
