"""DOMAIN §2.1 on the database: every path that refreshes the credit profile keeps the classes current (order
placed, released, payment, an opportunity recorded, the nightly recompute), and a credit manager's core pin."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit import services, tasks
from credit.models import CreditProfile
from credit.rules import classification
from crm import roles
from customers import classifications
from customers import services as customer_services
from customers.models import ChangeRecord, Interaction
from tests.factories import make_customer, place_order

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
D = Decimal


@pytest.fixture
def buyer(rep):
    return make_customer(owner=rep, name="Buyer Co", size="small")


@pytest.fixture
def credit_manager(make_user):
    return make_user(roles.CREDIT_MANAGER, username="cm")


@pytest.fixture
def integration(make_user):
    return make_user(roles.INTEGRATION, username="erp")


def _classes(customer) -> tuple:
    p = CreditProfile.objects.get(customer=customer)
    return p.time_class, p.process_class, p.volume_class, p.is_core


def _order(customer, by, amount, *, days_ago=10, **kwargs):
    day = TODAY - timedelta(days=days_ago)
    return place_order(customer, by=by, amount=amount, order_date=day, today=TODAY, **kwargs)


@pytest.mark.parametrize(
    ("rule", "choices"),
    [
        (classification.TimeClass, classifications.TimeClass),
        (classification.ProcessClass, classifications.ProcessClass),
        (classification.VolumeClass, classifications.VolumeClass),
        (classification.CorePin, classifications.CorePinState),
    ],
)
def test_the_rule_and_the_stored_choices_have_the_same_codes(rule, choices):
    assert [c.value for c in rule] == list(choices.values)


def test_a_first_order_on_hold_is_upcoming_and_its_release_makes_a_new_current_customer(buyer, rep, credit_manager):
    """§2.1: no order yet but one awaiting a credit decision is upcoming; released (open), the customer is new and
    current; tier C purchases make it general."""
    held = _order(buyer, rep, 1000)
    assert _classes(buyer) == ("future", "upcoming", "scattered", False)
    services.order_transition(order=held, action="release", by=credit_manager, today=TODAY)
    assert _classes(buyer) == ("new", "current", "general", False)


def test_the_nightly_recompute_turns_new_into_old_and_current_into_past(buyer, integration):
    """§2.1 by time and process change as days pass: the nightly job derives them again."""
    _order(buyer, integration, 250_000, days_ago=300, historical=True)
    assert _classes(buyer) == ("new", "lapsing", "general", False)
    assert tasks.credit_recompute((TODAY + timedelta(days=70)).isoformat()) >= 1
    assert _classes(buyer) == ("old", "past", "scattered", False)


def test_a_payment_refreshes_the_classes_too(buyer, integration):
    """Any profile refresh (here a payment) derives the classes as of its day."""
    _order(buyer, integration, 1000, days_ago=100, historical=True)
    CreditProfile.objects.filter(customer=buyer).update(process_class="none")
    services.payment_record(customer=buyer, paid_on=TODAY, amount=D(1000), by=integration, today=TODAY)
    assert _classes(buyer)[1] == "lapsing"


@pytest.mark.parametrize(
    ("kind", "process"),
    [
        pytest.param(Interaction.Kind.TECHNICAL_REQUIREMENT, "upcoming", id="technical-requirement-upcoming"),
        pytest.param(Interaction.Kind.PROMOTION_RESPONSE, "upcoming", id="promotion-response-upcoming"),
    ],
)
def test_an_opportunity_recorded_makes_a_customer_upcoming(
    buyer, rep, kind, process, django_capture_on_commit_callbacks
):
    """§2.1 upcoming: a technical requirement or a promotion response recorded for a customer without orders."""
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.interaction_record(
            customer=buyer, kind=kind, occurred_on=TODAY - timedelta(days=3), subject="DN300", by=rep, today=TODAY
        )
    assert _classes(buyer)[1] == process


def test_a_visit_report_opens_no_opportunity(buyer, rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        customer_services.interaction_record(
            customer=buyer, kind=Interaction.Kind.VISIT_REPORT, occurred_on=TODAY, subject="visit", by=rep, today=TODAY
        )
    assert callbacks == []
    assert not CreditProfile.objects.filter(customer=buyer).exists()


def test_a_credit_manager_pins_core_with_a_reason_and_it_is_in_the_history(buyer, credit_manager):
    """§2.1 "a credit manager may pin it": pinned core without the purchases; the rule's answer is kept beside it;
    the dossier's history names the change; back to automatic, the rule decides again."""
    services.core_pin_set(customer=buyer, state="core", reason="Strategic account", by=credit_manager, today=TODAY)
    profile = CreditProfile.objects.get(customer=buyer)
    assert (profile.is_core, profile.computed_core, profile.core_pinned) == (True, False, True)
    change = ChangeRecord.objects.get(customer=buyer, field="core_pin")
    assert (change.old, change.new, change.by) == ("auto", "core", credit_manager)
    services.core_pin_set(customer=buyer, state="auto", reason="Back to the rule", by=credit_manager, today=TODAY)
    profile.refresh_from_db()
    assert (profile.is_core, profile.core_pinned) == (False, False)
    assert [p.state for p in buyer.core_pins.all()] == ["auto", "core"]


def test_a_pin_to_ordinary_holds_against_the_purchases(buyer, integration, credit_manager):
    _order(buyer, integration, 300_000, historical=True)
    assert _classes(buyer)[3] is True
    services.core_pin_set(customer=buyer, state="ordinary", reason="Winding down", by=credit_manager, today=TODAY)
    assert _classes(buyer) == ("new", "current", "key", False)
    # the pin survives every later refresh, the nightly one included
    tasks.credit_recompute(TODAY.isoformat())
    assert CreditProfile.objects.get(customer=buyer).computed_core is True
    assert _classes(buyer)[3] is False


@pytest.mark.parametrize(
    ("who", "state", "reason", "error"),
    [
        pytest.param("rep", "core", "because", services.NotAllowed, id="a-rep-may-not"),
        pytest.param("cm", "core", "  ", services.CreditError, id="no-reason"),
        pytest.param("cm", "vip", "because", services.CreditError, id="unknown-state"),
    ],
)
def test_a_pin_is_refused_without_the_role_a_reason_or_a_known_state(
    buyer, rep, credit_manager, who, state, reason, error
):
    by = rep if who == "rep" else credit_manager
    with pytest.raises(error):
        services.core_pin_set(customer=buyer, state=state, reason=reason, by=by, today=TODAY)
    assert not buyer.core_pins.exists()


def test_the_windows_are_the_credit_policys_numbers(buyer, integration, credit_manager):
    """DOMAIN opening: every §2.1 number is a policy setting; a shorter current window takes effect at the next
    refresh (here the nightly one)."""
    _order(buyer, integration, 1000, days_ago=40, historical=True)
    assert _classes(buyer)[1] == "current"
    services.credit_policy_update(values={"current_customer_days": 30}, note="tighter", by=credit_manager)
    tasks.credit_recompute(TODAY.isoformat())
    assert _classes(buyer)[1] == "lapsing"
