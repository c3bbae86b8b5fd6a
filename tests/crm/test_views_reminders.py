"""Issue 14 point 6: the inbox pages and marks many reminders done (or dismissed) at once."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from crm.models import Reminder
from crm.services import ReminderInput, reminders_create

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 22)


def _remind(user, count: int, start: int = 0) -> list[int]:
    reminders_create(
        [ReminderInput("birthday", user.pk, DAY + timedelta(days=i), f"k{i}", f"Call {i}") for i in range(start, count)]
    )
    return list(Reminder.objects.filter(recipient=user).order_by("due_on").values_list("pk", flat=True))


def test_ticked_reminders_are_marked_done_at_once(client_for, rep, other_rep):
    mine = _remind(rep, 4)
    theirs = _remind(other_rep, 1)
    response = client_for(rep).post(
        reverse("reminders_mark"),
        {"ids": [*mine[:3], *theirs], "status": "done", "next": "/reminders/?kind=birthday"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/reminders/?kind=birthday"
    assert "3 reminders marked done." in response.content.decode()
    assert list(Reminder.objects.filter(pk__in=mine).order_by("due_on").values_list("status", flat=True)) == [
        "done",
        "done",
        "done",
        "open",
    ]
    assert Reminder.objects.get(pk=theirs[0]).status == "open"  # never someone else's
    assert Reminder.objects.filter(pk__in=mine[:3], done_at__isnull=False).count() == 3


def test_ticked_reminders_can_be_dismissed_and_nothing_ticked_changes_nothing(client_for, rep):
    mine = _remind(rep, 2)
    client = client_for(rep)
    response = client.post(reverse("reminders_mark"), {"status": "done"}, follow=True)
    assert "Tick the reminders to mark first." in response.content.decode()
    assert not Reminder.objects.exclude(status="open").exists()
    client.post(reverse("reminders_mark"), {"ids": mine, "status": "dismissed"})
    assert set(Reminder.objects.values_list("status", flat=True)) == {"dismissed"}
    assert client.post(reverse("reminders_mark"), {"ids": mine, "status": "open"}).status_code == 404


def test_the_inbox_offers_the_bulk_action_and_numbered_pages(client_for, rep):
    _remind(rep, 120)
    client = client_for(rep)
    body = client.get(reverse("reminders")).content.decode()
    assert 'data-testid="bulk-reminders"' in body
    assert body.count('name="ids"') == 50
    assert 'form="bulk-reminders"' in body
    assert "page=3" in body  # 120 reminders, 50 a page: three pages, each numbered
    third = client.get(reverse("reminders"), {"page": 3}).content.decode()
    assert third.count('name="ids"') == 20
    assert "Call 119" in third


def test_a_reminder_reads_in_the_readers_language(client_for, rep):
    """Issue 14 point 3: the nightly job writes a reminder once; each reader sees it in their own language."""
    from django.utils.translation import gettext_noop

    from crm.services import Words

    reminders_create(
        [
            ReminderInput(
                "review_due",
                rep.pk,
                date(2026, 11, 30),
                "review:1",
                Words(
                    gettext_noop("Review of %(code)s %(name)s is due on %(date)s"),
                    {"code": "C000001", "name": "杭州东方化工", "date": "2026-11-30"},
                ),
            )
        ]
    )
    client = client_for(rep)
    english = client.get(reverse("reminders"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Review of C000001 杭州东方化工 is due on 2026-11-30" in english
    chinese = client.get(reverse("reminders"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "C000001 杭州东方化工 的复核将于 2026-11-30 到期" in chinese
    assert Reminder.objects.get().message == "Review of C000001 杭州东方化工 is due on 2026-11-30"  # mail, admin
