"""DOMAIN §2.3 duplicates, stored and looked up: the normalised name kept by the write path, the suggestions for one
new name, the batch variant of the import's dry run, and what a rep may learn from them (DOMAIN §1)."""

from datetime import date
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from customers import selectors, services
from customers.models import Customer, NameKey
from customers.services import Action, CustomerInput
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


@pytest.fixture
def dongfang(rep):
    return make_customer(owner=rep, name="杭州东方化工股份有限公司", phone="0571-88886666", region="浙江省")


def test_the_write_path_keeps_the_normalised_name_on_create_update_and_bulk(rep, dongfang):
    assert dongfang.name_key == "杭州东方化工"
    renamed = {"name": "杭州東方化學有限公司"}
    services.dossier_update(customer=dongfang, values=renamed, sections={}, by=rep, today=TODAY)
    dongfang.refresh_from_db()
    assert dongfang.name_key == "杭州东方化学"
    item = CustomerInput.of(Action.UPSERT, external_id="ERP-9", values={"name": "Hangzhou Dongfang Chemical Co., Ltd."})
    result = services.dossiers_write(items=[item], by=rep, today=TODAY)
    assert Customer.objects.get(pk=result.items[0].customer_id).name_key == "hangzhoudongfangchemical"


def test_a_name_change_is_in_the_history_but_the_key_is_not(rep, dongfang):
    services.dossier_update(customer=dongfang, values={"name": "杭州东方化工"}, sections={}, by=rep, today=TODAY)
    assert "name_key" not in set(dongfang.changes.values_list("field", flat=True))
    assert dongfang.changes.filter(field="name").exists()


def test_the_data_migration_fills_existing_rows_in_batches(rep, dongfang, monkeypatch):
    migration = import_module("customers.migrations.0009_customer_name_key_and_merged_into")
    other = make_customer(owner=rep, name="宁波 北仑 港务（集团）有限公司")
    Customer.objects.update(name_key="")
    NameKey.objects.all().delete()
    monkeypatch.setattr(migration, "BATCH", 1)
    migration.fill_name_keys(apps, SimpleNamespace(connection=connection))
    keys = dict(Customer.objects.values_list("pk", "name_key"))
    assert keys == {dongfang.pk: "杭州东方化工", other.pk: "宁波北仑港务"}
    assert set(NameKey.objects.values_list("key", flat=True)) == {"杭州东方化工", "宁波北仑港务"}


def test_new_and_renamed_dossiers_add_their_normalised_name_to_the_search_table(rep, dongfang):
    services.dossier_update(customer=dongfang, values={"name": "杭州东方新材料"}, sections={}, by=rep, today=TODAY)
    make_customer(owner=rep, name="杭州东方化工有限公司")  # a known key is not added twice
    assert sorted(NameKey.objects.values_list("key", flat=True)) == ["杭州东方化工", "杭州东方新材料"]


def test_another_spelling_with_the_same_phone_is_suggested_first(manager, rep, dongfang):
    machinery = make_customer(owner=rep, name="杭州东方化工机械有限公司", region="浙江")
    make_customer(owner=rep, name="上海东方化工有限公司")
    suspects = selectors.duplicate_suspects(user=manager, name="杭州東方化工有限公司", phone="+86 571 8888 6666")
    assert [(s.code, s.reason, s.score) for s in suspects] == [
        (dongfang.code, "name_phone", 100.0),
        (machinery.code, "name", 85.7),  # 杭州东方化工 in 杭州东方化工机械: similar, nothing to tell them apart
    ]


