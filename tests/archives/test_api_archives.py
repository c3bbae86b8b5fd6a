"""Archive API (DOMAIN §9, API.md conventions): list, register with upload, read, download (logged), upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archives.models import ArchiveDocument
from crm import roles
from crm.models import AccessLog
from tests.archives.conftest import PDF, pdf_upload

pytestmark = pytest.mark.django_db

FIELDS = {"doc_type": "business_licence", "title": "营业执照", "source": "customer", "room": "A", "cabinet": "3"}


def test_section_9_archivist_registers_with_a_multipart_upload(api_for, archivist, customer):
    response = api_for(archivist).post(
        f"/api/v1/customers/{customer.code}/documents/", {**FIELDS, "scan": pdf_upload()}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("ARC-")
    assert (body["customer"], body["status"], body["doc_type_display"]) == (
        customer.code,
        "in_place",
        "Business licence",
    )
    assert body["scan_info"] == {"name": "licence.pdf", "size": len(PDF), "content_type": "application/pdf"}
    assert "scan" not in body


def test_section_9_registering_is_for_archivists_only(api_for, rep, customer):
    response = api_for(rep).post(f"/api/v1/customers/{customer.code}/documents/", FIELDS, format="json")
    assert response.status_code == 403
    assert not ArchiveDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("x.pdf", b"#!/bin/sh\nid\n"), ("x.html", b"<script>alert(1)</script>"), ("x.pdf", PDF + b"/Launch")],
    ids=["script-as-pdf", "html", "pdf-launch-action"],
)
def test_section_9_bad_scans_get_400_with_the_field_error_and_nothing_is_saved(
    api_for, archivist, customer, name, content
):
    upload = SimpleUploadedFile(name, content)
    response = api_for(archivist).post(
        f"/api/v1/customers/{customer.code}/documents/", {**FIELDS, "scan": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["scan"]
    assert not ArchiveDocument.objects.exists()


def test_section_9_bad_dates_get_400(api_for, archivist, customer):
    data = {**FIELDS, "issued_on": "2024-05-01", "expires_on": "2024-04-01"}
    response = api_for(archivist).post(f"/api/v1/customers/{customer.code}/documents/", data, format="json")
    assert response.status_code == 400
    assert "expires_on" in response.json()


def test_section_9_list_is_paginated_and_scoped(api_for, manager, other_rep, licence, django_assert_max_num_queries):
    client = api_for(manager)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/customers/{licence.customer.code}/documents/?page_size=10")
    assert response.status_code == 200
    assert [d["number"] for d in response.json()["results"]] == [licence.number]
    assert api_for(other_rep).get(f"/api/v1/customers/{licence.customer.code}/documents/").status_code == 403
    assert api_for(other_rep).get(f"/api/v1/archive-documents/{licence.number}/").status_code == 403


def test_section_9_download_needs_a_reason_and_is_logged(api_for, manager, licence):
    client = api_for(manager)
    missing_reason = client.get(f"/api/v1/archive-documents/{licence.number}/scan/")
    assert missing_reason.status_code == 400
    assert "reason" in missing_reason.json()
    response = client.get(f"/api/v1/archive-documents/{licence.number}/scan/?reason=credit+review")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    entry = AccessLog.objects.get()
    assert (entry.user, entry.channel, entry.action, entry.reason) == (
        manager,
        "api",
        "document_download",
        "credit review",
    )


def test_section_9_download_refused_to_another_rep_and_logged(api_for, other_rep, licence):
    response = api_for(other_rep).get(f"/api/v1/archive-documents/{licence.number}/scan/?reason=curious")
    assert response.status_code == 403
    assert AccessLog.objects.get().action == "access_denied"


def test_section_9_unknown_document_is_404(api_for, manager):
    assert api_for(manager).get("/api/v1/archive-documents/ARC-1999-000001/").status_code == 404


def test_section_9_archivist_replaces_the_scan(api_for, archivist, manager, licence):
    png = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    response = api_for(archivist).post(
        f"/api/v1/archive-documents/{licence.number}/scan/", {"scan": png}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["scan_info"]["content_type"] == "image/png"
    refused = api_for(manager).post(
        f"/api/v1/archive-documents/{licence.number}/scan/", {"scan": pdf_upload()}, format="multipart"
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("role", [roles.CUSTOMER_SERVICE, roles.CREDIT_ANALYST, roles.ARCHIVIST])
def test_section_9_archive_staff_read_any_customers_documents(api_for, make_user, licence, role):
    response = api_for(make_user(role)).get(f"/api/v1/archive-documents/{licence.number}/")
    assert response.status_code == 200
    assert response.json()["room"] == "A"
