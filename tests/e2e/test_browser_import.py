"""End to end in a real browser (DOMAIN §2.3): a sales manager uploads a GBK CSV, maps an odd header, sees the dry
run with its bad row, confirms, watches the progress bar while a worker writes the chunks, and sees the result."""

import csv
import io

import pytest
from django.utils import timezone

from crm import roles
from customers.models import Customer
from imports import services, tasks
from imports.models import ImportBatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def gbk_csv() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["客户编号", "名称", "电话", "负责人"])
    writer.writerows([[f"OLD-{n}", f"湖州{n}号阀门厂", f"0572-{n}", "boss"] for n in range(4)])
    writer.writerow(["OLD-9", "", "0572-9", "boss"])  # no name: a bad row
    return out.getvalue().encode("gbk")


def test_section_2_3_upload_map_dry_run_confirm_progress_result(
    live_server, browser, make_user, password, tmp_path, settings, monkeypatch
):
    make_user(roles.SALES_MANAGER, username="boss")
    queued = []
    monkeypatch.setattr(tasks.import_run_task, "delay", lambda *args: queued.append(args))  # the worker is us
    monkeypatch.setattr(services, "WRITE_CHUNK", 2)
    page = browser.new_context(locale="en-US").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")

    page.click("nav a:has-text('Import')")
    file = tmp_path / "旧系统客户.csv"
    file.write_bytes(gbk_csv())
    page.set_input_files("#id_file", str(file))
    page.select_option("#id_target", "customers")
    page.click("button:has-text('Upload and check')")
    page.wait_for_selector("[data-testid=mapping-form]")
    # 名称, 电话 and 负责人 are labels of fields and map themselves; 客户编号 names none
    assert page.input_value("[data-testid=mapping-form] select >> nth=0") == ""
    assert page.input_value("[data-testid=mapping-form] select >> nth=1") == "name"

    page.select_option("[data-testid=mapping-form] select >> nth=0", "external_id")
    page.click("button:has-text('Check again with this mapping')")
    page.wait_for_selector("[data-testid=bad-rows]")
    assert page.input_value("[data-testid=mapping-form] select >> nth=0") == "external_id"
    assert page.inner_text("[data-testid=count-create]") == "4"
    assert page.inner_text("[data-testid=count-invalid]") == "1"
    assert "This field is required." in page.inner_text("[data-testid=bad-rows]")
    assert not Customer.objects.exists()

    settings.CRM_IMPORT_SYNC_ROWS = 1  # from here on the file counts as large: a worker writes it
    page.click("button:has-text('Confirm the import')")
    page.wait_for_selector("[data-testid=import-progress]")
    batch = ImportBatch.objects.get()
    assert queued == [(batch.pk, timezone.localdate().isoformat())]
    services.import_write_chunk(batch_id=batch.pk, today=timezone.localdate())  # the worker's first chunk
    page.wait_for_selector("[data-testid=import-progress] .progress-bar:has-text('40%')")
    services.import_run(batch_id=batch.pk, today=timezone.localdate())  # …and the rest
    page.wait_for_selector("[data-testid=import-summary]")
    assert page.inner_text("[data-testid=import-status]") == "Done"
    assert page.inner_text("[data-testid=count-create]") == "4"
    assert page.is_visible("button:has-text('Undo this import')")
    assert Customer.objects.filter(external_id__startswith="OLD-").count() == 4
