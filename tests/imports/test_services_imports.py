"""Import of customers (DOMAIN §2.3): check (dry run), confirm, re-import unchanged, undo, chunks."""

import io
import zipfile

import pytest
from django.utils import timezone

from crm import roles
from customers import services as customer_services
from customers.models import BasicSection, ChangeRecord, Customer, ReviewState
from imports import services
from imports.models import ImportBatch, ImportRow
from tests.factories import make_customer, place_order
from tests.imports.conftest import csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db
ODD_HEADER = {"外部编号": "external_id"}  # the user maps the header that names no field


def checked(user, name, content, mapping=None):
    batch = services.import_upload(upload=upload(name, content), target="customers", mapping=mapping, by=user)
    return services.import_check(batch_id=batch.pk, today=timezone.localdate())


def imported(batch, user, *, create_duplicates=False):
    services.import_confirm(batch=batch, by=user, create_duplicates=create_duplicates)
    return services.import_run(batch_id=batch.pk, today=timezone.localdate())


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("list.csv", "utf-8"), ("list.csv", "utf-8-sig"), ("list.csv", "gbk"), ("list.csv", "gb18030")],
)
def test_section_2_3_a_csv_in_each_encoding_maps_its_chinese_headers_and_is_checked(rep, customer_rows, name, encoding):
    batch = checked(rep, name, csv_bytes(customer_rows, encoding=encoding), mapping=ODD_HEADER)
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.mapping["名称"] == "name"
    assert batch.mapping["外部编号"] == "external_id"
    assert batch.mapping["法定代表人"] == "basic.legal_representative"
    assert batch.summary == {"create": 3, "update": 0, "unchanged": 0, "invalid": 0, "suspected_duplicates": 0}
    assert not Customer.objects.exists()  # a dry run writes nothing


def test_an_xlsx_is_read_with_its_cached_values_and_numbers_as_text(rep):
    rows = [["name", "phone", "expected_monthly_purchases"], ["杭州东方化工", 13800001111, 1500.5]]
    batch = checked(rep, "list.xlsx", xlsx_bytes(rows))
    batch = imported(batch, rep)
    customer = Customer.objects.get()
    assert (customer.name, customer.phone, str(customer.expected_monthly_purchases)) == (
        "杭州东方化工",
        "13800001111",
        "1500.50",
    )


def test_confirm_writes_through_the_write_path_and_reimport_changes_nothing(rep, customer_rows):
    batch = imported(checked(rep, "list.csv", csv_bytes(customer_rows), ODD_HEADER), rep)
    assert batch.status == ImportBatch.Status.DONE
    assert batch.summary == {"create": 3, "update": 0, "unchanged": 0, "invalid": 0, "suspected_duplicates": 0}
    first = Customer.objects.get(external_id="ERP-1")
    assert (first.owner, first.kind, first.size, first.basic.legal_representative) == (
        rep,
        "intermediate",
        "medium",
        "王建国",
    )
    assert ChangeRecord.objects.filter(customer=first, field="created").exists()

    again = checked(rep, "list.csv", csv_bytes(customer_rows), ODD_HEADER)
    # the row without keys now resembles the dossier it created: held for a person, not created twice
    assert again.summary == {"create": 0, "update": 0, "unchanged": 2, "invalid": 0, "suspected_duplicates": 1}
    again = imported(again, rep)
    assert Customer.objects.count() == 3
    assert again.summary["unchanged"] == 2


def test_bad_rows_are_reported_with_their_reasons_and_skipped(rep):
    rows = [
        ["name", "email", "size", "payment_terms_days", "unified_social_credit_code"],
        ["好客户", "a@example.com", "small", "30", ""],
        ["", "b@example.com", "small", "30", ""],
        ["坏邮箱", "not-an-email", "huge", "900", "123"],
    ]
    batch = checked(rep, "list.csv", csv_bytes(rows))
    assert batch.summary["create"] == 1
    assert batch.summary["invalid"] == 2
    bad = dict(batch.row_set.filter(plan="invalid").values_list("number", "errors"))
    assert "name" in bad[3]
    assert set(bad[4]) >= {"email", "size", "payment_terms_days", "unified_social_credit_code"}
    batch = imported(batch, rep)
    assert list(Customer.objects.values_list("name", flat=True)) == ["好客户"]


