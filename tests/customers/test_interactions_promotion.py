"""Promotion responses carry the promotion, the response and the cost (DOMAIN §10.6), in the form, the API and lists."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers import services

pytestmark = pytest.mark.django_db
PROMOTION = {"kind": "promotion_response", "occurred_on": "2026-11-01", "subject": "Autumn mailing"}


def test_the_form_requires_them_for_a_promotion_response_and_keeps_them(customer, rep, client_for):
    client = client_for(rep)
    url = reverse("interaction_create", args=[customer.code])
    response = client.post(url, PROMOTION)
    assert response.status_code == 200
    assert "A promotion response needs its promotion, response and cost." in response.content.decode()
    assert not customer.interactions.exists()
    filled = {**PROMOTION, "promotion": "Autumn 2026", "response": "positive", "cost": "350.00"}
    assert client.post(url, filled).status_code == 302
    saved = customer.interactions.get()
    assert (saved.promotion, saved.response, saved.cost) == ("Autumn 2026", "positive", Decimal("350.00"))
    html = client.get(reverse("interaction_list", args=[customer.code])).content.decode()
    assert "Autumn 2026: Positive, cost 350.00" in html


def test_the_api_requires_them_and_answers_them(customer, rep, api_for):
    client = api_for(rep)
    url = f"/api/v1/customers/{customer.code}/interactions/"
    response = client.post(url, PROMOTION, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"promotion", "response", "cost"}
    body = {**PROMOTION, "promotion": "Autumn 2026", "response": "negative", "cost": "120.50"}
    response = client.post(url, body, format="json")
    assert response.status_code == 201
    assert (response.json()["promotion"], response.json()["response"], response.json()["cost"]) == (
        "Autumn 2026",
        "negative",
        "120.50",
    )
    assert client.post(url, {**body, "response": "maybe"}, format="json").status_code == 400
    assert client.post(url, {**body, "cost": "-1"}, format="json").status_code == 400


def test_other_kinds_keep_no_promotion_fields(customer, rep):
    record = services.interaction_record(
        customer=customer,
        kind="complaint",
        occurred_on=customer.created_at.date(),
        subject="Late",
        by=rep,
        today=customer.created_at.date(),
        promotion="Leftover",
        response="positive",
        cost=Decimal(5),
    )
    assert (record.promotion, record.response, record.cost) == ("", "", None)
