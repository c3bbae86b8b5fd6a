"""Every page reads staleness from the one stored result of the staleness scan (DOMAIN §7): the list badge, the
dossier badge, the list filter, the API filter and the dashboard agree with the rule, whatever the cause."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from credit.models import CreditProfile
from customers.models import ReviewState
from customers.rules.review import ReviewPolicy
from customers.services.review_state import dossier_staleness_scan
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


@pytest.fixture
def dossiers(rep):
    with time_machine.travel("2026-04-01 10:00 +0800", tick=False):
        overdue = make_customer(owner=rep, name="Overdue Co")
    no_report = make_customer(owner=rep, name="No Report Co", size="medium")
    CreditProfile.objects.create(
        customer=no_report, credit_limit=Decimal(80_000), limit_valid_until=TODAY + timedelta(days=200)
    )
    fresh = make_customer(owner=rep, name="Fresh Co")
    dossier_staleness_scan(today=TODAY, policy=ReviewPolicy())
    return {"overdue": overdue, "no_report": no_report, "fresh": fresh}


def _stale_badge(response) -> bool:
    return ">Stale</span>" in response.content.decode()


def test_pages_and_filters_show_the_scans_verdict_for_every_cause(dossiers, rep, client_for, api_for):
    client = client_for(rep)
    stale_codes = {dossiers["overdue"].code, dossiers["no_report"].code}
    listed = client.get(reverse("customer_list"), {"stale": "1"})
    assert {c.code for c in listed.context["page"]} == stale_codes
    assert listed.content.decode().count(">Stale</span>") == 2
    api = api_for(rep).get(reverse("api_customer_list"), {"is_stale": "true"}).json()["results"]
    assert {row["code"] for row in api} == stale_codes
    for key, customer in dossiers.items():
        page = client.get(reverse("customer_detail", args=[customer.code]))
        assert _stale_badge(page) is (key != "fresh"), key


def test_the_pages_follow_the_stored_state_not_a_date_of_their_own(dossiers, rep, client_for):
    """The scan is the one definition: a dossier it found not stale is not shown stale by a page deriving
    staleness again from one of its causes (and the reverse)."""
    ReviewState.objects.filter(customer=dossiers["overdue"]).update(is_stale=False)
    ReviewState.objects.filter(customer=dossiers["fresh"]).update(is_stale=True)
    client = client_for(rep)
    listed = client.get(reverse("customer_list"), {"stale": "1"}).context["page"]
    assert {c.code for c in listed} == {dossiers["fresh"].code, dossiers["no_report"].code}
    assert not _stale_badge(client.get(reverse("customer_detail", args=[dossiers["overdue"].code])))
