"""No open redirect: the ``next`` a sign-in or a reminder button carries leads only back into this site."""

from datetime import date

import pytest
from django.urls import reverse

from crm.models import Reminder
from crm.services import ReminderInput, reminders_create

pytestmark = pytest.mark.django_db

FOREIGN = [
    pytest.param("https://evil.example/", id="absolute-url"),
    pytest.param("//evil.example/", id="scheme-relative"),
    pytest.param("https:evil.example", id="scheme-without-slashes"),
    pytest.param("javascript:alert(1)", id="javascript"),
]


def _sign_in(client, user, password, target):
    return client.post(reverse("login"), {"username": user.username, "password": password, "next": target})


def test_sign_in_follows_a_next_inside_the_site(client, rep, password):
    response = _sign_in(client, rep, password, "/reminders/?status=done")
    assert response.status_code == 302
    assert response.url == "/reminders/?status=done"


@pytest.mark.parametrize("target", FOREIGN)
def test_sign_in_never_sends_the_user_to_another_site(client, rep, password, target):
    response = _sign_in(client, rep, password, target)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_the_sign_in_page_carries_next_into_its_form(client):
    page = client.get(reverse("login"), {"next": "/reminders/"}).content.decode()
    assert '<input type="hidden" name="next" value="/reminders/">' in page


@pytest.mark.parametrize("target", FOREIGN)
def test_a_signed_in_visit_to_the_sign_in_page_never_leaves_the_site(client_for, rep, target):
    response = client_for(rep).get(reverse("login"), {"next": target})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


@pytest.fixture
def reminder(rep):
    reminders_create([ReminderInput("birthday", rep.pk, date(2026, 11, 22), "k", "Call Mr Wang")])
    return Reminder.objects.get()


def test_marking_a_reminder_returns_to_the_filtered_inbox(client_for, rep, reminder):
    url = reverse("reminder_mark", args=[reminder.pk, "done"])
    response = client_for(rep).post(url, {"next": "/reminders/?kind=birthday"})
    assert response.url == "/reminders/?kind=birthday"


@pytest.mark.parametrize("target", FOREIGN)
def test_marking_a_reminder_never_sends_the_user_to_another_site(client_for, rep, reminder, target):
    response = client_for(rep).post(reverse("reminder_mark", args=[reminder.pk, "done"]), {"next": target})
    assert response.status_code == 302
    assert response.url == reverse("reminders")
    reminder.refresh_from_db()
    assert reminder.status == "done"
