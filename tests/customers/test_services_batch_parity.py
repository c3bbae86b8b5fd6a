"""A batch of the one write path gives what the same records give one by one (DOMAIN §2, §2.3, §1): the set-based
save of a thousand-record bulk upsert (COPY and ``UPDATE … FROM`` on PostgreSQL, Django's bulk methods elsewhere)
stores the same dossiers, history, search keys and review cycle, reports the same outcomes and errors, and announces
the same owner moves and credit-data changes as a batch of one per record (the browser's and the API's path)."""

from datetime import date

import pytest
from django.db import transaction

from crm import events, roles
from customers import services
from customers.models import ChangeRecord, Customer, NameKey
from customers.services import Action, CustomerInput, Outcome
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)  # the frozen test clock's business day (tests/conftest.py)
HELD_USCC = "91350100M000100Y43"
FREE_USCC = "91330106MA27XYZ58W"  # unchecked by the service (the entry points validate it), unique here


@pytest.fixture
def integration(make_user):
    return make_user(roles.INTEGRATION, username="erp")


@pytest.fixture
def world(rep, other_rep, manager):
    """Stored dossiers the batch meets: each keyed by its external id."""

    def dossier(key, **values):
        customer = make_customer(owner=rep, name=f"{key} Co", phone="0571-1", **values)
        services.dossier_update(customer=customer, values={"external_id": key}, sections={}, by=rep, today=TODAY)
        customer.refresh_from_db()
        return customer

    stored = {key: dossier(key) for key in ("CHANGE", "SAME", "STALE", "MOVE", "RENAME")}
    stored["CONTACTED"] = dossier("CONTACTED", contacts=1)
    stored["GONE"] = dossier("GONE")
    services.customer_archive(customer=stored["GONE"], by=manager)
    stored["HOLDER"] = dossier("HOLDER", unified_social_credit_code=HELD_USCC)
    stored["THEIRS"] = make_customer(owner=other_rep, name="Theirs Co")
    services.dossier_update(
        customer=stored["THEIRS"], values={"external_id": "THEIRS"}, sections={}, by=other_rep, today=TODAY
    )
    return stored


def _mixed_batch(world) -> list[CustomerInput]:
    """New, changed, unchanged, invalid, repeated, stale, archived, moved and renamed records, in one batch."""

    def upsert(index, key, owner=None, sections=None, **values):
        return CustomerInput.of(
            Action.UPSERT, values=values, sections=sections, external_id=key, owner=owner, index=index
        )

    stale = world["STALE"]
    return [
        upsert(
            0, "NEW-1", owner="rep", name="杭州東方化工有限公司", size="large", sections={"basic": {"postcode": "1"}}
        ),
        upsert(1, "CHANGE", phone="0571-2", size="medium", sections={"sales_status": {"cooperation": "稳定"}}),
        upsert(2, "SAME", phone="0571-1", name="SAME Co"),
        upsert(3, "NEW-BAD", owner="rep", name="Taken Co", unified_social_credit_code=HELD_USCC),
        upsert(4, "NEW-NAMELESS", owner="rep", phone="0571-3"),
        upsert(5, "NEW-1", owner="rep", name="Repeated Co"),
        CustomerInput.of(
            Action.UPDATE, values={"phone": "0571-9"}, customer_id=stale.pk, expected_version=stale.version - 1, index=6
        ),
        upsert(7, "GONE", name="Back again"),
        upsert(8, "MOVE", owner="other_rep"),
        upsert(9, "NEW-END", owner="rep", name="Hangzhou Dongfang Co., Ltd.", kind="end", industry="valves"),
        upsert(10, "RENAME", name="杭州新名字股份有限公司", characteristics={"market_area": "华东"}),
        upsert(11, "NEW-CODE-1", owner="rep", name="Code One", unified_social_credit_code=FREE_USCC),
        upsert(12, "NEW-CODE-2", owner="rep", name="Code Two", unified_social_credit_code=FREE_USCC),
        upsert(13, "CONTACTED", sections={"basic": {"legal_representative": "王伟"}}),
        upsert(14, "NEW-OWNERLESS", owner="nobody", name="Nobody's Co"),
        upsert(15, "THEIRS", owner="other_rep", phone="0571-7"),
    ]


REPEATED = 5  # a repeat within the batch is refused there; alone, it would be a write of its own


def _capture_facts(monkeypatch) -> list:
    facts: list = []
    monkeypatch.setattr(events, "publish", facts.append)
    return facts


def _code(pk) -> str | None:
    return Customer.objects.filter(pk=pk).values_list("code", flat=True).first()


def _outcomes(results) -> list[tuple]:
    return [(r.index, r.key, r.outcome, _code(r.customer_id), r.errors) for r in results]


def _facts(facts) -> dict:
    """The announced consequences by customer code: owner moves and customers whose credit data changed."""
    moves = sorted((_code(m.customer_id), m.from_user_id, m.to_user_id) for f in facts for m in getattr(f, "moves", ()))
    credit = sorted(_code(pk) for f in facts if isinstance(f, events.CreditDataChanged) for pk in f.customer_ids)
    return {"moves": moves, "credit_data_changed": credit}


def _state(history_after: int) -> dict:
    """What users see of every dossier after the write: fields, derived values, sections, review cycle, the history
    the write added, and the similar-name search's keys."""
    customers = Customer.objects.select_related("owner", "basic", "characteristics", "sales_status", "review_state")
    dossiers = {
        c.code: (
            *(c.external_id, c.name, c.name_key, c.kind, c.size, c.phone, c.industry, c.unified_social_credit_code),
            *(c.owner.username, c.completeness, c.version, c.deleted_at is not None),
            *(c.basic.postcode, c.basic.legal_representative, c.characteristics.market_area),
            *(c.sales_status.cooperation, c.review_state.next_review_due),
        )
        for c in customers
    }
    history = sorted(
        ChangeRecord.objects.filter(pk__gt=history_after).values_list(
            "customer__code", "section", "field", "old", "new", "by__username"
        )
    )
    return {
        "dossiers": dossiers,
        "history": history,
        "name_keys": sorted(NameKey.objects.values_list("key", flat=True)),
    }