def test_a_row_keyed_by_credit_code_updates_that_dossier(manager, rep):
    existing = make_customer(owner=rep, name="杭州精工", unified_social_credit_code="91350100M000100Y43", region="")
    rows = [["名称", "统一社会信用代码", "地区"], ["杭州精工", "91350100M000100Y43", "杭州"]]
    batch = checked(manager, "list.csv", csv_bytes(rows))
    assert batch.summary["update"] == 1
    imported(batch, manager)
    existing.refresh_from_db()
    assert (existing.region, existing.owner) == ("杭州", rep)


def test_suspected_duplicates_are_created_only_when_asked(rep):
    make_customer(owner=rep, name="杭州东方化工")
    rows = [["名称"], ["杭州东方化工"], ["宁波新客户"]]
    batch = checked(rep, "list.csv", csv_bytes(rows))
    assert batch.summary["suspected_duplicates"] == 1
    duplicate = batch.row_set.get(plan="duplicate").duplicate
    assert duplicate["code"] == Customer.objects.get(name="杭州东方化工").code
    imported(batch, rep)
    assert Customer.objects.filter(name="杭州东方化工").count() == 1

    batch = imported(checked(rep, "list.csv", csv_bytes(rows)), rep, create_duplicates=True)
    assert Customer.objects.filter(name="杭州东方化工").count() == 2


def test_a_rep_imports_only_their_own_customers_in_neutral_words(rep, other_rep):
    theirs = make_customer(owner=other_rep, name="别人的客户", external_id="X-9")
    rows = [["external_id", "name", "owner"], ["X-9", "改名", ""], ["N-1", "新客户", "other_rep"], ["N-2", "我的", ""]]
    batch = checked(rep, "list.csv", csv_bytes(rows))
    errors = dict(batch.row_set.filter(plan="invalid").values_list("number", "errors"))
    assert errors[2] == {"external_id": ["This external ID cannot be used for this customer."]}
    assert "owner" in errors[3]
    assert batch.summary["create"] == 1
    imported(batch, rep)
    theirs.refresh_from_db()
    assert theirs.name == "别人的客户"
    assert Customer.objects.get(external_id="N-2").owner == rep


def test_undo_takes_back_created_and_updated_rows(manager, rep):
    existing = make_customer(owner=rep, name="老客户", external_id="E-1", region="宁波")
    rows = [["external_id", "name", "region"], ["E-1", "老客户", "温州"], ["E-2", "新客户", "杭州"]]
    batch = imported(checked(manager, "list.csv", csv_bytes(rows)), manager)
    assert batch.summary["create"] == 1
    assert batch.summary["update"] == 1
    services.import_undo(batch=batch, by=manager, today=timezone.localdate())
    existing.refresh_from_db()
    assert existing.region == "宁波"
    assert not Customer.objects.filter(external_id="E-2").exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.UNDONE


def test_undo_gives_back_exactly_the_values_the_import_replaced_owner_and_sections_too(manager, rep, other_rep):
    existing = make_customer(
        owner=rep, name="老客户", external_id="E-1", region="宁波", sections={"basic": {"postcode": "315000"}}
    )
    rows = [
        ["external_id", "name", "region", "owner", "basic.postcode", "basic.legal_representative"],
        ["E-1", "老客户", "温州", other_rep.username, "315000", "王建国"],
    ]
    batch = imported(checked(manager, "list.csv", csv_bytes(rows)), manager)
    existing.refresh_from_db()
    assert (existing.owner, existing.region, existing.basic.legal_representative) == (other_rep, "温州", "王建国")
    # what the write replaced, read under its lock: the unchanged name and postcode need no undoing
    row = ImportRow.objects.get(batch=batch, number=2)
    assert row.before == {"region": "宁波", "owner": rep.username, "basic.legal_representative": ""}
    assert row.version_after == existing.version

    services.import_undo(batch=batch, by=manager, today=timezone.localdate())
    existing.refresh_from_db()
    existing.basic.refresh_from_db()
    assert (existing.owner, existing.region, existing.name) == (rep, "宁波", "老客户")
    assert (existing.basic.legal_representative, existing.basic.postcode) == ("", "315000")


