"""DOMAIN §9 electronic copies and §2 credit documents: which uploads are accepted (pure rule, no database)."""

import pytest

from crm.rules.uploads import PdfContent, check_copy, copy_type_for_name

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
TIFF = b"II*\x00" + b"\x00" * 32
MAX = 1000
READABLE = PdfContent(opened=True, names=frozenset({"Type", "Catalog", "Pages", "Page", "OpenAction", "GoTo", "URI"}))


def check(name: str, content: bytes, *, size: int | None = None, pdf: PdfContent | None = READABLE, max_bytes=MAX):
    size = len(content) if size is None else size
    return check_copy(name=name, size=size, head=content[:16], body=content, max_bytes=max_bytes, pdf=pdf)


@pytest.mark.parametrize(
    ("name", "content", "copy_type", "mime"),
    [
        ("licence.pdf", PDF, "pdf", "application/pdf"),
        ("LICENCE.PDF", PDF, "pdf", "application/pdf"),
        ("scan.png", PNG, "png", "image/png"),
        ("scan.jpg", JPEG, "jpeg", "image/jpeg"),
        ("scan.jpeg", JPEG, "jpeg", "image/jpeg"),
        ("scan.tif", TIFF, "tiff", "image/tiff"),
        ("scan.tiff", b"MM\x00*" + b"\x00" * 8, "tiff", "image/tiff"),
    ],
    ids=["pdf", "pdf-upper", "png", "jpg", "jpeg", "tif", "tiff-big-endian"],
)
def test_section_9_accepts_pdf_and_images_whose_bytes_match(name, content, copy_type, mime):
    verdict = check(name, content)
    assert verdict.accepted
    assert (verdict.copy_type, verdict.content_type) == (copy_type, mime)


@pytest.mark.parametrize(
    ("name", "content", "size", "error"),
    [
        ("run.sh", b"#!/bin/sh\nrm -rf /\n", None, "type"),
        ("licence.exe", b"MZ\x90\x00", None, "type"),
        ("no-suffix", PDF, None, "type"),
        ("licence.pdf", b"#!/bin/sh\nrm -rf /\n", None, "mismatch"),
        ("licence.pdf", b"<script>alert(1)</script>", None, "mismatch"),
        ("licence.pdf", b"\n%PDF-1.7\n", None, "mismatch"),
        ("photo.png", JPEG, None, "mismatch"),
        ("licence.pdf", b"", 0, "empty"),
        ("licence.pdf", PDF, MAX + 1, "size"),
    ],
    ids=[
        "script",
        "exe",
        "no-suffix",
        "script-as-pdf",
        "html-as-pdf",
        "bytes-before-pdf-header",
        "jpeg-as-png",
        "empty",
        "one-byte-too-large",
    ],
)
def test_section_9_refuses_wrong_type_disguised_content_empty_and_oversized_files(name, content, size, error):
    verdict = check(name, content, size=size)
    assert not verdict.accepted
    assert verdict.error == error


def test_section_9_size_limit_is_inclusive():
    assert check("licence.pdf", PDF, size=MAX).accepted


@pytest.mark.parametrize("marker", [b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/J#61vaScript", b"/#4AS"])
def test_section_9_refuses_pdf_with_active_content_in_its_bytes(marker):
    content = PDF + b"2 0 obj << /S " + marker + b" (app.alert(1)) >> endobj"
    assert check("licence.pdf", content).error == "active_content"


@pytest.mark.parametrize(
    "name",
    ["JavaScript", "JS", "Launch", "AA", "EmbeddedFile", "EmbeddedFiles", "EF", "RichMedia", "XFA", "SubmitForm"],
)
def test_section_9_refuses_pdf_whose_object_graph_uses_an_active_name(name):
    """Names the reader found, e.g. inside a compressed object stream, where the raw bytes show nothing."""
    found = PdfContent(opened=True, names=READABLE.names | {name})
    assert check("licence.pdf", PDF, pdf=found).error == "active_content"


@pytest.mark.parametrize("pdf", [None, PdfContent(opened=False)], ids=["not-read", "does-not-open"])
def test_section_9_refuses_pdf_the_reader_cannot_open(pdf):
    assert check("licence.pdf", PDF, pdf=pdf).error == "unreadable"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%<html><script>alert(document.cookie)</script></html>\n" + PDF[9:],
        b"%PDF-1.7\n%<!DOCTYPE html>\n" + PDF[9:],
        PDF + b"<HTML><BODY onload=alert(1)>",
        b"%PDF-1.7\n%" + b"x" * 2000 + b"\n<svg onload=alert(1)>\n" + PDF[9:],
    ],
    ids=["html-in-header-comment", "doctype", "html-after-eof", "svg-at-the-end"],
)
def test_section_9_refuses_pdf_html_polyglots(content):
    assert check("licence.pdf", content, max_bytes=10_000).error == "polyglot"


def test_section_9_html_in_the_middle_of_a_large_pdf_is_not_a_polyglot():
    content = PDF + b"%" + b"x" * 2000 + b"<html>" + b"x" * 2000 + b"\n%%EOF\n"
    assert check("licence.pdf", content, max_bytes=10_000).accepted


@pytest.mark.parametrize(
    ("name", "copy_type"),
    [
        pytest.param("pdf", None, id="no-suffix-is-no-type"),
        pytest.param("licence", None, id="a-name-without-a-dot"),
        pytest.param("scan.2026.pdf", "pdf", id="the-last-suffix-counts"),
        pytest.param("report.pdf.png", "png", id="a-pdf-inside-the-name-is-not-a-pdf"),
    ],
)
def test_the_type_comes_from_the_last_suffix(name, copy_type):
    assert copy_type_for_name(name) == copy_type


def test_a_one_byte_copy_is_not_empty():
    """Only a declared size of 0 is "empty"; the bytes decide the rest."""
    verdict = check_copy(name="scan.pdf", size=1, head=b"%PDF-", body=None, max_bytes=MAX, pdf=READABLE)
    assert (verdict.copy_type, verdict.error) == ("pdf", None)
    assert check_copy(name="scan.pdf", size=0, head=b"", body=None, max_bytes=MAX).error == "empty"
