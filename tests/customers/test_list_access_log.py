"""DOMAIN §1: every full read of a dossier by someone who is not its owner is logged, list rows (they show
phones, USCC and figures) and the archive catalogue included: one entry per customer, one INSERT per page."""

import pytest
from django.urls import reverse

from crm.models import AccessLog
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(rep, other_rep):
    return {
        "mine": [make_customer(owner=rep, name=f"Mine {i}") for i in range(3)],
        "theirs": [make_customer(owner=other_rep, name=f"Theirs {i}") for i in range(2)],
    }


def _inserts(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]


def test_an_api_list_page_logs_each_full_row_of_a_non_owner_in_one_insert(
    book, manager, api_for, django_assert_max_num_queries
):
    client = api_for(manager)
    with django_assert_max_num_queries(12) as captured:
        response = client.get(reverse("api_customer_list"), {"page_size": 4})
    assert response.status_code == 200
    assert len(_inserts(captured)) == 1
    shown = {row["code"] for row in response.json()["results"]}
    entries = AccessLog.objects.all()
    assert {e.customer.code for e in entries} == shown
    assert {(e.user_id, e.channel, e.object_ref, e.action) for e in entries} == {
        (manager.pk, "api", "list", "dossier_read")
    }
    assert all(e.reason == "role: sales_manager" for e in entries)


def test_a_browser_list_page_logs_the_full_rows_of_a_non_owner_only(book, rep, manager, api_for, client_for):
    assert len(api_for(rep).get(reverse("api_customer_list")).json()["results"]) == 5  # own rows and masked ones
    assert client_for(rep).get(reverse("customer_list")).status_code == 200
    assert not AccessLog.objects.exists()
    response = client_for(manager).get(reverse("customer_list"))
    assert response.status_code == 200
    entries = AccessLog.objects.filter(user=manager, channel="web", object_ref="list")
    assert entries.count() == 5


def test_the_archive_catalogue_read_by_a_non_owner_is_logged(customer, rep, manager, api_for, client_for):
    assert client_for(rep).get(reverse("archive_catalogue", args=[customer.code])).status_code == 200  # the owner's
    assert api_for(manager).get(reverse("api_customer_documents", args=[customer.code])).status_code == 200
    assert client_for(manager).get(reverse("archive_catalogue", args=[customer.code])).status_code == 200
    entries = AccessLog.objects.filter(customer=customer, object_ref="catalogue")
    assert sorted(entries.values_list("user__username", "channel")) == [("manager", "api"), ("manager", "web")]
