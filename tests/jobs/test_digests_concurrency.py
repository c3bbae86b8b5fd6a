"""Issue 15 §4: a task delivered again while it still runs (acks_late, CELERY_VISIBILITY_TIMEOUT) must not e-mail a
reminder twice. Two digest runs at once: the second passes over the reminders the first is sending. Row locks are
PostgreSQL behaviour (CI)."""

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection, connections

from crm import roles
from crm.services import ReminderInput, reminders_create, reminders_send_digests
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_digest_runs_at_once_send_each_users_email_once(data_migrations, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs this test there")
    slow = UserFactory(role=roles.SALES, username="slow", email="slow@example.com")
    other = UserFactory(role=roles.SALES, username="other", email="other@example.com")
    reminders_create([ReminderInput("birthday", u.pk, date(2026, 11, 22), f"k{u.pk}", "m") for u in (slow, other)])
    original = mail.EmailMessage.send
    sending, go, errors = threading.Event(), threading.Event(), []

    def send(message, *args, **kwargs):
        if threading.current_thread().name == "first-run" and message.to == ["slow@example.com"]:
            sending.set()  # the first run is sending slow's e-mail, its reminders locked …
            assert go.wait(30)  # … until the second run is over
        return original(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", send)

    def first_run():
        try:
            reminders_send_digests()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=first_run, name="first-run")
    first.start()
    assert sending.wait(30)
    second_sent = reminders_send_digests()  # delivered again while the first still runs
    go.set()
    first.join(30)
    assert not errors
    assert second_sent == 1  # other's e-mail only: slow's reminders were locked by the first run
    assert sorted(m.to[0] for m in mail.outbox) == ["other@example.com", "slow@example.com"]
    assert reminders_send_digests() == 0
