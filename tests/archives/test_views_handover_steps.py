"""The handover page (issue 14 point 5): a rep's customers load by a POST that keeps every choice (no reason or CSRF
token in the URL), then a confirmation says what will move; the flash says how many moved and to whom."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from archives.models import Handover
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(rep):
    return [make_customer(owner=rep, name=name) for name in ("杭州东方化工", "宁波港机", "温州阀门")]


def _choices(rep, successor, **extra) -> dict:
    return {"from_owner": rep.pk, "to_owner": successor.pk, "reason": "Territory change", "scope": "some"} | extra


def test_showing_a_reps_customers_is_a_post_that_keeps_the_choices(client_for, manager, rep, successor, book):
    client = client_for(manager)
    page = client.get(reverse("archive_handover")).content.decode()
    assert 'formmethod="get"' not in page  # the form never sends its token and reason in a URL
    shown = client.post(reverse("archive_handover"), _choices(rep, successor, show="1")).content.decode()
    assert all(c.code in shown for c in book)
    assert 'value="Territory change"' in shown
    assert f'<option value="{successor.pk}" selected>' in shown
    assert 'data-select-all="customers"' in shown
    assert "Select all 3 customers listed" in shown
    assert "This field is required" not in shown  # loading the list is no attempt to hand over
    assert not Handover.objects.exists()


def test_handing_over_asks_to_confirm_what_moves_and_nothing_moves_before(client_for, manager, rep, successor, book):
    client = client_for(manager)
    ticked = [book[0].pk, book[2].pk]
    question = client.post(reverse("archive_handover"), _choices(rep, successor, customers=ticked))
    page = question.content.decode()
    assert question.status_code == 200
    assert f"Hand 2 customers of {rep.get_full_name()} over to successor?" in page
    assert book[0].name in page
    assert book[1].name not in page
    assert not Handover.objects.exists()
    back = client.post(reverse("archive_handover"), _choices(rep, successor, customers=ticked, back="1"))
    checked = re.findall(r'<input type="checkbox" name="customers" value="(\d+)"[^>]* checked', back.content.decode())
    assert sorted(map(int, checked)) == sorted(ticked)  # back to the choices, every tick kept


def test_the_confirmed_handover_moves_them_and_says_so(client_for, manager, rep, successor, book):
    client = client_for(manager)
    done = client.post(reverse("archive_handover"), _choices(rep, successor, scope="all", confirm="1"))
    handover = Handover.objects.get()
    assert done["Location"] == reverse("archive_handover_detail", args=[handover.pk])
    assert [str(m) for m in get_messages(done.wsgi_request)] == ["3 customers handed over to successor."]
    assert {c.owner_id for c in handover.customers.all()} == {successor.pk}


def test_confirming_all_counts_every_customer_of_the_rep(client_for, manager, rep, successor, book):
    page = client_for(manager).post(reverse("archive_handover"), _choices(rep, successor, scope="all"))
    assert "Hand 3 customers of" in page.content.decode()
