"""The credit file 客户资信档案 (issue 13 point 5, DOMAIN §11): a PDF per customer in the reader's language, read
like the dossier and logged; its text checked with pdftotext."""

import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from credit import credit_file, services
from credit.services import OrderLineInput
from crm.models import AccessLog
from customers import services as customer_services
from tests.conftest import running_in_ci
from tests.factories import APPROVAL_NOTE, make_customer

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
D = Decimal


def _text(pdf: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None or not credit_file.cjk_font_installed():
        message = "pdftotext and a Chinese font are needed: apt-get install -y poppler-utils fonts-noto-cjk"
        if running_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    path = tmp_path / "file.pdf"
    path.write_bytes(pdf)
    found = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True)  # noqa: S603
    return found.stdout


@pytest.fixture
def filed(people):
    """A medium customer with figures, an agency report, a 5C assessment, an approved limit and an overdue order."""
    customer = make_customer(
        owner=people["rep"], name="杭州东方化工有限公司", size="medium", unified_social_credit_code="91350100M000100Y43"
    )
    customer_services.operating_status_update(
        customer=customer,
        values={},
        figures=[
            customer_services.FigureInput("total_assets", D(2_000_000), TODAY),
            customer_services.FigureInput("total_liabilities", D(800_000), TODAY),
        ],
        source="tax_authority",
        by=people["rep"],
        today=TODAY,
    )
    customer_services.credit_document_add(
        customer=customer,
        by=people["analyst"],
        values={"doc_type": "credit_report", "title": "Agency report 2026", "source": "credit_agency",
                "obtained_on": TODAY, "issued_on": TODAY},
        today=TODAY,
    )  # fmt: skip
    services.assessment_submit(
        customer=customer,
        method="5c",
        ratings=dict.fromkeys(("character", "capacity", "capital", "collateral", "conditions"), 8),
        model=None,
        notes="Visited the plant",
        by=people["analyst"],
        today=TODAY,
    )
    request = services.credit_limit_request_create(
        customer=customer, amount=D(150_000), reason="annual", by=people["analyst"], today=TODAY
    )
    services.credit_limit_approve(request=request, by=people["cm"], today=TODAY, note=APPROVAL_NOTE)
    services.order_place(
        customer=customer,
        lines=[OrderLineInput("DN100 gate valve", D(1), D(40_000))],
        order_date=TODAY - timedelta(days=80),
        due_date=TODAY - timedelta(days=50),
        by=people["erp"],
        today=TODAY,
        historical=True,
    )
    return customer


def test_the_credit_file_in_english_holds_every_part(filed, people, client_for, tmp_path):
    response = client_for(people["cm"]).get(reverse("credit_file", args=[filed.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="credit-file-{filed.code}-2026-11-22.pdf"' in response["Content-Disposition"]
    text = _text(response.content, tmp_path)
    for expected in (
        "Credit file",
        "杭州东方化工有限公司",
        "91350100M000100Y43",
        "Debt ratio: 0.4000",
        "Agency report 2026",
        "Credit agency",
        "Character",
        "Approved 150,000",
        "Agreed by the credit committee",
        "31–60 days overdue",
        "40,000",
        "Tax authority",
    ):
        assert expected in text, expected


def test_the_credit_file_in_chinese(filed, people, api_for, tmp_path):
    response = api_for(people["cm"]).get(reverse("api_credit_file", args=[filed.code]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    text = _text(response.content, tmp_path)
    assert "客户资信档案" in text
    assert "资产负债率" in text
    assert "征信机构" in text
    assert "逾期 31–60 天" in text


def test_the_download_is_logged_and_refused_like_the_dossier(filed, people, make_user, client_for, api_for):
    client_for(people["cm"]).get(reverse("credit_file", args=[filed.code]))
    assert AccessLog.objects.filter(user=people["cm"], customer=filed, object_ref="credit_file").exists()
    from crm import roles

    stranger = make_user(roles.SALES, username="stranger")
    assert api_for(stranger).get(reverse("api_credit_file", args=[filed.code])).status_code == 403


def test_without_a_chinese_font_the_download_says_what_to_install(filed, people, client_for, monkeypatch):
    monkeypatch.setattr(credit_file, "cjk_font_installed", lambda: False)
    response = client_for(people["cm"]).get(reverse("credit_file", args=[filed.code]))
    assert response.status_code == 503
    assert "fonts-noto-cjk" in response.content.decode()
