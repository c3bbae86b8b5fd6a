"""An archived dossier is read-only (issue 14 point 5): no buttons that change it, its edit pages refuse with a
message, and the services refuse whoever calls them, so every entry point agrees."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import Interaction
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

READ_ONLY = "This dossier is archived and read-only; restore it before changing it."


@pytest.fixture
def archived(rep, manager):
    customer = make_customer(owner=rep, name="杭州东方化工", contacts=1)
    return services.customer_archive(customer=customer, by=manager)


def test_the_archived_dossier_shows_no_button_that_changes_it(client_for, manager, archived):
    page = client_for(manager).get(reverse("customer_detail", args=[archived.code])).content.decode()
    assert "It is read-only until a sales manager restores it." in page
    assert "Restore" in page
    for label in ("Record interaction", "Change owner", "Mark reviewed", "Add contact", "Add credit document"):
        assert label not in page, label
    assert reverse("section_edit", args=[archived.code, "basic"]) not in page


def test_a_live_dossier_still_shows_them(client_for, manager, rep):
    live = make_customer(owner=rep, name="Live")
    page = client_for(manager).get(reverse("customer_detail", args=[live.code])).content.decode()
    for label in ("Record interaction", "Change owner", "Mark reviewed"):
        assert label in page, label


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("section_edit", ["basic"]),
        ("contact_create", []),
        ("interaction_create", []),
        ("credit_document_create", []),
        ("customer_reassign", []),
    ],
)
def test_the_edit_pages_refuse_with_a_message(client_for, manager, archived, name, extra):
    response = client_for(manager).get(reverse(name, args=[archived.code, *extra]))
    assert response["Location"] == reverse("customer_detail", args=[archived.code])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [READ_ONLY]


def test_posting_to_them_changes_nothing(client_for, manager, archived):
    client = client_for(manager)
    today = timezone.localdate().isoformat()
    data = {"kind": "visit_report", "occurred_on": today, "subject": "Visit"}
    response = client.post(reverse("interaction_create", args=[archived.code]), data)
    assert response.status_code == 302
    review = client.post(reverse("customer_review", args=[archived.code]), {"sections": ["basic"], "notes": "x"})
    assert review.status_code == 302
    assert not Interaction.objects.filter(customer=archived).exists()
    archived.refresh_from_db()
    assert archived.last_reviewed_on is None


def test_the_services_refuse_every_caller(manager, archived):
    today = timezone.localdate()
    with pytest.raises(services.DossierArchived):
        services.interaction_record(
            customer=archived, kind="visit_report", occurred_on=today, subject="x", by=manager, today=today
        )
    with pytest.raises(services.DossierArchived):
        services.contact_save(customer=archived, values={"name": "New"}, by=manager)
    with pytest.raises(services.DossierArchived):
        services.contact_delete(contact=archived.contacts.get(), by=manager)


def test_restored_it_is_writable_again(client_for, manager, archived):
    services.customer_restore(customer=archived, by=manager)
    assert client_for(manager).get(reverse("interaction_create", args=[archived.code])).status_code == 200
