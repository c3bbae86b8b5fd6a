"""Which uploaded documents are accepted: archive scans (DOMAIN §9) and credit documents (DOMAIN §2).

A copy is accepted when its name, its declared size and its first bytes agree on one allowed type,
and a PDF shows no active content (scripts, launch actions, embedded files; best effort, see below). The name alone is
never trusted: a shell script renamed ``licence.pdf`` is refused because its bytes are not a PDF.
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
# PDF names that run code or carry other files when the copy is opened.
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
ACTIVE_PDF_MARKERS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")


@dataclass(frozen=True, slots=True)
class CopyVerdict:
    """The outcome of checking an upload: the accepted type and MIME type, or the reason it is refused."""

    copy_type: str | None
    content_type: str | None
    error: str | None  # one of "type", "size", "empty", "mismatch", "active_content"

    @property
    def accepted(self) -> bool:
        return self.error is None


def _refused(reason: str) -> CopyVerdict:
    return CopyVerdict(None, None, reason)


def _has_active_content(body: bytes) -> bool:
    """Best effort: names in the file, with ``#xx`` escapes decoded (``/J#61vaScript``). Names inside
    compressed object streams are not seen; downloads are therefore always attachments served sandboxed."""
    decoded = PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), body)
    return any(marker in decoded for marker in ACTIVE_PDF_MARKERS)


def copy_type_for_name(name: str) -> str | None:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return next((code for code, (suffixes, _, _) in COPY_TYPES.items() if suffix in suffixes), None)


def check_copy(*, name: str, size: int, head: bytes, body: bytes | None, max_bytes: int) -> CopyVerdict:
    """Check an uploaded copy. ``head`` is its first bytes; ``body`` the whole content for PDFs (scanned
    for active content), else None."""
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
    if copy_type == "pdf" and body is not None and _has_active_content(body):
        return _refused("active_content")
    return CopyVerdict(copy_type, content_type, None)