def test_names_no_live_dossier_holds_do_not_crowd_out_a_similar_live_one(manager, rep, dongfang):
    """DOMAIN §2.3: the similar-name lookup weighs the 20 most similar normalised names. 21 dossiers once named
    closer to the new name than 杭州东方化工机械 and renamed since left their old names in the search table; the
    suggestion still finds the machinery company (PostgreSQL; SQLite compares names that start alike)."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigram lookup is PostgreSQL's; CI runs this test there")
    machinery = make_customer(owner=rep, name="杭州东方化工机械有限公司", region="浙江")
    for index, mark in enumerate("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌"):
        renamed = make_customer(owner=rep, name=f"杭州东方化工{mark}有限公司")
        values = {"name": f"宁波北仑港务{index}号仓库"}
        services.dossier_update(customer=renamed, values=values, sections={}, by=rep, today=TODAY)
    suspects = selectors.duplicate_suspects(user=manager, name="杭州東方化工有限公司")
    assert machinery.code in [s.code for s in suspects]


def test_the_same_name_in_another_region_is_another_company(manager, dongfang):
    assert selectors.duplicate_suspects(user=manager, name="杭州东方化工有限公司", region="广东") == []
    assert selectors.duplicate_suspects(user=manager, name="杭州东方化工有限公司", region="浙江")[0].reason == (
        "name_region"
    )


def test_the_dossier_itself_and_archived_dossiers_are_not_suggested(manager, dongfang):
    assert selectors.duplicate_suspects(user=manager, name=dongfang.name, exclude_id=dongfang.pk) == []
    services.customer_archive(customer=dongfang, by=manager)
    assert selectors.duplicate_suspects(user=manager, name=dongfang.name) == []


def test_a_rep_is_told_only_the_name_of_another_reps_customer(other_rep, dongfang):
    """DOMAIN §1: a rep sees another rep's customer masked (code, name, owner). The suggestion compares the name
    only: the phone the rep typed does not confirm the hidden phone (reason "name", not "name_phone")."""
    (suspect,) = selectors.duplicate_suspects(user=other_rep, name="杭州东方化工", phone="0571 88886666")
    assert (suspect.code, suspect.reason, suspect.masked, suspect.owner) == (dongfang.code, "name", True, "rep")
    assert selectors.duplicate_suspects(user=other_rep, name="杭州东方化工", region="广东")[0].reason == "name"


def test_a_user_without_a_role_learns_nothing(make_user, dongfang):
    assert selectors.duplicate_suspects(user=make_user(), name=dongfang.name) == []


def test_suggestions_run_a_constant_number_of_queries(manager, rep, django_assert_max_num_queries):
    for index in range(5):
        make_customer(owner=rep, name=f"杭州东方化工有限公司{index}分公司")
    make_customer(owner=rep, name="杭州东方化工")
    with django_assert_max_num_queries(4):  # the role, the similar names (PostgreSQL: and their floor), the rows
        suspects = selectors.duplicate_suspects(user=manager, name="杭州东方化工股份有限公司")
    assert suspects[0].name == "杭州东方化工"


def test_the_batch_variant_finds_equal_names_external_ids_and_credit_codes(manager, rep, dongfang, customer):
    probes = [
        selectors.DuplicateProbe("杭州東方化工", phone="057188886666"),
        "无关的公司",
        selectors.DuplicateProbe("别的名字", uscc=customer.unified_social_credit_code.lower()),
        "杭州东方化工有限公司",
    ]
    found = selectors.duplicate_suspects_many(names=probes, user=manager)
    assert {i: [(s.code, s.reason) for s in suspects] for i, suspects in found.items()} == {
        0: [(dongfang.code, "name_phone")],
        2: [(customer.code, "uscc")],
        3: [(dongfang.code, "name")],
    }


def test_the_batch_variant_is_set_based(manager, rep, dongfang, django_assert_max_num_queries):
    probes = [f"客户{n}" for n in range(300)] + ["杭州东方化工"]
    with django_assert_max_num_queries(2):
        found = selectors.duplicate_suspects_many(names=probes, user=manager)
    assert list(found) == [300]


def test_the_batch_variant_hides_another_reps_credit_code(other_rep, customer):
    probe = selectors.DuplicateProbe("别的名字", uscc=customer.unified_social_credit_code)
    assert selectors.duplicate_suspects_many(names=[probe], user=other_rep) == {}
