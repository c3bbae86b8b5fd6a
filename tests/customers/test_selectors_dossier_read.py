"""dossier_read: the one read of a dossier — full or masked by role, one access-log row per full read by a
non-owner (DOMAIN §1, §9), and the same answer for the browser and the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import roles
from crm.errors import AccessDenied
from crm.models import AccessLog
from customers import selectors
from customers.models import ReviewState
from customers.selectors import CustomerNotFound, DossierPart, dossier_read

pytestmark = pytest.mark.django_db

FULL_READERS = (
    roles.SALES_MANAGER,
    roles.CUSTOMER_SERVICE,
    roles.CREDIT_ANALYST,
    roles.CREDIT_MANAGER,
    roles.ARCHIVIST,
    roles.INTEGRATION,
)


@pytest.fixture
def reader(request, make_user, rep):
    """A user of the named role; "owner" is the customer's own rep, "sales" another rep."""
    return rep if request.param == "owner" else make_user(request.param, username=f"u_{request.param}")


def _read(user, customer, channel=AccessLog.Channel.WEB, **kwargs):
    return dossier_read(user=user, code=customer.code, channel=channel, today=timezone.localdate(), **kwargs)


@pytest.mark.parametrize(
    ("reader", "masked"),
    [("owner", False), (roles.SALES, True), *((role, False) for role in FULL_READERS)],
    indirect=["reader"],
)
def test_full_or_masked_by_role(reader, masked, customer):
    dossier = _read(reader, customer)
    assert dossier.customer == customer
    assert dossier.masked is masked
    assert [c.name for c in dossier.contacts] == ["Contact 0"]
    if masked:  # DOMAIN §1: names and titles only, nothing else of the dossier
        assert dossier.contacts[0].get_deferred_fields() >= {"phone", "mobile", "email", "birthday", "notes"}
        assert (dossier.interactions, dossier.history, dossier.documents, dossier.latest_figures) == ([], [], [], [])
    else:
        assert dossier.history  # the full view carries the sections' history


@pytest.mark.parametrize("channel", [AccessLog.Channel.WEB, AccessLog.Channel.API])
def test_a_full_read_by_a_non_owner_writes_one_log_row_saying_who_what_how_and_why(channel, customer, manager):
    _read(manager, customer, channel)
    entry = AccessLog.objects.get()
    assert (entry.user, entry.customer, entry.action, entry.channel, entry.object_ref, entry.reason) == (
        manager,
        customer,
        "dossier_read",
        channel,
        "",
        "role: sales_manager",
    )
    _read(manager, customer, channel, part=DossierPart.CREDIT)
    assert AccessLog.objects.count() == 2  # one row per read, and a part says which
    assert AccessLog.objects.latest("id").object_ref == "credit"


def test_owner_reads_and_masked_reads_are_not_logged(customer, rep, other_rep):
    _read(rep, customer)
    _read(other_rep, customer)
    _read(rep, customer, part=DossierPart.HISTORY)
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("part", [p for p in DossierPart if p not in selectors.MASKABLE])
def test_a_part_without_a_masked_form_is_refused_to_a_masked_reader_and_not_logged(part, customer, other_rep):
    with pytest.raises(AccessDenied):
        _read(other_rep, customer, part=part)
    assert not AccessLog.objects.exists()


def test_contacts_part_is_masked_too(customer, other_rep):
    dossier = _read(other_rep, customer, part=DossierPart.CONTACTS)
    assert dossier.masked
    assert [(c.name, c.title) for c in dossier.contacts] == [("Contact 0", "Buyer")]


def test_unknown_unlisted_or_archived_dossiers_are_not_found(customer, make_user, manager):
    with pytest.raises(CustomerNotFound):
        dossier_read(user=manager, code="C999999", channel="web", today=timezone.localdate())
    with pytest.raises(CustomerNotFound):
        _read(make_user(None, username="nobody"), customer)
    customer.deleted_at = timezone.now()
    customer.save(update_fields=["deleted_at"])
    with pytest.raises(CustomerNotFound):
        _read(manager, customer)
    assert _read(manager, customer, archived=None).customer == customer  # the browser lets managers restore it
    assert AccessLog.objects.count() == 1


def test_staleness_is_what_the_scan_stored_the_one_definition_domain_7(customer, rep):
    """A page never re-derives staleness: it shows the flag the daily scan (rules/review.py) stored."""
    due = customer.review_state.next_review_due
    later = dossier_read(user=rep, code=customer.code, channel="web", today=due + timedelta(days=1))
    assert later.is_stale is False  # the scan has not run yet
    ReviewState.objects.filter(customer=customer).update(is_stale=True)
    assert _read(rep, customer).is_stale is True


def test_the_browser_page_and_the_api_both_read_through_dossier_read(
    customer, manager, client_for, api_for, monkeypatch
):
    channels = []

    def spy(**kwargs):
        channels.append(kwargs["channel"])
        return dossier_read(**kwargs)

    monkeypatch.setattr(selectors, "dossier_read", spy)
    client_for(manager).get(reverse("customer_detail", args=[customer.code]))
    api_for(manager).get(reverse("api_customer_detail", args=[customer.code]))
    assert channels == ["web", "api"]
    assert list(AccessLog.objects.order_by("id").values_list("channel", flat=True)) == ["web", "api"]


@pytest.mark.parametrize(
    "reader", ["owner", roles.SALES, roles.SALES_MANAGER, roles.CUSTOMER_SERVICE, roles.CREDIT_ANALYST], indirect=True
)
def test_the_same_user_gets_the_same_masking_in_the_browser_and_the_api(reader, customer, client_for, api_for):
    page = client_for(reader).get(reverse("customer_detail", args=[customer.code]))
    body = api_for(reader).get(reverse("api_customer_detail", args=[customer.code])).json()
    assert page.context["dossier"].masked is body["masked"]
    assert (customer.phone in page.content.decode()) is (customer.phone in str(body)) is (not body["masked"])
