"""Form validation: clear errors, nothing saved (DOMAIN §2, §2.2)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.models import AccessLog
from customers.forms import CreditDocumentForm, FinancialFiguresForm, InteractionForm
from tests.factories import PDF

pytestmark = pytest.mark.django_db

DOCUMENT = {"doc_type": "credit_report", "title": "Dun report", "source": "credit_agency", "obtained_on": "2026-10-01"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("report.exe", b"MZ\x90\x00", "Only PDF, PNG, JPEG and TIFF", id="wrong-type"),
        pytest.param(
            "report.pdf", b"<script>alert(1)</script>", "does not match its type", id="script-disguised-as-pdf"
        ),
        pytest.param("report.pdf", PDF + b" " * (20 * 1024 * 1024), "larger than the limit of 20 MB", id="too-large"),
    ],
)
def test_credit_document_upload_is_checked(name, content, message):
    form = CreditDocumentForm(DOCUMENT, {"file": SimpleUploadedFile(name, content)})
    assert not form.is_valid()
    assert message in str(form.errors["file"])


def test_credit_document_validity_cannot_end_before_issue():
    form = CreditDocumentForm({**DOCUMENT, "issued_on": "2026-09-01", "valid_until": "2026-08-01"})
    assert not form.is_valid()
    assert "valid_until" in form.errors


def test_financial_figure_dated_in_the_future_is_refused():
    form = FinancialFiguresForm({"source": "bank", "net_worth": "5", "net_worth_as_of": "2999-01-01"})
    assert not form.is_valid()
    assert "net_worth_as_of" in form.errors


def test_interaction_cannot_be_dated_in_the_future():
    form = InteractionForm({"kind": "visit_report", "occurred_on": "2999-01-01", "subject": "x"})
    assert not form.is_valid()
    assert "occurred_on" in form.errors


def test_uploaded_document_is_served_only_to_full_readers_and_logged(customer, rep, other_rep, manager, client_for):
    """DOMAIN §2.2 documents with their source; copies are served through an access-checked view."""
    client = client_for(rep)
    response = client.post(
        reverse("credit_document_create", args=[customer.code]),
        {**DOCUMENT, "file": SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    document = customer.credit_documents.get()
    assert document.source == "credit_agency"
    url = reverse("credit_document_file", args=[customer.code, document.pk])
    assert b"".join(client.get(url).streaming_content) == PDF
    assert client_for(other_rep).get(url).status_code == 403
    assert client_for(manager).get(url).status_code == 200
    assert AccessLog.objects.filter(user=manager, action="document_download").count() == 1
    assert AccessLog.objects.filter(user=rep, action="document_download").count() == 1  # the owner's too (§9)
    assert not AccessLog.objects.filter(user=rep, action="dossier_read").exists()


def test_a_rejected_upload_adds_no_document(customer, rep, client_for):
    response = client_for(rep).post(
        reverse("credit_document_create", args=[customer.code]),
        {**DOCUMENT, "file": SimpleUploadedFile("report.pdf", b"#!/bin/sh\nrm -rf /")},
    )
    assert response.status_code == 200
    assert not customer.credit_documents.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("valid_until", "9999-12-31", id="valid-until-9999"),
        pytest.param("issued_on", "0001-01-01", id="issued-year-1"),
    ],
)
def test_credit_document_dates_must_be_plausible(field, value):
    """Issue 16 §3: dates between 1900 and ten years ahead (crm/rules/dates.py), the same bound as the API."""
    form = CreditDocumentForm(data={**DOCUMENT, field: value})
    assert not form.is_valid()
    assert "Enter a date between 1900-01-01" in form.errors[field][0]


def test_financial_figure_dates_must_be_plausible():
    form = FinancialFiguresForm(
        data={"source": "credit_agency", "total_assets": "100", "total_assets_as_of": "0001-01-01"}
    )
    assert not form.is_valid()
    assert "total_assets_as_of" in form.errors
