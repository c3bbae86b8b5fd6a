"""DOMAIN §2.1 classes in the API: filters of ``GET /api/v1/customers/``, fields of the full customer and of the
credit profile, never on a masked customer."""

import pytest
from django.urls import reverse

from credit.models import CreditProfile
from crm import roles
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
CLASS_FIELDS = {"time_class", "process_class", "volume_class", "is_core", "core_pinned"}


def _profile(customer, **classes):
    CreditProfile.objects.update_or_create(customer=customer, defaults=classes)


@pytest.fixture
def book(rep, other_rep):
    key = make_customer(owner=rep, name="Key Valve")
    _profile(key, time_class="old", process_class="current", volume_class="key", is_core=True, core_pinned=True)
    coming = make_customer(owner=rep, name="Coming Pump")
    _profile(coming, time_class="future", process_class="upcoming", volume_class="scattered")
    make_customer(owner=rep, name="Unseen Steel")  # no credit profile yet
    theirs = make_customer(owner=other_rep, name="Their Key")
    _profile(theirs, time_class="old", process_class="current", volume_class="key", is_core=True)
    return key


def _names(client, **params) -> list[str]:
    response = client.get(reverse("api_customer_list"), params)
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


@pytest.mark.parametrize(
    ("params", "names"),
    [
        pytest.param({"time_class": "old"}, ["Key Valve", "Their Key"], id="time_class-old"),
        pytest.param({"time_class": "future"}, ["Coming Pump", "Unseen Steel"], id="time_class-future"),
        pytest.param({"process_class": "upcoming"}, ["Coming Pump"], id="process_class-upcoming"),
        pytest.param({"process_class": "none"}, ["Unseen Steel"], id="process_class-none-without-profile"),
        pytest.param({"volume_class": "key"}, ["Key Valve", "Their Key"], id="volume_class-key"),
        pytest.param({"is_core": "true"}, ["Key Valve", "Their Key"], id="is_core-true"),
        pytest.param({"is_core": "false"}, ["Coming Pump", "Unseen Steel"], id="is_core-false"),
        pytest.param({"volume_class": "key", "process_class": "past"}, [], id="combined-none"),
    ],
)
def test_a_manager_filters_every_customer_by_class(book, manager, api_for, params, names):
    assert _names(api_for(manager), **params) == names


def test_a_rep_filters_only_own_customers_by_class(book, rep, api_for):
    """DOMAIN §1: a class is a hidden field; a rep's filter finds only the customers the rep sees in full."""
    assert _names(api_for(rep), volume_class="key") == ["Key Valve"]
    assert _names(api_for(rep), is_core="true") == ["Key Valve"]


@pytest.mark.parametrize(
    "params",
    [
        {"time_class": "ancient"},
        {"process_class": "CURRENT"},
        {"volume_class": "A"},
        {"is_core": "maybe"},
        {"is_stale": "2"},
    ],
)
def test_an_unknown_class_is_a_400(book, rep, api_for, params):
    response = api_for(rep).get(reverse("api_customer_list"), params)
    assert response.status_code == 400
    assert set(response.json()) & set(params)


def test_the_full_customer_carries_its_classes_and_the_masked_one_none(book, rep, api_for):
    rows = {row["name"]: row for row in api_for(rep).get(reverse("api_customer_list")).json()["results"]}
    assert {name: rows["Key Valve"][name] for name in CLASS_FIELDS} == {
        "time_class": "old",
        "process_class": "current",
        "volume_class": "key",
        "is_core": True,
        "core_pinned": True,
    }
    assert {name: rows["Unseen Steel"][name] for name in CLASS_FIELDS} == {
        "time_class": "future",
        "process_class": "none",
        "volume_class": "scattered",
        "is_core": False,
        "core_pinned": False,
    }
    assert rows["Their Key"]["masked"] is True
    assert not CLASS_FIELDS & set(rows["Their Key"])


def test_one_dossier_carries_its_classes_too(book, rep, other_rep, api_for):
    url = reverse("api_customer_detail", args=[book.code])
    assert api_for(rep).get(url).json()["volume_class"] == "key"
    masked = api_for(other_rep).get(url).json()
    assert masked["masked"] is True
    assert not CLASS_FIELDS & set(masked)


def test_the_credit_profile_says_the_classes_in_words(book, make_user, api_for):
    client = api_for(make_user(roles.CREDIT_MANAGER, username="cm"))
    body = client.get(reverse("api_credit_profile", args=[book.code])).json()
    assert (body["time_class"], body["process_class"], body["volume_class"]) == ("old", "current", "key")
    assert (body["is_core"], body["core_pinned"]) == (True, True)
    assert body["volume_class_display"] == "Key customer"


def test_the_list_query_count_stays_constant_with_classes(rep, api_for, django_assert_max_num_queries):
    client = api_for(rep)
    for index in range(3):
        _profile(make_customer(owner=rep, name=f"A{index}"), time_class="new")
    # the token and the roles (3), the page, its contacts, and by the page's ids its sections, credit profile and
    # review state, one query per table (6)
    with django_assert_max_num_queries(11) as few:
        client.get(reverse("api_customer_list"), {"page_size": 3, "time_class": "new"})
    for index in range(30):
        _profile(make_customer(owner=rep, name=f"B{index}"), time_class="new", is_core=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("api_customer_list"), {"page_size": 33, "time_class": "new"})
