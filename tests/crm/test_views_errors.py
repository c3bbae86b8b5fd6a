"""Errors that help (issue 14 point 4): 403/404/500 pages inside the layout that say why and offer a way back;
every refused attempt in the access log, pages and API alike; no traceback on the console for a 403."""

import logging

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from crm.api.fallback import server_error
from crm.models import AccessLog
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_rep):
    return make_customer(owner=other_rep, name="杭州东方化工有限公司")


def test_403_on_another_reps_dossier_is_a_page_in_the_layout_and_is_logged(client_for, rep, theirs):
    url = reverse("section_edit", args=[theirs.code, "basic"])
    response = client_for(rep).get(url)
    page = response.content.decode()
    assert response.status_code == 403
    assert "You may not open this page" in page
    assert reverse("customer_list") in page  # the header's menu and the way back
    assert 'data-testid="way-back"' in page
    entry = AccessLog.objects.get()
    assert (entry.user, entry.customer, entry.action, entry.channel, entry.object_ref) == (
        rep,
        theirs,
        "access_denied",
        "web",
        url,
    )


@pytest.mark.parametrize("page", ["credit_approvals", "credit_policy", "access_log"])  # a rep sees own held orders
def test_a_rep_refused_the_managers_pages_leaves_an_entry_without_a_customer(client_for, rep, page):
    response = client_for(rep).get(reverse(page))
    assert response.status_code == 403
    entry = AccessLog.objects.get()
    assert (entry.user, entry.customer, entry.action, entry.object_ref) == (
        rep,
        None,
        "access_denied",
        reverse(page),
    )
    assert entry.reason == "role: sales"


def test_the_access_log_page_shows_refused_attempts_with_and_without_a_customer(
    client_for, rep, manager, theirs, make_user
):
    client_for(rep).get(reverse("credit_approvals"))
    client_for(rep).get(reverse("section_edit", args=[theirs.code, "basic"]))
    log = client_for(manager).get(reverse("access_log"), {"action": "access_denied"})
    page = log.content.decode()
    assert log.status_code == 200
    assert page.count("Access refused") >= 2
    assert reverse("credit_approvals") in page
    assert theirs.code in page
    csv = client_for(manager).get(reverse("access_log"), {"action": "access_denied", "format": "csv"})
    assert b"/credit/approvals/" in b"".join(csv.streaming_content)


def test_api_refusal_on_another_reps_customer_is_logged_once(api_for, rep, theirs):
    response = api_for(rep).get(f"/api/v1/customers/{theirs.code}/credit/")
    assert response.status_code == 403
    entry = AccessLog.objects.get()
    assert (entry.user, entry.customer, entry.channel, entry.action) == (rep, theirs, "api", "access_denied")


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_not_logged(client, theirs):
    response = client.get(reverse("section_edit", args=[theirs.code, "basic"]))
    assert response.status_code == 302
    assert not AccessLog.objects.exists()


def test_404_is_a_page_in_the_layout_with_a_way_back(client_for, rep):
    response = client_for(rep).get("/customers/NO-SUCH-CODE/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "This page does not exist" in page
    assert 'data-testid="way-back"' in page
    assert "Sign out" in page  # inside the layout, header and all


def test_404_speaks_chinese(client_for, rep):
    client = client_for(rep)
    with translation.override("zh-hans"):
        response = client.get("/customers/NO-SUCH-CODE/", headers={"accept-language": "zh-hans"})
    assert "此页面不存在" in response.content.decode()


@pytest.mark.django_db(databases=[])
def test_500_renders_without_a_request_context_or_the_database():
    """Django renders 500.html with no context; the database may be the very thing that failed (no access here:
    the test has no database, any query would fail it)."""
    response = server_error(RequestFactory().get("/customers/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert 'data-testid="way-back"' in page
    assert "csrfmiddlewaretoken" not in page  # no language form that could not be posted


def test_500_under_api_stays_json():
    response = server_error(RequestFactory().get("/api/v1/customers/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"


def test_403_logs_one_line_without_a_traceback(client_for, rep, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client_for(rep).get(reverse("credit_approvals"))
    forbidden = [r for r in caplog.records if r.name == "django.request" and getattr(r, "status_code", 0) == 403]
    assert forbidden
    assert all(r.exc_info is None for r in forbidden)
    assert "Forbidden" in forbidden[0].getMessage()