def test_undo_is_refused_when_a_row_changed_since_and_nothing_is_taken_back(manager, rep):
    existing = make_customer(owner=rep, name="老客户", external_id="E-1", region="宁波")
    rows = [["external_id", "name", "region"], ["E-1", "老客户", "温州"], ["E-2", "新客户", "杭州"]]
    batch = imported(checked(manager, "list.csv", csv_bytes(rows)), manager)
    customer_services.dossier_update(
        customer=existing, values={"phone": "123"}, sections={}, by=rep, today=timezone.localdate()
    )
    with pytest.raises(services.ImportRefused) as refused:
        services.import_undo(batch=batch, by=manager, today=timezone.localdate())
    assert refused.value.conflict
    assert refused.value.rows == [2]
    assert Customer.objects.filter(external_id="E-2").exists()
    existing.refresh_from_db()
    assert existing.region == "温州"
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE


def test_undo_is_refused_when_a_created_dossier_has_an_order_since(manager, rep):
    rows = [["external_id", "name", "owner"], ["O-1", "下了单的客户", "rep"], ["O-2", "没下单的客户", "rep"]]
    batch = imported(checked(manager, "list.csv", csv_bytes(rows)), manager)
    ordered = Customer.objects.get(external_id="O-1")
    today = timezone.localdate()
    place_order(ordered, by=rep, amount="1000", order_date=today, today=today)
    with pytest.raises(services.ImportRefused) as refused:
        services.import_undo(batch=batch, by=manager, today=today)
    assert refused.value.rows == [2]  # the order's customer, by its row; the other is not named …
    assert Customer.objects.filter(external_id__in=["O-1", "O-2"]).count() == 2  # … and stays too


def test_undo_removes_a_created_dossier_with_its_sections_history_and_review_state(manager):
    rows = [["external_id", "name", "owner", "法定代表人"], ["S-1", "带分区的客户", "manager", "王建国"]]
    batch = imported(checked(manager, "list.csv", csv_bytes(rows)), manager)
    created = Customer.objects.get(external_id="S-1")
    assert ChangeRecord.objects.filter(customer=created).exists()
    assert BasicSection.objects.filter(customer=created).exists()
    services.import_undo(batch=batch, by=manager, today=timezone.localdate())
    assert not Customer.objects.filter(pk=created.pk).exists()
    assert not ChangeRecord.objects.filter(customer_id=created.pk).exists()
    assert not BasicSection.objects.filter(customer_id=created.pk).exists()
    assert not ReviewState.objects.filter(customer_id=created.pk).exists()


