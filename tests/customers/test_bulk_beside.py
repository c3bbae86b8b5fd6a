"""Issue 15 §2: a bulk upsert called outside any transaction on PostgreSQL writes its new dossiers on a second
connection while it writes its changed ones (crm.beside). The batch's answer and what it leaves in the database are
those of the one-transaction write, and a failure of either part leaves nothing of the batch (API.md bulk-upsert:
none half-saved). Two connections need PostgreSQL and committed rows: CI runs these there."""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib import import_module

import psycopg2
import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from crm import beside, roles
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


def _writes_noted(monkeypatch, *, in_one: Callable[[], None] = lambda: None) -> list[bool]:
    """How the batch was written, attempt by attempt: on two connections (True) or in one transaction (False).
    ``in_one`` is called as an attempt in one transaction begins."""
    attempts: list[bool] = []
    write = dossiers._write

    def noted(*args, beside, **kwargs):
        attempts.append(beside)
        if not beside:
            in_one()
        return write(*args, beside=beside, **kwargs)

    monkeypatch.setattr(dossiers, "_write", noted)
    return attempts


def _assert_written_whole() -> None:
    """The batch of the tests below (150 OLD dossiers changed, 150 NEW ones) is in the database once, whole."""
    assert Customer.objects.filter(external_id__startswith="NEW-").count() == 150
    assert ReviewState.objects.filter(customer__external_id__startswith="NEW-").count() == 150
    assert set(Customer.objects.filter(external_id__startswith="OLD-").values_list("phone", "version")) == {
        ("0571-2", 2)
    }


def test_a_part_that_outlives_the_other_ones_wait_rolls_the_batch_back_and_it_is_written_in_one(erp, monkeypatch):
    """The companion stops waiting for the caller's decision (crm.beside.DECISION_WAIT) and rolls back before the
    caller's part is done: the caller must not commit its part alone, and the batch is written again, whole, in one
    transaction."""
    _post(erp, _records("OLD", 150, phone="0571-1"))
    attempts = _writes_noted(monkeypatch)
    # the companion stops waiting at once; no timed wait has to run out (under faketime none ever would, .ci/run)
    monkeypatch.setattr(beside, "DECISION_WAIT", 0)
    finished = threading.Event()
    run = beside.Beside.run

    def run_noted(self) -> None:
        try:
            run(self)
        finally:
            finished.set()

    monkeypatch.setattr(beside.Beside, "run", run_noted)
    save_changed = dossiers._save_changed

    def slow_first_time(*args, **kwargs):
        if len(attempts) == 1:
            finished.wait()  # the companion has written its part, stopped waiting for our decision, rolled back
        return save_changed(*args, **kwargs)

    monkeypatch.setattr(dossiers, "_save_changed", slow_first_time)

    answer = _post(erp, _records("OLD", 150, phone="0571-2") + _records("NEW", 150))

    assert attempts == [True, False]
    assert answer == {"created": 150, "updated": 150, "unchanged": 0, "errors": []}
    _assert_written_whole()


def test_a_part_the_caller_gives_up_waiting_for_rolls_the_batch_back_and_it_is_written_in_one(erp, monkeypatch):
    """The companion's part takes longer than the caller waits for it (crm.beside.DECISION_WAIT): not a 500, but both
    parts roll back (the companion's once it is done) and the batch is written again, whole, in one transaction."""
    _post(erp, _records("OLD", 150, phone="0571-1"))
    go_on = threading.Event()
    # the caller gave up on the first attempt and writes in one transaction: the companion's part may end now
    attempts = _writes_noted(monkeypatch, in_one=go_on.set)
    monkeypatch.setattr(beside, "DECISION_WAIT", 0)  # no timed wait has to run out (faketime, .ci/run)
    save_new = dossiers._save_new

    def slow_beside(*args, **kwargs):
        if threading.current_thread().name.startswith("crm-beside"):
            assert go_on.wait(30)
        return save_new(*args, **kwargs)

    monkeypatch.setattr(dossiers, "_save_new", slow_beside)

    try:
        answer = _post(erp, _records("OLD", 150, phone="0571-2") + _records("NEW", 150))
    finally:
        go_on.set()  # a failing write must not leave the companion waiting (the test run closes it at its end)

    assert attempts == [True, False]
    assert answer == {"created": 150, "updated": 150, "unchanged": 0, "errors": []}
    _assert_written_whole()


def test_a_part_undone_before_its_turn_writes_nothing(erp, monkeypatch):
    """A companion runs one part at a time: a part whose batch was undone while it waited its turn (behind a part the
    caller gave up on) must not write, nor hold the locks that the batch written again in one transaction needs."""
    monkeypatch.setattr(beside, "DECISION_WAIT", 0)  # undo does not wait for a part not yet begun to end
    written: list[int] = []
    part = beside.Beside(lambda: written.append(1))
    part.undo()  # the caller gave up before the companion reached this part

    part.run()

    assert written == []
    with pytest.raises(beside.BesideAbandoned):
        part.commit()


def test_a_part_that_waits_too_long_for_a_lock_rolls_the_batch_back_and_it_is_written_in_one(erp, monkeypatch):
    """A lock wait of either part ends after BESIDE_LOCK_WAIT (a circle of waits through the two parts is invisible to
    PostgreSQL's deadlock detector, crm.beside): both parts roll back and the batch is written again in one
    transaction, which waits as long as it must — here for another transaction that holds the review states."""
    _post(erp, _records("OLD", 150, phone="0571-1"))
    attempts = _writes_noted(monkeypatch)
    monkeypatch.setattr(dossiers, "BESIDE_LOCK_WAIT", 1.0)
    other = psycopg2.connect(**connection.get_connection_params())  # another session, as Django connects
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        with other.cursor() as cursor:  # the new part's review states wait for it
            cursor.execute("LOCK TABLE customers_reviewstate IN SHARE MODE")
        batch = pool.submit(_sync_in_thread, _items(_records("OLD", 150, phone="0571-2") + _records("NEW", 150)), erp)
        for _ in range(600):  # a count of tries, not a deadline: tests/concurrency.py on faketime
            if len(attempts) == 2:  # the first attempt gave up: the second waits
                break
            time.sleep(0.05)
        other.rollback()
        result = batch.result(timeout=30)
    finally:
        other.rollback()  # else a failed wait leaves the batch waiting for it
        other.close()
        pool.shutdown()

    assert attempts == [True, False]
    assert (result.count(dossiers.Outcome.CREATED), result.count(dossiers.Outcome.UPDATED), result.errors) == (
        150,
        150,
        [],
    )
    _assert_written_whole()


def _sync_in_thread(items: list, by):
    try:
        return dossiers.dossiers_sync(items=items, by=by, today=TODAY)
    finally:
        connection.close()  # this thread's own, before the test database is dropped
