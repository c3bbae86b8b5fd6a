"""factory_boy factories; customers are created through the service so codes, sections and history are real."""

import io
from datetime import timedelta
from decimal import Decimal

import factory
import pikepdf
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase
from django.utils import timezone

from credit import services as credit_services
from customers import services
from customers.models import Contact, Interaction

PASSWORD = "pw-for-tests-1"


def pdf_bytes(*, pages: int = 1, **save_options) -> bytes:
    """A real PDF (pikepdf) with blank pages: uploads are opened by a PDF reader, so hand-made stubs no longer do."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, **save_options)
    return out.getvalue()


PDF = pdf_bytes()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


def make_customer(*, owner, by=None, sections=None, contacts=0, **values):
    """A dossier created by the real service; ``values`` override the customer-level fields."""
    defaults = {"name": f"Valve Trading {owner.username}", "kind": "intermediate", "nature": "company", "size": "small"}
    # as in production, the after-commit reactions run (the review cycle starts by the credit policy)
    with TestCase.captureOnCommitCallbacks(execute=True):
        customer = services.customer_create(
            by=by or owner,
            owner=owner,
            values={**defaults, **values},
            sections=sections or {},
            today=timezone.localdate(),
        )
    for index in range(contacts):
        services.contact_save(customer=customer, values={"name": f"Contact {index}", "title": "Buyer"}, by=by or owner)
    customer.refresh_from_db()
    return customer


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    kind = Interaction.Kind.VISIT_REPORT
    occurred_on = factory.Faker("past_date")
    subject = factory.Faker("sentence", nb_words=4)
    details = factory.Faker("paragraph")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name")
    title = "Purchasing manager"
    phone = "0571-88886666"


APPROVAL_NOTE = "Agreed by the credit committee"
"""A written reason for approving a limit: above the recommendation or for a 丙/丁 or default-list customer one is
required (DOMAIN §11)."""


def place_order(customer, *, by, amount, order_date, today, terms_days: int = 30, **kwargs):
    """One order of one line through the credit service (its check decides open or credit hold)."""
    return credit_services.order_place(
        customer=customer,
        lines=[credit_services.OrderLineInput("DN100 gate valve", Decimal(1), Decimal(amount))],
        order_date=order_date,
        due_date=order_date + timedelta(days=terms_days),
        by=by,
        today=today,
        **kwargs,
    )
