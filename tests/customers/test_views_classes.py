"""DOMAIN §2.1 classes where a user sees them: the customer list (filters and a column), the dossier header, the
credit tab with the core pin, and the API list and dossier (filters, fields, never on a masked row)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from credit.models import CorePin, CreditProfile
from crm import roles
from tests.factories import make_customer, place_order

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def _profile(customer, **classes):
    CreditProfile.objects.update_or_create(customer=customer, defaults=classes)


@pytest.fixture
def book(rep):
    """A key core customer of long standing, one that lapsed, and one the credit engine has not seen yet."""
    key = make_customer(owner=rep, name="Key Valve")
    _profile(key, time_class="old", process_class="current", volume_class="key", is_core=True, tier="A")
    lapsed = make_customer(owner=rep, name="Lapsed Pump")
    _profile(lapsed, time_class="old", process_class="past", volume_class="scattered", is_core=False)
    fresh = make_customer(owner=rep, name="Fresh Steel")
    return {"key": key, "lapsed": lapsed, "fresh": fresh}


def _names(response) -> list[str]:
    return sorted(row.customer.name for row in response.context["rows"])


@pytest.mark.parametrize(
    ("params", "names"),
    [
        pytest.param({"time_class": "old"}, ["Key Valve", "Lapsed Pump"], id="time-old"),
        pytest.param({"time_class": "future"}, ["Fresh Steel"], id="time-future-finds-a-customer-without-profile"),
        pytest.param({"process_class": "past"}, ["Lapsed Pump"], id="process-past"),
        pytest.param({"process_class": "none"}, ["Fresh Steel"], id="process-none"),
        pytest.param({"volume_class": "key"}, ["Key Valve"], id="volume-key"),
        pytest.param({"volume_class": "scattered"}, ["Fresh Steel", "Lapsed Pump"], id="volume-scattered"),
        pytest.param({"is_core": "1"}, ["Key Valve"], id="core"),
        pytest.param({"is_core": "0"}, ["Fresh Steel", "Lapsed Pump"], id="ordinary"),
        pytest.param({"time_class": "old", "is_core": "0"}, ["Lapsed Pump"], id="old-and-ordinary"),
    ],
)
def test_the_browser_list_filters_by_the_classes(book, rep, client_for, params, names):
    """§2.1 classes as list filters, combined with each other like every other filter."""
    response = client_for(rep).get(reverse("customer_list"), params)
    assert response.status_code == 200
    assert _names(response) == names


def test_the_browser_list_shows_the_classes_in_words_in_both_languages(book, rep, client_for):
    client = client_for(rep)
    page = client.get(reverse("customer_list"), {"volume_class": "key"}).content.decode()
    assert "Long-standing customer" in page
    assert "In business now" in page
    assert "Key customer" in page
    assert "Core customer" in page
    with translation.override("zh-hans"):
        page = client.get(reverse("customer_list"), {"volume_class": "key"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "老客户" in text
    assert "主力客户" in text
    assert "核心客户" in text


def test_an_unknown_class_in_the_browser_filter_is_ignored_not_an_error(book, rep, client_for):
    response = client_for(rep).get(reverse("customer_list"), {"time_class": "ancient"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3


def test_the_list_query_count_stays_constant_with_classes(rep, client_for, django_assert_max_num_queries):
    client = client_for(rep)
    for index in range(3):
        _profile(make_customer(owner=rep, name=f"Few {index}"), time_class="new", volume_class="general")
    with django_assert_max_num_queries(11) as few:  # as tests/customers/test_views.py counts them
        client.get(reverse("customer_list"), {"process_class": "none"})
    for index in range(30):
        _profile(make_customer(owner=rep, name=f"Many {index}"), time_class="old", is_core=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("customer_list"), {"process_class": "none"})


def test_the_dossier_header_shows_the_classes_to_who_may_see_it(book, rep, other_rep, client_for):
    url = reverse("customer_detail", args=[book["key"].code])
    page = client_for(rep).get(url).content.decode()
    assert 'data-testid="classes"' in page
    assert "Key customer" in page
    masked = client_for(other_rep).get(url).content.decode()
    assert 'data-testid="classes"' not in masked
    assert "Key customer" not in masked


def test_a_credit_manager_pins_core_on_the_credit_tab(book, rep, make_user, client_for):
    """§2.1: the pin form sits on the credit tab; the tab then says core, pinned, and what the rule says."""
    manager = make_user(roles.CREDIT_MANAGER, username="cm")
    client = client_for(manager)
    customer = book["fresh"]
    tab = client.get(reverse("customer_credit", args=[customer.code])).content.decode()
    assert 'name="pin-state"' in tab
    response = client.post(
        reverse("credit_core_pin", args=[customer.code]), {"pin-state": "core", "pin-reason": "Strategic project"}
    )
    assert response.status_code == 302
    tab = client.get(reverse("customer_credit", args=[customer.code])).content.decode()
    assert "Core customer" in tab
    assert "pinned" in tab
    assert "Strategic project" in tab
    history = client.get(reverse("customer_detail", args=[customer.code])).content.decode()
    assert "Core pin" in history  # the dossier's history: automatic → pinned core
    assert "Pinned core" in history


def test_a_pin_without_a_reason_is_a_form_error(book, make_user, client_for):
    client = client_for(make_user(roles.CREDIT_MANAGER, username="cm"))
    url = reverse("credit_core_pin", args=[book["fresh"].code])
    response = client.post(url, {"pin-state": "core", "pin-reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not CorePin.objects.exists()


@pytest.mark.parametrize("role", [roles.SALES, roles.SALES_MANAGER, roles.CREDIT_ANALYST])
def test_only_a_credit_manager_may_pin(book, rep, make_user, client_for, role):
    user = rep if role == roles.SALES else make_user(role, username="u")
    client = client_for(user)
    url = reverse("credit_core_pin", args=[book["fresh"].code])
    assert client.post(url, {"pin-state": "core", "pin-reason": "x"}).status_code == 403
    tab = client.get(reverse("customer_credit", args=[book["fresh"].code])).content.decode()
    assert 'name="pin-state"' not in tab
    assert not CorePin.objects.exists()


def test_the_credit_tab_reflects_a_real_order(rep, make_user, client_for):
    """An order placed makes the customer new and current on the credit tab (the profile refresh sets them)."""
    customer = make_customer(owner=rep, name="Ordering Co")
    place_order(
        customer,
        by=make_user(roles.INTEGRATION, username="erp"),
        amount=1000,
        order_date=TODAY - timedelta(days=1),
        today=TODAY,
        historical=True,
    )
    tab = client_for(rep).get(reverse("customer_credit", args=[customer.code])).content.decode()
    assert "New customer" in tab
    assert "In business now" in tab
    assert "General customer" in tab
