"""Issue 15 §2: a bulk upsert called outside any transaction on PostgreSQL writes its new dossiers on a second
connection while it writes its changed ones (crm.beside). The batch's answer and what it leaves in the database are
those of the one-transaction write, and a failure of either part leaves nothing of the batch (API.md bulk-upsert:
none half-saved). Two connections need PostgreSQL and committed rows: CI runs these there."""

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from crm import roles
from customers.api import bulk
from customers.models import ChangeRecord, Customer, ReviewState
from customers.services import dossiers
from tests.factories import UserFactory

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def erp(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("a second connection beside the first needs PostgreSQL; CI runs this test there")
    import_module("crm.migrations.0002_roles_and_sequences").create_roles(apps, None)
    UserFactory(role=roles.SALES, username="rep")
    return UserFactory(role=roles.INTEGRATION, username="erp")


def _records(prefix: str, count: int, **values) -> list[dict]:
    return [
        {"external_id": f"{prefix}-{i}", "name": f"Valve Works {prefix} {i}", "owner": "rep", **values}
        for i in range(count)
    ]


def _post(erp, records: list[dict]) -> dict:
    client = APIClient()
    client.force_authenticate(erp)
    response = client.post("/api/v1/customers/bulk-upsert/", records, format="json")
    assert response.status_code == 200
    return response.json()


def _items(records: list[dict]) -> list:
    return [bulk.clean_record(index, raw)[0] for index, raw in enumerate(records)]


def _backend_of(function, seen: list):
    """``function`` that also notes the PostgreSQL backend it writes on."""

    def noted(*args, **kwargs):
        seen.append(connection.connection.get_backend_pid())
        return function(*args, **kwargs)

    return noted


def test_new_dossiers_are_written_beside_the_changed_ones_with_the_same_answer(erp, monkeypatch):
    old = _records("OLD", 150, phone="0571-1")
    assert _post(erp, old)["created"] == 150
    backends: list[int] = []
    monkeypatch.setattr(dossiers, "_save_new", _backend_of(dossiers._save_new, backends))
    monkeypatch.setattr(dossiers, "_save_changed", _backend_of(dossiers._save_changed, backends))

    answer = _post(erp, _records("OLD", 150, phone="0571-2") + _records("NEW", 150, basic={"postcode": "310000"}))

    assert answer == {"created": 150, "updated": 150, "unchanged": 0, "errors": []}
    assert len(set(backends)) == 2  # the changed and the new, each on a connection of its own
    new = Customer.objects.filter(external_id__startswith="NEW-")
    assert new.count() == 150
    assert set(new.values_list("basic__postcode", "owner__username", "version")) == {("310000", "rep", 1)}
    assert ReviewState.objects.filter(customer__in=new).count() == 150
    assert ChangeRecord.objects.filter(customer__in=new, field="created", new="rep").count() == 150
    assert len(set(new.values_list("code", flat=True))) == 150
    changed = Customer.objects.filter(external_id__startswith="OLD-")
    assert set(changed.values_list("phone", "version")) == {("0571-2", 2)}
    assert ChangeRecord.objects.filter(customer__in=changed, field="phone", old="0571-1", new="0571-2").count() == 150
    again = _post(erp, _records("OLD", 150, phone="0571-2") + _records("NEW", 150, basic={"postcode": "310000"}))
    assert again == {"created": 0, "updated": 0, "unchanged": 300, "errors": []}


@pytest.mark.parametrize("failing", ["_save_new", "_save_changed"])
def test_a_failing_part_leaves_nothing_of_the_batch(erp, monkeypatch, failing):
    """The new part failing leaves the changed dossiers as they were; the changed part failing (after its writes)
    leaves no new dossier."""
    _post(erp, _records("OLD", 150, phone="0571-1"))
    history = ChangeRecord.objects.count()
    writes = getattr(dossiers, failing)

    def fails(*args, **kwargs):
        writes(*args, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(dossiers, failing, fails)
    items = _items(_records("OLD", 150, phone="0571-2") + _records("NEW", 150))
    with pytest.raises(RuntimeError, match="disk is full"):
        dossiers.dossiers_sync(items=items, by=erp, today=TODAY)

    assert set(Customer.objects.values_list("phone", flat=True)) == {"0571-1"}
    assert not Customer.objects.filter(external_id__startswith="NEW-").exists()
    assert ChangeRecord.objects.count() == history
