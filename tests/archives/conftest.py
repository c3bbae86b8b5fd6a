from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archives import services
from crm import roles
from tests.factories import PDF

TODAY = date(2026, 11, 22)


def pdf_upload(name: str = "licence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def archivist(make_user):
    return make_user(roles.ARCHIVIST, username="archivist")


@pytest.fixture
def second_archivist(make_user):
    return make_user(roles.ARCHIVIST, username="archivist2")


@pytest.fixture
def credit_manager(make_user):
    return make_user(roles.CREDIT_MANAGER, username="credit_manager")


@pytest.fixture
def licence(customer, archivist):
    """The customer's business licence, registered with its scan."""
    values = {
        "doc_type": "business_licence",
        "title": "营业执照 正本",
        "source": "customer",
        "issued_on": date(2020, 5, 1),
        "room": "A",
        "cabinet": "3",
        "shelf": "2",
        "view_only": False,  # released for loan by the archivist (the default is view-only)
    }
    return services.archive_document_register(
        customer=customer, values=values, scan=pdf_upload(), by=archivist, today=TODAY
    )


@pytest.fixture
def successor(make_user):
    return make_user(roles.SALES, username="successor")
