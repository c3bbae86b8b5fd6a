"""No GET writes (issue 10 §3): pages and API reads of a dossier and its credit profile change nothing.

The one write a read makes on purpose is the access-log row of a full read by a non-owner (DOMAIN §1): it is the
record of the read itself. Every other INSERT, UPDATE or DELETE during a GET is a bug — in particular the credit
profile is not recomputed and stored by a read; writes and the nightly job keep it fresh.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credit import services
from credit.models import CreditHistory, CreditProfile
from crm import roles

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
ACCESS_LOG_INSERT = re.compile(r'^\s*INSERT INTO "crm_accesslog"', re.IGNORECASE)

DOSSIER_PAGES = ["customer_detail", "customer_credit", "credit_limit_request", "interaction_list", "customer_history"]
DOSSIER_APIS = [
    "api_customer_detail",
    "api_credit_profile",
    "api_order_list",
    "api_payment_list",
    "api_assessment_list",
    "api_limit_request_list",
    "api_contact_list",
    "api_customer_history",
    "api_interaction_list",
]
LIST_PAGES = ["customer_list", "dashboard", "credit_dashboard", "credit_approvals", "credit_holds", "credit_policy"]


@pytest.fixture
def trading_customer(customer, make_user):
    """A customer with a paid historical order and no stored profile, as after an import the nightly job has not
    seen yet: a read must compute its profile without storing it."""
    today = timezone.localdate()
    erp = make_user(roles.INTEGRATION, username="erp")
    services.order_place(
        customer=customer,
        lines=[services.OrderLineInput("Gate valve", Decimal(2), Decimal("50000.00"))],
        order_date=today - timedelta(days=60),
        due_date=today - timedelta(days=30),
        by=erp,
        today=today,
        historical=True,
    )
    CreditProfile.objects.filter(customer=customer).delete()
    CreditHistory.objects.filter(customer=customer).delete()
    return customer


def _writes(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if WRITE.match(query["sql"])]


def _assert_only_the_access_log_written(captured: CaptureQueriesContext, *, logged: int) -> None:
    writes = _writes(captured)
    assert [sql for sql in writes if not ACCESS_LOG_INSERT.match(sql)] == []
    assert len(writes) == logged


@pytest.mark.parametrize("name", DOSSIER_PAGES)
@pytest.mark.parametrize(("who", "logged"), [("owner", 0), ("manager", 1)])
def test_a_dossier_page_writes_nothing_but_its_access_log(name, who, logged, trading_customer, manager, client_for):
    client = client_for(trading_customer.owner if who == "owner" else manager)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=[trading_customer.code]))
    assert response.status_code == 200
    _assert_only_the_access_log_written(captured, logged=0 if name == "credit_limit_request" else logged)
    assert not CreditProfile.objects.exists()


@pytest.mark.parametrize("name", DOSSIER_APIS)
@pytest.mark.parametrize(("who", "logged"), [("owner", 0), ("manager", 1)])
def test_a_dossier_api_read_writes_nothing_but_its_access_log(name, who, logged, trading_customer, manager, api_for):
    client = api_for(trading_customer.owner if who == "owner" else manager)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=[trading_customer.code]))
    assert response.status_code == 200
    _assert_only_the_access_log_written(captured, logged=logged)
    assert not CreditProfile.objects.exists()


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_write_nothing(name, trading_customer, make_user, client_for):
    client = client_for(make_user(roles.CREDIT_MANAGER, username="cm"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name))
    assert response.status_code == 200
    # the customer list logs the full rows it shows a non-owner (DOMAIN §1), in one INSERT
    _assert_only_the_access_log_written(captured, logged=1 if name == "customer_list" else 0)


def test_a_missing_profile_is_computed_as_the_engine_would_store_it(trading_customer, manager, api_for):
    client = api_for(manager)
    url = reverse("api_credit_profile", args=[trading_customer.code])
    computed = client.get(url).json()
    assert computed["trailing_12m_purchases"] == "100000.00"
    assert not CreditProfile.objects.exists()
    services.credit_profile_refresh(customer=trading_customer, today=timezone.localdate())
    assert client.get(url).json() == computed


def test_the_page_shows_the_stored_profile_not_a_recomputed_one(trading_customer, manager, client_for):
    """A read shows what was stored; it is the writes and the nightly job that bring it up to date."""
    services.credit_profile_refresh(customer=trading_customer, today=timezone.localdate())
    CreditProfile.objects.filter(customer=trading_customer).update(tier="A")
    page = client_for(manager).get(reverse("customer_credit", args=[trading_customer.code]))
    assert page.context["profile"].tier == "A"
    assert CreditProfile.objects.get(customer=trading_customer).tier == "A"
