"""Uploaded PDFs are opened by a real PDF reader (pikepdf), object streams included (DOMAIN §9 scans, §2 credit
documents, the credit-report API): the attack files are built here, the way an attacker would."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archives.models import ArchiveDocument
from crm.uploads import upload_error, upload_verdict
from tests.factories import PDF, pdf_bytes

OBJECT_STREAMS = {"object_stream_mode": pikepdf.ObjectStreamMode.generate, "compress_streams": True}


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, **OBJECT_STREAMS)
    return out.getvalue()


def _with_open_action(**action) -> bytes:
    """A one-page PDF whose /OpenAction is an indirect object: saved inside a compressed object stream."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(**action))
    return _saved(pdf)


def javascript_in_object_stream() -> bytes:
    return _with_open_action(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('owned')"))


def launch_in_object_stream() -> bytes:
    return _with_open_action(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))


def embedded_file_in_object_stream() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", mime_type="application/octet-stream")
    return _saved(pdf)


def page_additional_action() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    hidden = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://evil.example/")))
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=hidden)
    return _saved(pdf)


def html_polyglot() -> bytes:
    """A valid PDF that is also a web page: the HTML sits in a comment right after the header line."""
    header, rest = PDF.split(b"\n", 1)
    return header + b"\n%<html><body><script>alert(document.domain)</script></body></html>\n" + rest


def _upload(content: bytes, name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_attack_files_hide_their_actions_from_a_byte_scan():
    """The premise of the finding: the names are compressed away, yet a reader runs the script."""
    content = javascript_in_object_stream()
    assert b"JavaScript" not in content
    assert b"/ObjStm" in content
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert str(pdf.Root.OpenAction.S) == "/JavaScript"


@pytest.mark.parametrize(
    "build",
    [javascript_in_object_stream, launch_in_object_stream, embedded_file_in_object_stream, page_additional_action],
    ids=["javascript-open-action", "launch-open-action", "embedded-file", "page-additional-action"],
)
def test_pdf_with_active_content_inside_compressed_object_streams_is_refused(build):
    verdict = upload_verdict(_upload(build()))
    assert verdict.error == "active_content"
    assert "scripts, actions or embedded files" in upload_error(_upload(build()))


def test_pdf_html_polyglot_is_refused_even_though_it_opens():
    content = html_polyglot()
    with pikepdf.open(io.BytesIO(content)):
        pass  # a PDF reader accepts it
    assert upload_verdict(_upload(content)).error == "polyglot"


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\n%%EOF\n", b"%PDF-1.7\n" + b"\x00" * 200, PDF[: len(PDF) // 3]],
    ids=["no-objects", "zeros", "truncated"],
)
def test_pdf_the_reader_cannot_open_is_refused(content):
    assert upload_verdict(_upload(content)).error == "unreadable"
    assert "cannot be read" in upload_error(_upload(content))


def test_clean_pdfs_are_accepted_with_or_without_object_streams():
    for content in (PDF, pdf_bytes(pages=3, **OBJECT_STREAMS), _with_open_action(S=pikepdf.Name.GoTo, D=[0])):
        verdict = upload_verdict(_upload(content))
        assert verdict.accepted, verdict
        assert verdict.content_type == "application/pdf"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "build", [javascript_in_object_stream, html_polyglot], ids=["javascript-open-action", "html-polyglot"]
)
def test_archive_api_refuses_the_attack_files_and_stores_nothing(api_for, make_user, customer, build):
    from crm import roles

    archivist = make_user(roles.ARCHIVIST, username="archivist")
    fields = {"doc_type": "business_licence", "title": "营业执照", "source": "customer", "room": "A", "cabinet": "3"}
    response = api_for(archivist).post(
        f"/api/v1/customers/{customer.code}/documents/", {**fields, "scan": _upload(build())}, format="multipart"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["scan"]
    assert not ArchiveDocument.objects.exists()
