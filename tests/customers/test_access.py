"""DOMAIN §1 roles × actions, through real HTTP requests: pages and (later) the API share crm/access.py."""

import pytest
from django.urls import reverse

from crm import roles
from crm.models import AccessLog
from customers.models import Review

pytestmark = pytest.mark.django_db

ACTORS = ["owner", "other_rep", "manager", "service", "analyst", "credit_manager", "archivist", "integration"]
ROLE_OF = {
    "other_rep": roles.SALES,
    "manager": roles.SALES_MANAGER,
    "service": roles.CUSTOMER_SERVICE,
    "analyst": roles.CREDIT_ANALYST,
    "credit_manager": roles.CREDIT_MANAGER,
    "archivist": roles.ARCHIVIST,
    "integration": roles.INTEGRATION,
}
FULL_READERS = {"owner", "manager", "service", "analyst", "credit_manager", "archivist", "integration"}
ALLOWED = {
    "list": set(ACTORS),
    "create": {"owner", "other_rep", "manager", "integration"},
    "full_read": FULL_READERS,
    "history": FULL_READERS,
    "edit_section": {"owner", "manager", "integration"},
    "add_contact": {"owner", "manager", "integration"},
    "add_credit_document": {"owner", "manager", "integration", "analyst", "credit_manager"},
    "record_interaction": {"owner", "manager", "integration", "service"},
    "review": {"owner", "manager"},
    "reassign": {"manager"},
    "archive": {"manager"},
}
PAGES = {
    "list": lambda c: reverse("customer_list"),
    "create": lambda c: reverse("customer_create"),
    "history": lambda c: reverse("customer_history", args=[c.code]),
    "edit_section": lambda c: reverse("section_edit", args=[c.code, "basic"]),
    "add_contact": lambda c: reverse("contact_create", args=[c.code]),
    "add_credit_document": lambda c: reverse("credit_document_create", args=[c.code]),
    "record_interaction": lambda c: reverse("interaction_create", args=[c.code]),
    "reassign": lambda c: reverse("customer_reassign", args=[c.code]),
    "archive": lambda c: reverse("customer_archive", args=[c.code]),
}


@pytest.fixture
def actor(request, rep, make_user, client_for):
    name = request.param
    user = rep if name == "owner" else make_user(ROLE_OF[name], username=name)
    return name, client_for(user)


def _matrix(actions):
    return [pytest.param(action, actor, id=f"{action}-{actor}") for action in actions for actor in ACTORS]


@pytest.mark.parametrize(("action", "actor"), _matrix(PAGES), indirect=["actor"])
def test_role_action_matrix_on_pages(action, actor, customer):
    name, client = actor
    response = client.get(PAGES[action](customer))
    assert response.status_code == (200 if name in ALLOWED[action] else 403)


@pytest.mark.parametrize(("action", "actor"), _matrix(["review"]), indirect=["actor"])
def test_role_action_matrix_mark_reviewed(action, actor, customer):
    name, client = actor
    response = client.post(reverse("customer_review", args=[customer.code]), {"sections": ["basic"]})
    allowed = name in ALLOWED[action]
    assert response.status_code == (302 if allowed else 403)
    assert Review.objects.filter(customer=customer).exists() is allowed


@pytest.mark.parametrize(("action", "actor"), _matrix(["full_read"]), indirect=["actor"])
def test_role_action_matrix_full_or_masked_dossier(action, actor, customer):
    """DOMAIN §1: a rep who does not own the customer sees only code, unit name, owner, contact names and titles."""
    name, client = actor
    page = client.get(reverse("customer_detail", args=[customer.code])).content.decode()
    contact = customer.contacts.get()
    for always in (customer.code, customer.name, contact.name, contact.title, customer.owner.username):
        assert always in page
    for hidden in (customer.phone, customer.unified_social_credit_code, customer.address):
        assert (hidden in page) is (name in FULL_READERS)


def test_a_user_without_a_role_sees_no_customer(make_user, client_for, customer):
    client = client_for(make_user(None, username="nobody"))
    assert client.get(reverse("customer_list")).status_code == 403
    assert client.get(reverse("customer_detail", args=[customer.code])).status_code == 404
    assert client.get(reverse("customer_create")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, customer):
    response = client.get(reverse("customer_detail", args=[customer.code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_full_reads_by_non_owners_are_logged_and_owner_reads_are_not(customer, rep, manager, other_rep, client_for):
    """DOMAIN §1: every full read of a dossier by someone who is not its owner goes to the access log."""
    client_for(rep).get(reverse("customer_detail", args=[customer.code]))
    assert not AccessLog.objects.exists()
    client_for(other_rep).get(reverse("customer_detail", args=[customer.code]))  # masked: not a full read
    assert not AccessLog.objects.exists()
    client_for(manager).get(reverse("customer_detail", args=[customer.code]))
    entry = AccessLog.objects.get()
    assert (entry.user, entry.customer, entry.action, entry.channel) == (manager, customer, "dossier_read", "web")
    assert entry.reason == "role: sales_manager"  # DOMAIN §9: the log says why the read was allowed


def test_masked_list_rows_hide_details_of_other_reps_customers(customer, other_rep, client_for):
    page = client_for(other_rep).get(reverse("customer_list")).content.decode()
    assert customer.name in page
    assert "Not your customer" in page
    assert f"{customer.completeness}%" not in page


def test_customer_service_may_only_record_service_kinds(customer, make_user, client_for):
    """DOMAIN §1: customer service records complaints, feedback and service, nothing else."""
    client = client_for(make_user(roles.CUSTOMER_SERVICE, username="cs"))
    url = reverse("interaction_create", args=[customer.code])
    visit = {"kind": "visit_report", "occurred_on": "2026-01-05", "subject": "Visit"}
    assert client.post(url, visit).status_code == 200  # re-rendered with an error
    assert not customer.interactions.exists()
    complaint = {**visit, "kind": "complaint", "subject": "Late delivery"}
    assert client.post(url, complaint).status_code == 302
    assert customer.interactions.get().kind == "complaint"
