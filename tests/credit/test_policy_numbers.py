"""DOMAIN opening: every number is a setting a credit manager changes, with history. Each test edits one number
through ``credit_policy_update`` (as the policy page does) and sees the behaviour and the words follow."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from credit import services as credit_services
from credit.models import CreditPolicyVersion, CreditProfile, reason_texts
from credit.selectors import policy_current
from credit.services import reminders as credit_reminders
from crm import roles
from crm.models import Reminder
from customers import tasks
from customers.models import ReviewState
from tests.factories import APPROVAL_NOTE as NOTE
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


@pytest.fixture
def credit_manager(make_user):
    return make_user(roles.CREDIT_MANAGER, username="cm")


@pytest.fixture
def set_policy(credit_manager):
    def set_(**values):
        return credit_services.credit_policy_update(values=values, note="test", by=credit_manager)

    return set_


def _due_in(customer, days: int) -> None:
    ReviewState.objects.filter(customer=customer).update(next_review_due=TODAY + timedelta(days=days))


def test_review_reminder_horizon_follows_the_policy_domain_7(rep, set_policy):
    """§7: review reminders 14 days ahead by default; set to 10, a review due in 12 days waits, one in 10 not."""
    customer = make_customer(owner=rep, name="Soon")
    _due_in(customer, 12)
    assert tasks.review_reminders(TODAY.isoformat()) == 1
    Reminder.objects.all().delete()
    set_policy(review_reminder_days=10)
    assert tasks.review_reminders(TODAY.isoformat()) == 0
    _due_in(customer, 10)
    assert tasks.review_reminders(TODAY.isoformat()) == 1


def test_new_dossier_first_review_follows_the_policy_domain_7(rep, set_policy, django_capture_on_commit_callbacks):
    """§7: a new dossier (not core) is first due the policy's interval for other customers after its creation."""
    set_policy(review_days_other=90)
    with django_capture_on_commit_callbacks(execute=True):
        customer = make_customer(owner=rep, name="Fresh")
    assert ReviewState.objects.get(customer=customer).next_review_due == TODAY + timedelta(days=90)


def test_staleness_scan_uses_the_policy_intervals_and_limit_warning_domain_7(rep, set_policy):
    """§7: the scan task takes the intervals and the limit warning days from the policy in force."""
    customer = make_customer(owner=rep, name="Scanned")
    CreditProfile.objects.create(customer=customer, limit_valid_until=TODAY + timedelta(days=40))
    tasks.staleness_scan(TODAY.isoformat())
    state = ReviewState.objects.get(customer=customer)
    assert (state.next_review_due, state.is_stale) == (TODAY + timedelta(days=180), False)
    set_policy(review_days_other=120, limit_warning_days=45)
    tasks.staleness_scan(TODAY.isoformat())
    state.refresh_from_db()
    assert (state.next_review_due, state.is_stale) == (TODAY + timedelta(days=120), True)


def test_birthday_horizon_follows_the_policy_domain_7(customer, set_policy):
    """§7 birthdays: 7 days ahead by default; set to 3, a birthday in 5 days is not reminded yet."""
    contact = customer.contacts.get()
    contact.birthday = date(1980, 11, 27)
    contact.save()
    set_policy(birthday_reminder_days=3)
    assert tasks.birthday_reminders(TODAY.isoformat()) == 0
    set_policy(birthday_reminder_days=5)
    assert tasks.birthday_reminders(TODAY.isoformat()) == 1


def _limit_until(customer, make_user, until: date):
    analyst, manager = make_user(roles.CREDIT_ANALYST, username="a"), make_user(roles.CREDIT_MANAGER, username="m")
    start = until - timedelta(days=policy_current().limit_valid_days)
    request = credit_services.credit_limit_request_create(
        customer=customer, amount=Decimal(9000), reason="x", by=analyst, today=start
    )
    credit_services.credit_limit_approve(request=request, by=manager, today=start, note=NOTE)


def test_limit_expiry_horizon_follows_the_policy_domain_7(rep, make_user, set_policy):
    """§7: limit expiry reminders 30 days ahead by default; set to 10, a limit ending in 20 days waits."""
    customer = make_customer(owner=rep, name="Limited")
    _limit_until(customer, make_user, TODAY + timedelta(days=20))
    set_policy(limit_reminder_days=10)
    assert credit_reminders.limit_reminders(today=TODAY) == 0
    set_policy(limit_reminder_days=20)
    assert credit_reminders.limit_reminders(today=TODAY) == 1


