"""Issue 14 point 7: one phone and fax check (crm/validators.phone_number on the model fields) for the browser
forms, the API (single, contacts, bulk) alike: a bad number is refused with the same words, nothing saved."""

import pytest
from django.urls import reverse

from customers.models import Contact, Customer

pytestmark = pytest.mark.django_db

WORDS = "Enter a phone number"
BAD = "call 0571 after 5"


def test_the_create_form_refuses_a_bad_phone_and_keeps_a_good_one(rep, client_for):
    data = {"name": "X", "kind": "intermediate", "nature": "company", "size": "small", "payment_terms_days": "30"}
    client = client_for(rep)
    response = client.post(reverse("customer_create"), {**data, "phone": BAD})
    assert response.status_code == 200
    assert WORDS in str(response.context["form"].errors["phone"])
    assert not Customer.objects.exists()
    client.post(reverse("customer_create"), {**data, "phone": "+86 (571) 8888-6666 转123", "create_anyway": "1"})
    assert Customer.objects.get().phone == "+86 (571) 8888-6666 转123"


def test_the_basic_section_refuses_a_bad_fax(customer, rep, client_for):
    response = client_for(rep).post(
        reverse("section_edit", args=[customer.code, "basic"]),
        {
            "customer-name": customer.name,
            "customer-kind": "intermediate",
            "customer-nature": "company",
            "customer-size": "small",
            "customer-payment_terms_days": "30",
            "section-fax": "fax me",
        },
    )
    assert response.status_code == 200
    assert WORDS in str(response.context["forms"][1].errors["fax"])


def test_the_contact_form_refuses_a_bad_mobile(customer, rep, client_for):
    response = client_for(rep).post(
        reverse("contact_create", args=[customer.code]), {"name": "李娜", "mobile": "139-abc"}
    )
    assert response.status_code == 200
    assert WORDS in response.content.decode()
    assert not Contact.objects.filter(name="李娜").exists()


def test_the_api_refuses_a_bad_phone_on_a_customer_and_a_contact(customer, rep, api_for):
    client = api_for(rep)
    response = client.post(reverse("api_customer_list"), {"name": "X", "phone": BAD}, format="json")
    assert response.status_code == 400
    assert WORDS in str(response.json()["phone"])
    contact = client.post(
        reverse("api_contact_list", args=[customer.code]), {"name": "李娜", "phone": "n/a"}, format="json"
    )
    assert contact.status_code == 400
    assert "phone" in contact.json()
    ok = client.post(reverse("api_customer_list"), {"name": "Y", "phone": "0571-88886666 x12"}, format="json")
    assert ok.status_code == 201


def test_the_bulk_upsert_refuses_a_bad_phone_by_index(rep, api_for):
    batch = [{"external_id": "E1", "name": "A", "phone": "0571-1234"}, {"external_id": "E2", "name": "B", "phone": BAD}]
    body = api_for(rep).post(reverse("api_customer_bulk_upsert"), batch, format="json").json()
    assert body["created"] == 1
    assert [error["index"] for error in body["errors"]] == [1]
    assert "phone" in body["errors"][0]["errors"]
