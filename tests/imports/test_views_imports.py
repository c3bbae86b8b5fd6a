"""The Import page (DOMAIN §2.3): upload, mapping with a select per column, dry run, confirm, progress, undo."""

import pytest

from crm import roles
from customers.models import Customer
from imports.models import ImportBatch, SavedMapping
from tests.factories import make_customer
from tests.imports.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db
ROWS = [["客户编号", "名称", "电话"], ["V-1", "嘉兴甲阀门", "0573-1"], ["V-2", "", "0573-2"]]


def test_upload_map_an_odd_header_confirm_and_undo(client_for, rep):
    client = client_for(rep)
    page = client.get("/imports/")
    assert page.status_code == 200
    response = client.post(
        "/imports/", {"file": upload("list.csv", csv_bytes(ROWS, encoding="gbk")), "target": "customers"}
    )
    batch = ImportBatch.objects.get()
    assert response.url == f"/imports/{batch.pk}/"
    page = client.get(response.url).content.decode()
    assert "客户编号" in page
    assert "Invalid rows" in page
    assert "This field is required." in page

    client.post(f"/imports/{batch.pk}/mapping/", {"column_0": "external_id", "column_1": "name", "column_2": "phone"})
    batch.refresh_from_db()
    assert batch.mapping == {"客户编号": "external_id", "名称": "name", "电话": "phone"}
    client.post(f"/imports/{batch.pk}/mapping/save/", {"name": "老系统导出"})
    assert SavedMapping.objects.get(name="老系统导出").mapping == batch.mapping

    client.post(f"/imports/{batch.pk}/confirm/")
    assert Customer.objects.get(external_id="V-1").owner == rep
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Undo this import" in page
    client.post(f"/imports/{batch.pk}/undo/")
    assert not Customer.objects.exists()


def test_a_saved_mapping_is_used_for_the_next_file(client_for, rep):
    SavedMapping.objects.create(
        target="customers", name="老系统导出", mapping={"客户编号": "external_id"}, saved_by=rep
    )
    client = client_for(rep)
    saved = SavedMapping.objects.get()
    client.post(
        "/imports/", {"file": upload("list.csv", csv_bytes(ROWS)), "target": "customers", "saved_mapping": saved.pk}
    )
    assert ImportBatch.objects.get().mapping["客户编号"] == "external_id"


def test_bad_files_are_refused_on_the_form_and_nothing_is_stored(client_for, rep):
    response = client_for(rep).post(
        "/imports/", {"file": upload("virus.csv", b"MZ\x90\x00binary"), "target": "customers"}
    )
    assert response.status_code == 200
    assert "does not match its type" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_suspected_duplicates_link_to_the_dossier_they_resemble(client_for, rep):
    existing = make_customer(owner=rep, name="嘉兴甲阀门")
    client = client_for(rep)
    client.post("/imports/", {"file": upload("list.csv", csv_bytes([["名称"], ["嘉兴甲阀门"]])), "target": "customers"})
    page = client.get(f"/imports/{ImportBatch.objects.get().pk}/").content.decode()
    assert f'href="/customers/{existing.code}/"' in page


def test_the_progress_fragment_polls_while_running_and_reloads_when_done(client_for, rep):
    batch = ImportBatch.objects.create(
        target="customers",
        file_name="big.csv",
        sha256="0" * 64,
        rows=10,
        rows_done=4,
        progress=40,
        status=ImportBatch.Status.IMPORTING,
        created_by=rep,
    )
    client = client_for(rep)
    fragment = client.get(f"/imports/{batch.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert 'data-width="40"' in fragment
    assert 'data-testid="import-progress"' in client.get(f"/imports/{batch.pk}/").content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.DONE, progress=100)
    done = client.get(f"/imports/{batch.pk}/progress/")
    assert done["HX-Refresh"] == "true"


def test_the_page_is_in_the_navigation_for_importers_only(client_for, make_user, rep):
    assert 'href="/imports/"' in client_for(rep).get("/").content.decode()
    service = make_user(roles.CUSTOMER_SERVICE, username="svc")
    client = client_for(service)
    assert 'href="/imports/"' not in client.get("/").content.decode()
    assert client.get("/imports/").status_code == 403


def test_the_import_list_and_a_batch_run_a_constant_number_of_queries(
    client_for, api_for, manager, django_assert_max_num_queries
):
    for n in range(3):
        batch = ImportBatch.objects.create(
            target="customers", file_name=f"{n}.csv", sha256="0" * 64, rows=1, created_by=manager
        )
    client = client_for(manager)
    with django_assert_max_num_queries(12):
        assert client.get("/imports/").status_code == 200
    for n in range(30):
        ImportBatch.objects.create(
            target="customers", file_name=f"x{n}.csv", sha256="0" * 64, rows=1, created_by=manager
        )
    with django_assert_max_num_queries(12):
        assert client.get("/imports/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/imports/{batch.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api_for(manager).get(f"/api/v1/imports/{batch.pk}/").status_code == 200


def test_a_credit_analyst_imports_payments_but_is_told_on_the_form_that_customers_are_not_theirs(client_for, make_user):
    analyst = make_user(roles.CREDIT_ANALYST, username="analyst")
    client = client_for(analyst)
    response = client.post("/imports/", {"file": upload("list.csv", csv_bytes(ROWS)), "target": "customers"})
    assert response.status_code == 200
    assert "You may not import these records." in response.content.decode()
    assert not ImportBatch.objects.exists()
