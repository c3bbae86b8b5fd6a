"""Demo originals, scans and borrowings for seed_demo (DOMAIN §9), written through the real services."""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction

from archives import services
from archives.models import ArchiveDocument, Borrowing
from archives.rules.custody import BorrowingAction
from customers.models import Customer

DEMO_ARCHIVE_CUSTOMERS = 40


def demo_pdf(title: str) -> bytes:
    """A one-page PDF with one line of text: a stand-in for a scanned original."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    return body + f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def _register(customer: Customer, archivist, index: int, today: date) -> list[ArchiveDocument]:
    shelf = {"room": "A", "cabinet": str(1 + index // 10), "shelf": str(1 + index % 10)}
    licence = services.archive_document_register(
        customer=customer,
        values={"doc_type": "business_licence", "title": "营业执照 Business licence", "source": "customer",
                "issued_on": today - timedelta(days=900 + index), "view_only": True, **shelf},
        scan=ContentFile(demo_pdf(f"Business licence {customer.code}"), name="business-licence.pdf"),
        by=archivist, today=today,
    )  # fmt: skip
    contract = services.archive_document_register(
        customer=customer,
        values={"doc_type": "contract", "title": "年度供货合同 Supply contract", "source": "customer",
                "issued_on": today - timedelta(days=200 + index), "expires_on": today + timedelta(days=165 - index),
                "view_only": False, **shelf},
        scan=ContentFile(demo_pdf(f"Supply contract {customer.code}"), name="contract.pdf"),
        by=archivist, today=today,
    )  # fmt: skip
    report = services.archive_document_register(
        customer=customer,
        values={"doc_type": "credit_report", "title": "资信报告 Credit report", "source": "credit_agency",
                "issued_on": today - timedelta(days=300 + 10 * index),
                "expires_on": today + timedelta(days=65 - 10 * index), **shelf},
        by=archivist, today=today,
    )  # fmt: skip
    return [licence, contract, report]


@transaction.atomic
def seed_archives(*, customers: list[Customer], users: dict, today: date) -> int:
    """Originals for the first demo customers that have none, plus a pending, an overdue and a returned
    borrowing; returns how many originals were registered."""
    fresh = [c for c in customers[:DEMO_ARCHIVE_CUSTOMERS] if not c.archive_documents.exists()]
    archivist = users["archivist"]
    documents = [doc for index, customer in enumerate(fresh) for doc in _register(customer, archivist, index, today)]
    contracts = [doc for doc in documents if doc.doc_type == "contract"]
    if len(contracts) >= 3 and not Borrowing.objects.exists():
        _borrowings(contracts, users, today)
    return len(documents)


def _borrowings(contracts: list[ArchiveDocument], users: dict, today: date) -> None:
    archivist = users["archivist"]
    services.borrowing_request(
        document=contracts[0], purpose="核对付款条款 Check payment terms", due_on=today + timedelta(days=7),
        by=users["manager"], today=today,
    )  # fmt: skip
    for document, borrower, purpose in (
        (contracts[1], users["creditmgr"], "额度复核 Limit review"),
        (contracts[2], users["analyst"], "资信调查 Credit investigation"),
    ):
        borrowing = services.borrowing_request(
            document=document, purpose=purpose, due_on=today + timedelta(days=3), by=borrower, today=today
        )
        services.borrowing_step(borrowing=borrowing, action=BorrowingAction.APPROVE, by=archivist, today=today)
        services.borrowing_step(borrowing=borrowing, action=BorrowingAction.LEND, by=archivist, today=today)
    # The credit manager's loan was due two days ago: the nightly job reminds them and the archivist.
    Borrowing.objects.filter(document=contracts[1]).update(due_on=today - timedelta(days=2))
    returned = Borrowing.objects.get(document=contracts[2])
    services.borrowing_step(borrowing=returned, action=BorrowingAction.RETURN, by=archivist, today=today)
