"""Flash messages say what happened (issue 14 point 5)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from crm import roles
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_changing_the_owner_says_whose_the_customer_is_now(client_for, manager, rep, make_user):
    live = make_customer(owner=rep, name="杭州东方化工")
    successor = make_user(roles.SALES, username="lisi", first_name="四", last_name="李")
    response = client_for(manager).post(reverse("customer_reassign", args=[live.code]), {"owner": successor.pk})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"杭州东方化工 now belongs to {successor.get_full_name()}."
    ]