def _write(items, by, *, one_by_one: bool, monkeypatch) -> dict:
    facts = _capture_facts(monkeypatch)
    history_after = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if one_by_one:
        results = [r for item in items for r in services.dossiers_write(items=[item], by=by, today=TODAY).items]
    else:
        results = services.dossiers_write(items=items, by=by, today=TODAY).items
    monkeypatch.undo()
    return {"outcomes": _outcomes(results), "facts": _facts(facts), "state": _state(history_after)}


def _batch_then_one_by_one(items, by, monkeypatch) -> tuple[dict, dict]:
    """The same records written as one batch, then (the batch undone) one at a time, from the same stored state."""
    savepoint = transaction.savepoint()
    batch = _write(items, by, one_by_one=False, monkeypatch=monkeypatch)
    transaction.savepoint_rollback(savepoint)
    single = _write([i for i in items if i.index != REPEATED], by, one_by_one=True, monkeypatch=monkeypatch)
    return batch, single


def test_a_mixed_batch_stores_reports_and_announces_what_its_records_do_one_by_one(world, integration, monkeypatch):
    batch, single = _batch_then_one_by_one(_mixed_batch(world), integration, monkeypatch)
    assert batch["state"] == single["state"]
    assert batch["facts"] == single["facts"]
    repeated = batch["outcomes"].pop(REPEATED)
    assert repeated == (REPEATED, "NEW-1", Outcome.REFUSED, None, {"external_id": ["Repeated in this batch."]})
    assert batch["outcomes"] == single["outcomes"]


def test_the_batch_counts_and_errors_are_what_a_user_is_told(world, integration, monkeypatch):
    """DOMAIN §2.3 and API.md bulk-upsert: created, updated and unchanged counts, each refusal with its reason."""
    batch, _single = _batch_then_one_by_one(_mixed_batch(world), integration, monkeypatch)
    outcomes = {index: (outcome, errors) for index, _key, outcome, _code, errors in batch["outcomes"]}
    assert sorted(i for i, (o, _e) in outcomes.items() if o == Outcome.CREATED) == [0, 9, 11]
    assert sorted(i for i, (o, _e) in outcomes.items() if o == Outcome.UPDATED) == [1, 8, 10, 13, 15]
    assert sorted(i for i, (o, _e) in outcomes.items() if o == Outcome.UNCHANGED) == [2]
    assert outcomes[3][1] == {
        "unified_social_credit_code": ["Another customer already has this unified social credit code."]
    }
    assert outcomes[4][1] == {"name": ["This field is required."]}
    assert outcomes[6] == (Outcome.CONFLICT, {"version": [str(world["STALE"].version)]})
    assert outcomes[7][1] == {"external_id": ["This customer is archived; restore it before changing it."]}
    assert outcomes[12][1] == {
        "unified_social_credit_code": ["Another customer already has this unified social credit code."]
    }
    assert outcomes[14][1] == {"owner": ["No active sales rep or sales manager has this username."]}


def test_a_batchs_history_keys_and_facts_are_those_of_the_domain(world, integration, monkeypatch):
    """DOMAIN §2 history (created once, then old → new per field), §2.3 name keys, §6 credit data, §9 owner moves."""
    batch, _single = _batch_then_one_by_one(_mixed_batch(world), integration, monkeypatch)
    history = batch["state"]["history"]
    new_code = next(code for _i, key, _o, code, _e in batch["outcomes"] if key == "NEW-1")
    assert [(s, f, o, n) for code, s, f, o, n, _by in history if code == new_code] == [("record", "created", "", "rep")]
    change = world["CHANGE"].code
    assert [(s, f, o, n) for code, s, f, o, n, _by in history if code == change] == [
        ("basic", "phone", "0571-1", "0571-2"),
        ("basic", "size", "small", "medium"),
        ("sales_status", "cooperation", "", "稳定"),
    ]
    assert {by for *_rest, by in history} == {"erp"}
    assert "杭州东方化工" in batch["state"]["name_keys"]
    assert "杭州新名字" in batch["state"]["name_keys"]
    new_end = next(d for d in batch["state"]["dossiers"].values() if d[0] == "NEW-END")
    assert (new_end[2], new_end[6], new_end[7]) == ("hangzhoudongfang", "", "")  # an end customer has no industry
    assert batch["facts"]["credit_data_changed"] == [change]
    assert batch["facts"]["moves"] == [(world["MOVE"].code, world["MOVE"].owner_id, world["THEIRS"].owner_id)]


def test_a_reps_batch_is_refused_where_their_records_would_be(world, rep, monkeypatch):
    """DOMAIN §1: a sales rep changes only their own customers and keeps new ones for themself, batch or not."""
    batch, single = _batch_then_one_by_one(_mixed_batch(world), rep, monkeypatch)
    assert batch["state"] == single["state"]
    assert batch["facts"] == single["facts"]
    batch["outcomes"].pop(REPEATED)
    assert batch["outcomes"] == single["outcomes"]
    refused = {index: errors for index, _key, outcome, _code, errors in batch["outcomes"] if outcome == Outcome.REFUSED}
    assert refused[8] == {"owner": ["You may not assign customers to another owner."]}
    assert set(refused[15]) == {"external_id"}  # not theirs: not told whose