def test_a_worker_killed_in_the_middle_chunk_resumes_without_duplicates(manager, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 2)
    rows = [["external_id", "name", "owner"]] + [[f"K-{n}", f"客户{n}", "manager"] for n in range(5)]
    batch = checked(manager, "list.csv", csv_bytes(rows))
    services.import_confirm(batch=batch, by=manager, create_duplicates=False)
    from imports.targets import customers as target

    real, calls = target.rows_write, []

    def dies_in_chunk_two(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            kwargs["user"] = manager
            real(**kwargs)  # the chunk's rows are written inside its transaction…
            raise RuntimeError("worker killed")  # …and the transaction dies with the worker
        return real(**kwargs)

    monkeypatch.setattr(target, "rows_write", dies_in_chunk_two)
    with pytest.raises(RuntimeError):
        services.import_run(batch_id=batch.pk, today=timezone.localdate())
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.rows_done == 2
    assert Customer.objects.count() == 2  # the first chunk, whole; nothing of the second

    monkeypatch.setattr(target, "rows_write", real)
    batch = imported(batch, manager)
    assert batch.status == ImportBatch.Status.DONE
    assert Customer.objects.count() == 5
    assert batch.summary["create"] == 5
    assert ImportRow.objects.filter(batch=batch, outcome="created").count() == 5


def test_integration_must_name_the_owner(make_user, rep):
    erp = make_user(roles.INTEGRATION, username="erp")
    rows = [["external_id", "name", "owner"], ["I-1", "甲", "rep"], ["I-2", "乙", ""]]
    batch = checked(erp, "list.csv", csv_bytes(rows))
    assert batch.summary["create"] == 1
    assert batch.summary["invalid"] == 1


def test_section_2_3_another_spelling_of_an_existing_customer_is_a_suspected_duplicate(rep):
    existing = make_customer(owner=rep, name="杭州东方化工股份有限公司", phone="0571-88001234", region="杭州")
    rows = [["名称", "电话", "地区"], ["杭州东方化工有限公司", "0571-88001234", "杭州"], ["杭州东方化工", "", "宁波"]]
    batch = checked(rep, "list.csv", csv_bytes(rows))
    duplicates = dict(batch.row_set.filter(plan="duplicate").values_list("number", "duplicate"))
    assert duplicates[2]["code"] == existing.code
    assert duplicates[2]["reason"] == "name_phone"
    assert 3 not in duplicates  # the same name in another region: told apart (DOMAIN §2.3), created
    assert batch.summary["create"] == 1


def with_cached_value(xlsx: bytes, formula: str, cached: str) -> bytes:
    """The workbook as Excel saves it: the formula with the value it last computed (openpyxl writes none)."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{cached}</v>".encode())
            target.writestr(item, data)
    return out.getvalue()


def test_an_xlsx_formula_is_never_evaluated_only_its_cached_value_read(rep):
    rows = [
        ["name", "payment_terms_days", "address"],
        ["公式客户", "=30+15", '=HYPERLINK("http://example.com","点我")'],
    ]
    content = with_cached_value(xlsx_bytes(rows), "30+15", "60")  # a stale cached value: read as it is
    batch = imported(checked(rep, "list.xlsx", content), rep)
    assert batch.summary["create"] == 1
    customer = Customer.objects.get()
    assert customer.payment_terms_days == 60  # the cached value, not 45
    assert customer.address == ""  # no cached value: nothing computed, nothing fetched


def test_one_dossier_written_by_rows_in_two_chunks_is_undone_to_its_first_values(manager, monkeypatch):
    # rows far apart in a large file: each chunk alone (within one chunk a repeated key is an invalid row)
    monkeypatch.setattr(services, "WRITE_CHUNK", 1)
    monkeypatch.setattr(services, "CHECK_CHUNK", 1)
    rows = [
        ["external_id", "name", "region", "owner"],
        ["D-1", "两次", "杭州", "manager"],
        ["D-1", "两次", "宁波", "manager"],
    ]
    make_customer(owner=manager, name="已有", external_id="D-0", region="温州")
    rows.append(["D-0", "已有", "台州", "manager"])
    rows.append(["D-0", "已有", "丽水", "manager"])
    batch = imported(checked(manager, "list.csv", csv_bytes(rows)), manager)
    assert Customer.objects.get(external_id="D-1").region == "宁波"
    assert Customer.objects.get(external_id="D-0").region == "丽水"
    services.import_undo(batch=batch, by=manager, today=timezone.localdate())
    assert not Customer.objects.filter(external_id="D-1").exists()
    assert Customer.objects.get(external_id="D-0").region == "温州"


def test_a_large_files_rows_are_counted_for_the_planner_at_upload(manager, monkeypatch):
    """Chunk statements join outcomes to the rows by key; with the table's statistics still at an emptier state the
    planner read the whole table for each row (PostgreSQL: the upload brings them up to date)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    monkeypatch.setattr(services, "ANALYZE_FROM_ROWS", 3)
    rows = [["external_id", "name", "owner"]] + [[f"A-{n}", f"客户{n}", "manager"] for n in range(4)]
    services.import_upload(upload=upload("list.csv", csv_bytes(rows)), target="customers", mapping=None, by=manager)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'imports_importrow'")
        assert cursor.fetchone()[0] >= 4
