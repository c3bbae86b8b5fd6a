"""The scheduled jobs on the database (DOMAIN §7–§8): scan, reminders, idempotence, digests, inbox."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from credit import services as credit_services
from credit.models import CreditLimit, CreditProfile
from credit.services import reminders as credit_reminders
from crm import roles
from crm.models import Reminder
from crm.services import ReminderInput, reminders_create, reminders_send_digests
from customers import services
from customers.models import ReviewState
from customers.rules.review import ReviewPolicy
from customers.services import reminders, review_state
from tests.factories import APPROVAL_NOTE, make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
POLICY = ReviewPolicy()


def _scan(today=TODAY):
    return review_state.dossier_staleness_scan(today=today, policy=POLICY, chunk=2)


@pytest.fixture
def old_customer(rep):
    with time_machine.travel("2026-04-01 10:00 +0800", tick=False):
        return make_customer(owner=rep, name="Old Co")


def test_scan_marks_overdue_dossiers_stale_and_a_review_clears_them(old_customer, rep):
    """DOMAIN §7: 180 days after creation without a review the dossier is stale."""
    assert _scan() >= 1
    old_customer.refresh_from_db()
    assert old_customer.review_state.next_review_due == date(2026, 9, 28)
    assert old_customer.review_state.is_stale is True
    services.dossier_review_record(
        customer=old_customer, sections=["basic"], notes="", by=rep, today=TODAY, policy=POLICY
    )
    _scan()
    old_customer.refresh_from_db()
    state = old_customer.review_state
    assert (state.is_stale, state.next_review_due) == (False, TODAY + timedelta(days=180))


def test_scan_twice_changes_nothing_the_second_time(old_customer, rep):
    make_customer(owner=rep, name="Fresh")
    _scan()
    assert _scan() == 0


def test_core_customers_are_reviewed_every_60_days(old_customer):
    CreditProfile.objects.create(customer=old_customer, is_core=True)
    _scan()
    old_customer.refresh_from_db()
    assert old_customer.review_state.next_review_due == date(2026, 5, 31)


def test_review_reminders_once_per_due_date_and_cleared_by_the_review(old_customer, rep):
    """DOMAIN §7: owners are reminded 14 days ahead and when overdue; never twice for the same cause."""
    _scan()
    assert reminders.review_reminders(today=TODAY, policy=POLICY) == 1
    assert reminders.review_reminders(today=TODAY, policy=POLICY) == 0
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient, reminder.customer) == ("review_overdue", rep, old_customer)
    services.dossier_review_record(
        customer=old_customer, sections=["basic"], notes="", by=rep, today=TODAY, policy=POLICY
    )
    assert Reminder.objects.get().status == "done"
    _scan()
    assert reminders.review_reminders(today=TODAY, policy=POLICY) == 0


def test_due_soon_is_reminded_14_days_ahead_not_15(rep):
    customer = make_customer(owner=rep, name="Soon")
    ReviewState.objects.filter(customer=customer).update(next_review_due=TODAY + timedelta(days=15))
    assert reminders.review_reminders(today=TODAY, policy=POLICY) == 0
    ReviewState.objects.filter(customer=customer).update(next_review_due=TODAY + timedelta(days=14))
    assert reminders.review_reminders(today=TODAY, policy=POLICY) == 1
    assert Reminder.objects.get().kind == "review_due"


def test_the_database_refuses_a_second_reminder_for_the_same_cause(rep):
    """Idempotence is enforced by a constraint, not only by a check."""
    Reminder.objects.create(kind="birthday", recipient=rep, due_on=TODAY, cause_key="x", message="m")
    with pytest.raises(IntegrityError):
        Reminder.objects.create(kind="birthday", recipient=rep, due_on=TODAY, cause_key="x", message="m")


def test_birthday_reminders_seven_days_ahead(customer, rep):
    contact = customer.contacts.get()
    contact.birthday = date(1980, 11, 29)
    contact.save()
    assert reminders.birthday_reminders(today=TODAY, policy=POLICY) == 1
    assert reminders.birthday_reminders(today=TODAY, policy=POLICY) == 0
    assert (
        reminders.birthday_reminders(today=TODAY - timedelta(days=1), policy=POLICY) == 0
    )  # eight days ahead: not yet


@pytest.mark.parametrize(
    ("today", "due_on"),
    [(date(2027, 2, 21), date(2027, 2, 28)), (date(2028, 2, 22), date(2028, 2, 29))],
    ids=["common-year-on-28-february", "leap-year-on-29-february"],
)
def test_birthday_on_29_february_is_reminded_every_year(customer, rep, today, due_on):
    """DOMAIN §7 birthdays: a contact born on 29 February is not forgotten three years out of four."""
    contact = customer.contacts.get()
    contact.birthday = date(1984, 2, 29)
    contact.save()
    assert reminders.birthday_reminders(today=today, policy=POLICY) == 1
    assert Reminder.objects.get(kind="birthday").due_on == due_on


def test_limit_expiry_reminds_and_drops_the_available_credit(rep, make_user):
    """DOMAIN §6.3, §7: 30 days ahead a reminder; after expiry another one and no credit left."""
    customer = make_customer(owner=rep, name="Limited")
    analyst, manager = make_user(roles.CREDIT_ANALYST, username="a"), make_user(roles.CREDIT_MANAGER, username="m")
    request = credit_services.credit_limit_request_create(
        customer=customer, amount=Decimal(9000), reason="x", by=analyst, today=TODAY - timedelta(days=340)
    )
    credit_services.credit_limit_approve(
        request=request, by=manager, today=TODAY - timedelta(days=340), note=APPROVAL_NOTE
    )
    assert credit_reminders.limit_reminders(today=TODAY) == 1
    assert Reminder.objects.get().kind == "limit_expiring"
    after = CreditLimit.objects.get().valid_until + timedelta(days=1)
    assert credit_reminders.limit_reminders(today=after) == 1
    profile = CreditProfile.objects.get(customer=customer)
    assert (profile.credit_limit, profile.available_credit) == (None, Decimal(0))
    assert credit_reminders.limit_reminders(today=after) == 0


def test_reorder_reminder_once_per_cycle(rep, make_user):
    """DOMAIN §8 (M8317): three monthly orders, then silence past cycle + grace: one reminder."""
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
    assert credit_reminders.reorder_reminders(today=TODAY) == 1
    assert credit_reminders.reorder_reminders(today=TODAY) == 0
    assert "M8317" in Reminder.objects.get(kind="reorder").message


def test_digest_sends_one_email_per_user_and_never_twice(rep, other_rep):
    rows = [
        ReminderInput("birthday", user.pk, TODAY, f"k{n}", f"message {n}")
        for n, user in enumerate([rep, rep, other_rep])
    ]
    reminders_create(rows)
    assert reminders_send_digests() == 2
    assert sorted(len(m.body.splitlines()) for m in mail.outbox) == [1, 2]
    assert reminders_send_digests() == 0
    assert len(mail.outbox) == 2


def test_a_digest_run_killed_midway_finishes_on_the_next_run(rep, other_rep, monkeypatch):
    """A crash after the first e-mail: the rerun sends the rest, and nobody gets a reminder twice."""
    reminders_create([ReminderInput("birthday", u.pk, TODAY, f"k{u.pk}", "m") for u in (rep, other_rep)])
    from django.core.mail import EmailMessage

    original, calls = EmailMessage.send, []

    def send_then_die(self, *args, **kwargs):
        calls.append(self.to)
        if len(calls) == 2:
            raise ConnectionError("SMTP went away")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send_then_die)
    with pytest.raises(ConnectionError):
        reminders_send_digests()
    monkeypatch.setattr(EmailMessage, "send", original)
    assert reminders_send_digests() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([rep.email, other_rep.email])


def test_inbox_shows_the_count_and_marks_done(rep, other_rep, client_for):
    reminders_create([ReminderInput("birthday", rep.pk, TODAY, "k", "Call Mr Wang")])
    client = client_for(rep)
    page = client.get(reverse("reminders"))
    assert "Call Mr Wang" in page.content.decode()
    assert page.context["open_reminders"] == 1
    reminder = Reminder.objects.get()
    assert client_for(other_rep).post(reverse("reminder_mark", args=[reminder.pk, "done"])).status_code == 404
    client_for(rep).post(reverse("reminder_mark", args=[reminder.pk, "done"]), {"next": "https://evil.example/"})
    assert Reminder.objects.get().status == "done"


def test_reminders_api(rep, other_rep, api_for):
    reminders_create(
        [
            ReminderInput("birthday", rep.pk, TODAY, "k1", "a"),
            ReminderInput("reorder", rep.pk, TODAY, "k2", "b"),
            ReminderInput("reorder", other_rep.pk, TODAY, "k3", "c"),
        ]
    )
    client = api_for(rep)
    rows = client.get(reverse("api_reminders")).json()["results"]
    assert sorted(r["kind"] for r in rows) == ["birthday", "reorder"]
    assert len(client.get(reverse("api_reminders"), {"kind": "reorder"}).json()["results"]) == 1
    assert client.get(reverse("api_reminders"), {"status": "bogus"}).status_code == 400
    first = rows[0]["id"]
    assert client.post(reverse("api_reminder_done", args=[first])).json()["status"] == "done"
    assert len(client.get(reverse("api_reminders"), {"status": "open"}).json()["results"]) == 1
    other = Reminder.objects.get(recipient=other_rep).pk
    assert client.post(reverse("api_reminder_done", args=[other])).status_code == 404


def test_the_schedule_as_data():
    """DOMAIN §7: every job is scheduled daily (digests hourly), each naming a registered task."""
    from crm.celery import app, beat_schedule

    schedule = beat_schedule(2)
    assert set(schedule) == {
        "credit-recompute",
        "limit-reminders",
        "staleness-scan",
        "review-reminders",
        "credit-report-reminders",
        "reorder-reminders",
        "birthday-reminders",
        "borrowing-reminders",
        "monthly-sales",
        "correlation-snapshot",
        "report-snapshots",
        "segmentation",
        "backtest-ledgers",
        "reminder-digests",
    }
    app.loader.import_default_modules()
    for entry in schedule.values():
        assert entry["task"] in app.tasks
    assert schedule["staleness-scan"]["schedule"].hour == {3}
    assert schedule["reminder-digests"]["schedule"].hour == set(range(24))
    assert schedule["segmentation"]["schedule"].hour == {4}  # after the recompute: it reads the on-time ratios


def test_daily_jobs_run_everything_and_twice_adds_nothing(old_customer, customer):
    from crm.tasks import daily_jobs

    first = daily_jobs(TODAY.isoformat())
    assert first["review_reminders"] >= 1
    second = daily_jobs(TODAY.isoformat())
    rebuilt = ("credit_recompute", "monthly_sales", "correlation_snapshot", "report_snapshots", "segmentation")
    assert {k: v for k, v in second.items() if k not in rebuilt} == dict.fromkeys(
        [k for k in second if k not in rebuilt], 0
    )
    assert second["monthly_sales"] == first["monthly_sales"]
    assert second["segmentation"] == first["segmentation"]


def test_a_scan_killed_midway_finishes_on_the_next_run(rep, monkeypatch):
    """Chunks commit one by one: a crash keeps the finished chunks, the rerun does the rest, once."""
    with time_machine.travel("2026-01-05 09:00 +0800", tick=False):
        customers = [make_customer(owner=rep, name=f"C{i}") for i in range(5)]
    original, calls = review_state._scan_chunk, []

    def crash_on_third_chunk(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return original(*args, **kwargs)

    monkeypatch.setattr(review_state, "_scan_chunk", crash_on_third_chunk)
    with pytest.raises(RuntimeError):
        _scan()
    monkeypatch.setattr(review_state, "_scan_chunk", original)
    assert 0 < ReviewState.objects.filter(is_stale=True).count() < 5
    _scan()
    assert ReviewState.objects.filter(customer__in=customers, is_stale=True).count() == 5
    assert _scan() == 0
