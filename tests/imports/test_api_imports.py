"""API.md "Import and merge": upload → dry run, read, confirm, undo (409 when rows changed since)."""

import json

import pytest
from django.utils import timezone

from crm import roles
from customers import services as customer_services
from customers.models import Customer
from tests.imports.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db
ROWS = [["external_id", "name", "owner"], ["A-1", "宁波甲", "rep"], ["A-2", "宁波乙", "rep"], ["A-3", "", "rep"]]


def post_file(api, content: bytes, name="list.csv", **fields):
    return api.post(
        "/api/v1/imports/", {"file": upload(name, content), "target": "customers", **fields}, format="multipart"
    )


def test_upload_is_a_dry_run_then_confirm_writes_and_undo_takes_back(api_for, manager, rep):
    api = api_for(manager)
    response = post_file(api, csv_bytes(ROWS))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "checked"
    assert body["summary"] == {"create": 2, "update": 0, "unchanged": 0, "invalid": 1, "suspected_duplicates": 0}
    assert body["errors"] == [{"row": 4, "errors": {"name": ["This field is required."]}}]
    assert not Customer.objects.exists()

    confirmed = api.post(f"/api/v1/imports/{body['id']}/confirm/", {}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "done"
    assert Customer.objects.filter(owner=rep).count() == 2
    assert api.get(f"/api/v1/imports/{body['id']}/").json()["progress"] == 100

    undone = api.post(f"/api/v1/imports/{body['id']}/undo/")
    assert undone.status_code == 200
    assert undone.json()["status"] == "undone"
    assert not Customer.objects.exists()


def test_undo_answers_409_with_the_rows_changed_since(api_for, manager, rep):
    api = api_for(manager)
    batch = post_file(api, csv_bytes(ROWS[:3])).json()
    api.post(f"/api/v1/imports/{batch['id']}/confirm/", {}, format="json")
    changed = Customer.objects.get(external_id="A-2")
    customer_services.dossier_update(
        customer=changed, values={"region": "宁波"}, sections={}, by=manager, today=timezone.localdate()
    )
    response = api.post(f"/api/v1/imports/{batch['id']}/undo/")
    assert response.status_code == 409
    assert response.json()["rows"] == [3]
    assert Customer.objects.count() == 2


def test_a_mapping_maps_odd_headers_and_bad_mappings_are_400(api_for, manager):
    api = api_for(manager)
    rows = [["客户编号", "单位名称", "owner"], ["B-1", "台州丙", "manager"]]
    mapping = json.dumps({"客户编号": "external_id", "单位名称": "name"})
    body = post_file(api, csv_bytes(rows), mapping=mapping).json()
    assert body["summary"]["create"] == 1
    assert body["mapping"] == {"客户编号": "external_id", "单位名称": "name", "owner": "owner"}
    response = post_file(api, csv_bytes(rows), mapping=json.dumps({"客户编号": "no_such_field"}))
    assert response.status_code == 400
    assert "mapping" in response.json()
    assert post_file(api, csv_bytes(rows), mapping="[").status_code == 400


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("list.csv", b"", "empty"),
        ("list.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "does not match"),
        ("setup.exe", b"MZ\x90\x00", "Only CSV and XLSX"),
        ("list.xlsx", b"name,phone\nA,1\n", "does not match"),
        ("list.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
        ("list.csv", b"name,phone\n", "header row but no data rows"),
        (
            "list.csv",
            (",".join(f"c{i}" for i in range(101)) + "\n" + ",".join("x" * 101) + "\n").encode(),
            "100 columns",
        ),
        ("list.csv", b"\xff\xfe\xfd,\x81\n\x80\x80,\xff\n", "neither UTF-8 nor GBK"),
    ],
    ids=["empty", "renamed-exe", "exe", "text-as-xlsx", "old-xls", "header-only", "101-columns", "not-text"],
)
def test_bad_files_get_a_clear_400_and_nothing_is_stored(api_for, manager, name, content, words):
    from imports.models import ImportBatch

    response = post_file(api_for(manager), content, name=name)
    assert response.status_code == 400
    assert words in response.json()["file"][0]
    assert not ImportBatch.objects.exists()


def test_files_over_the_size_limit_are_refused(api_for, manager, settings):
    settings.CRM_IMPORT_MAX_MB = 0
    response = post_file(api_for(manager), csv_bytes(ROWS))
    assert response.status_code == 400
    assert "larger than the limit" in response.json()["file"][0]


def test_csv_injection_cells_are_stored_as_the_text_they_are(api_for, manager):
    api = api_for(manager)
    rows = [["external_id", "name", "address", "owner"], ["F-1", '=HYPERLINK("http://x")', "+86 @SUM(A1)", "manager"]]
    batch = post_file(api, csv_bytes(rows)).json()
    api.post(f"/api/v1/imports/{batch['id']}/confirm/", {}, format="json")
    customer = Customer.objects.get(external_id="F-1")
    assert (customer.name, customer.address) == ('=HYPERLINK("http://x")', "+86 @SUM(A1)")


def test_who_may_import_and_see_imports(api_for, make_user, manager, rep):
    service = make_user(roles.CUSTOMER_SERVICE, username="svc")
    assert post_file(api_for(service), csv_bytes(ROWS)).status_code == 403
    batch = post_file(api_for(manager), csv_bytes(ROWS)).json()
    assert api_for(rep).get(f"/api/v1/imports/{batch['id']}/").status_code == 404  # another user's import
    assert api_for(rep).post(f"/api/v1/imports/{batch['id']}/confirm/", {}, format="json").status_code == 404
    own = post_file(api_for(rep), csv_bytes(ROWS)).json()
    assert api_for(manager).get(f"/api/v1/imports/{own['id']}/").status_code == 200  # a manager sees every import
    assert api_for(manager).post(f"/api/v1/imports/{own['id']}/confirm/", {}, format="json").status_code == 403


def test_confirming_twice_is_409(api_for, manager, rep):
    api = api_for(manager)
    batch = post_file(api, csv_bytes(ROWS)).json()
    api.post(f"/api/v1/imports/{batch['id']}/confirm/", {}, format="json")
    assert api.post(f"/api/v1/imports/{batch['id']}/confirm/", {}, format="json").status_code == 409
    assert Customer.objects.count() == 2


def test_large_files_are_checked_and_written_by_a_task(api_for, manager, settings, django_capture_on_commit_callbacks):
    settings.CRM_IMPORT_SYNC_ROWS = 1
    settings.CELERY_TASK_ALWAYS_EAGER = True
    api = api_for(manager)
    rows = [["external_id", "name", "owner"], *([f"L-{n}", f"客户{n}", "manager"] for n in range(5))]
    with django_capture_on_commit_callbacks(execute=True):
        body = post_file(api, csv_bytes(rows)).json()
    assert body["status"] == "checking"
    assert api.get(f"/api/v1/imports/{body['id']}/").json()["status"] == "checked"
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/imports/{body['id']}/confirm/", {}, format="json").json()["status"] == "importing"
    done = api.get(f"/api/v1/imports/{body['id']}/").json()
    assert (done["status"], done["progress"], done["summary"]["create"]) == ("done", 100, 5)
