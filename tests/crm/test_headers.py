"""Response headers (issue 16 §10): a Content-Security-Policy the pages pass, no-store on the API, weak ETags refused
for writes, the schema and docs for signed-in users only."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_carry_a_strict_policy(rep, client_for, customer):
    response = client_for(rep).get(reverse("customer_detail", args=[customer.code]))
    assert response.status_code == 200
    policy = _directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_the_login_page_carries_the_policy(client):
    assert _directives(client.get(reverse("login")))["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/admin/", "/api/docs/", "/api/redoc/"])
def test_the_admin_and_the_docs_may_use_inline_styles_but_no_inline_script(path, rep, client_for):
    rep.is_staff = True
    rep.save()
    response = client_for(rep).get(path)
    assert response.status_code == 200
    policy = _directives(response)
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]


INLINE = [
    pytest.param(re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), id="inline-script"),
    pytest.param(re.compile(r"\son[a-z]+\s*=", re.I), id="event-handler-attribute"),
    pytest.param(re.compile(r"\sstyle\s*=", re.I), id="style-attribute"),
    pytest.param(re.compile(r"<style", re.I), id="style-element"),
]


@pytest.mark.parametrize("pattern", INLINE)
def test_no_template_has_inline_script_or_style(pattern):
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_completeness_bar_takes_its_width_from_data(rep, client_for, customer):
    page = client_for(rep).get(reverse("customer_detail", args=[customer.code])).content.decode()
    assert re.search(r'class="progress-bar[^"]*" data-width="\d+"', page)


@pytest.mark.parametrize("path", ["/api/v1/customers/", "/api/v1/reminders/", "/api/v1/no-such-thing/"])
def test_api_responses_are_not_stored(path, rep, api_for, customer):
    assert api_for(rep).get(path)["Cache-Control"] == "no-store"


def test_api_errors_are_not_stored_either(client):
    assert client.get("/api/v1/customers/")["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_weak_if_match_is_a_412(method, manager, customer, api_for):
    client = api_for(manager)
    tag = client.get(f"/api/v1/customers/{customer.code}/")["ETag"]
    body = {"name": "Renamed", "kind": customer.kind, "nature": customer.nature} if method != "delete" else None
    response = getattr(client, method)(
        f"/api/v1/customers/{customer.code}/", body, format="json", HTTP_IF_MATCH=f"W/{tag}"
    )
    assert response.status_code == 412
    customer.refresh_from_db()
    assert customer.deleted_at is None
    assert customer.name != "Renamed"


def test_a_strong_tag_beside_a_weak_one_still_matches(manager, customer, api_for):
    client = api_for(manager)
    tag = client.get(f"/api/v1/customers/{customer.code}/")["ETag"]
    response = client.patch(
        f"/api/v1/customers/{customer.code}/", {"phone": "0571-1111"}, format="json", HTTP_IF_MATCH=f'W/"v999", {tag}'
    )
    assert response.status_code == 200


def test_the_schema_is_for_signed_in_users(client, rep, api_for):
    assert client.get("/api/schema/").status_code == 401
    response = api_for(rep).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Dossier CRM API"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_send_anonymous_visitors_to_the_login_page(path, client):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
