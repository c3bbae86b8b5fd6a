"""Which uploaded documents are accepted: archive scans (DOMAIN §9) and credit documents (DOMAIN §2).

A copy is accepted when its name, its declared size and its first bytes agree on one allowed type. A PDF must
also open in a real PDF reader (``crm/pdf_scan.py`` reads it with pikepdf/qpdf, object streams decompressed),
carry no active content anywhere in its object graph (scripts, launch actions, additional actions, embedded
files, rich media, XFA forms, form submission) and not be a polyglot (HTML in its first or last kilobyte). The
name alone is never trusted: a shell script renamed ``licence.pdf`` is refused because its bytes are not a PDF.
"""

import re
from dataclasses import dataclass

# type code → (file suffixes, leading magic bytes, MIME type served back)
COPY_TYPES: dict[str, tuple[tuple[str, ...], tuple[bytes, ...], str]] = {
    "pdf": ((".pdf",), (b"%PDF-",), "application/pdf"),
    "png": ((".png",), (b"\x89PNG\r\n\x1a\n",), "image/png"),
    "jpeg": ((".jpg", ".jpeg"), (b"\xff\xd8\xff",), "image/jpeg"),
    "tiff": ((".tif", ".tiff"), (b"II*\x00", b"MM\x00*"), "image/tiff"),
}
# PDF names (dictionary keys or name values, without the slash) that run code, act on their own when the copy is
# opened or viewed, send data away, or carry other files.
ACTIVE_PDF_NAMES = frozenset(
    {
        "JavaScript",  # /S /JavaScript actions, the /JavaScript name tree
        "JS",  # the script of a JavaScript action
        "Launch",  # runs a program or opens a file
        "AA",  # additional actions: triggered by opening, closing, viewing a page or a field
        "EmbeddedFile",  # an attached file stream
        "EmbeddedFiles",  # the name tree of attached files
        "EF",  # a file specification's embedded file
        "GoToE",  # go to an embedded document
        "RichMedia",  # Flash, video and 3D with their own scripts
        "RichMediaExecute",
        "XFA",  # XML forms with scripts
        "SubmitForm",  # sends form data to a URL
        "ImportData",
    }
)
# Raw-byte markers, ``#xx`` escapes decoded: a second look that also sees objects outside the cross-reference table.
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
ACTIVE_PDF_MARKERS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
# HTML a browser would render if it ever sniffed the copy: a PDF carrying it near either end is a polyglot.
HTML_MARKERS = (b"<html", b"<script", b"<!doctype", b"<body", b"<head", b"<iframe", b"<svg", b"<object", b"<embed")
POLYGLOT_WINDOW = 1024


@dataclass(frozen=True, slots=True)
class PdfContent:
    """What a PDF reader found in a copy: whether it opened, and every name used in its object graph (keys and
    name values, object streams included, without the leading slash)."""

    opened: bool
    names: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CopyVerdict:
    """The outcome of checking an upload: the accepted type and MIME type, or the reason it is refused."""

    copy_type: str | None
    content_type: str | None
    error: str | None  # one of "type", "size", "empty", "mismatch", "unreadable", "polyglot", "active_content"

    @property
    def accepted(self) -> bool:
        return self.error is None


def _refused(reason: str) -> CopyVerdict:
    return CopyVerdict(None, None, reason)


def _has_active_markers(body: bytes) -> bool:
    """Names written in the file's bytes, with ``#xx`` escapes decoded (``/J#61vaScript``)."""
    decoded = PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), body)
    return any(marker in decoded for marker in ACTIVE_PDF_MARKERS)


def is_polyglot(body: bytes) -> bool:
    """HTML in the first or last kilobyte of a PDF (a file that is also a web page)."""
    ends = (body[:POLYGLOT_WINDOW] + b" " + body[-POLYGLOT_WINDOW:]).lower()
    return any(marker in ends for marker in HTML_MARKERS)


def pdf_refusal(body: bytes, content: PdfContent | None) -> str | None:
    """Why a PDF is refused, or None: it must open (``content`` None means it was not read), not be a polyglot, and
    use no active name, neither in its object graph nor in its raw bytes."""
    if is_polyglot(body):
        return "polyglot"
    if content is None or not content.opened:
        return "unreadable"
    if content.names & ACTIVE_PDF_NAMES or _has_active_markers(body):
        return "active_content"
    return None


def copy_type_for_name(name: str) -> str | None:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return next((code for code, (suffixes, _, _) in COPY_TYPES.items() if suffix in suffixes), None)


def check_copy(
    *, name: str, size: int, head: bytes, body: bytes | None, max_bytes: int, pdf: PdfContent | None = None
) -> CopyVerdict:
    """Check an uploaded copy. ``head`` is its first bytes; ``body`` the whole content for PDFs, else None; ``pdf``
    what the PDF reader found in it (a PDF without it is refused as unreadable)."""
    copy_type = copy_type_for_name(name)
    if copy_type is None:
        return _refused("type")
    if size <= 0:
        return _refused("empty")
    if size > max_bytes:
        return _refused("size")
    _, magics, content_type = COPY_TYPES[copy_type]
    if not head.startswith(magics):
        return _refused("mismatch")
    if copy_type == "pdf" and (reason := pdf_refusal(body or b"", pdf)):
        return _refused(reason)
    return CopyVerdict(copy_type, content_type, None)