def test_credit_report_horizon_follows_the_policy_domain_7(customer, rep, set_policy):
    """§7: credit-report expiry reminders 30 days ahead by default; set to 10, one ending in 20 days waits."""
    from customers import services  # the dossier write path, beside credit's own services

    services.credit_document_add(
        customer=customer,
        values={
            "doc_type": "credit_report",
            "title": "Agency report",
            "source": "credit_agency",
            "obtained_on": TODAY - timedelta(days=100),
            "issued_on": TODAY - timedelta(days=100),
            "valid_until": TODAY + timedelta(days=20),
        },
        by=rep,
        today=TODAY,
    )
    set_policy(credit_report_reminder_days=10)
    assert credit_reminders.credit_report_reminders(today=TODAY) == 0
    set_policy(credit_report_reminder_days=30)
    assert credit_reminders.credit_report_reminders(today=TODAY) == 1


def test_reorder_grace_follows_the_policy_domain_8(rep, make_user, set_policy):
    """§8: grace = max(7 days, 20% of the cycle); with at least 90 days of grace a 30-day buyer is not late yet."""
    erp = make_user(roles.INTEGRATION, username="erp")
    customer = make_customer(owner=rep, name="Regular")
    for order_date in (date(2026, 7, 1), date(2026, 7, 31), date(2026, 8, 30)):
        credit_services.order_place(
            customer=customer,
            lines=[credit_services.OrderLineInput("M8317", Decimal(1), Decimal(100))],
            order_date=order_date,
            due_date=order_date + timedelta(days=30),
            by=erp,
            today=TODAY,
            historical=True,
        )
    set_policy(reorder_grace_min_days=90)
    assert credit_reminders.reorder_reminders(today=TODAY) == 0
    set_policy(reorder_grace_min_days=7)
    assert credit_reminders.reorder_reminders(today=TODAY) == 1


def _review_due(page) -> int:
    tiles = {tile.key: tile for role in page.context["roles"] for panel in role.panels for tile in panel.tiles}
    return tiles["review-due"].count


def test_dashboards_say_the_policy_windows(rep, make_user, client_for, set_policy):
    """The rep's dashboard counts and names reviews due within the policy's window; the credit dashboard names
    its limit window; both in words that follow an edit."""
    customer = make_customer(owner=rep, name="Due in 12")
    _due_in(customer, 12)
    page = client_for(rep).get(reverse("dashboard"))
    assert _review_due(page) == 1
    assert "Reviews due within 14 days" in page.content.decode()
    set_policy(dashboard_review_days=10, dashboard_limit_days=45)
    page = client_for(rep).get(reverse("dashboard"))
    assert _review_due(page) == 0
    assert "Reviews due within 10 days" in page.content.decode()
    assert "No review is due in the next 10 days." in page.content.decode()
    credit_page = client_for(make_user(roles.CREDIT_MANAGER, username="cm2")).get(reverse("credit_dashboard"))
    assert "Limits expiring within 45 days" in credit_page.content.decode()


def test_reason_texts_say_the_policy_numbers_domain_6_1(set_policy):
    """§6.1: the reasons behind a recommendation name the factor and shares in force, not the defaults."""
    reasons = ["risk_moderate", "capped_by_net_worth", "grade_yi"]
    assert reason_texts(reasons, policy_current().as_rule()) == [
        "moderate risk: factor 1.2",
        "capped at 10% of net worth",
        "grade 乙: 80% of the recommendation",
    ]
    set_policy(
        factor_moderate=Decimal("1.1"), capacity_share_of_net_worth=Decimal("0.15"), yi_limit_factor=Decimal("0.7")
    )
    assert reason_texts(reasons, policy_current().as_rule()) == [
        "moderate risk: factor 1.1",
        "capped at 15% of net worth",
        "grade 乙: 70% of the recommendation",
    ]


def test_policy_page_shows_and_saves_the_new_numbers(credit_manager, client_for):
    """The policy page edits every number; a save is a new version and the old one stays as history."""
    client = client_for(credit_manager)
    form = client.get(reverse("credit_policy")).context["form"]
    for name in ("review_reminder_days", "dashboard_review_days", "reorder_grace_share", "capital_debt_ratio_10"):
        assert name in form.fields
    data = {name: form[name].value() for name in form.fields if name != "note"}
    response = client.post(reverse("credit_policy"), data | {"review_reminder_days": "10", "note": "shorter"})
    assert response.status_code == 302
    versions = list(CreditPolicyVersion.objects.order_by("id").values_list("review_reminder_days", flat=True))
    assert versions == [14, 10]


def test_policy_page_refuses_unordered_5c_cut_offs(credit_manager, client_for):
    client = client_for(credit_manager)
    form = client.get(reverse("credit_policy")).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "note"}
    response = client.post(reverse("credit_policy"), data | {"capital_debt_ratio_10": "0.6", "note": "x"})
    assert response.status_code == 200
    assert CreditPolicyVersion.objects.count() == 1
