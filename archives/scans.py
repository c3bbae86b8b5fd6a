"""Checking an uploaded scan before it is stored (DOMAIN §9); forms and API serializers share this."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from archives.rules.uploads import CopyVerdict, check_copy

# The whole file is read for PDFs, to refuse active content; images are checked by their leading bytes.
SCAN_ERRORS = {
    "type": _("Only PDF, PNG, JPEG and TIFF files are accepted."),
    "empty": _("The file is empty."),
    "size": _("The file is larger than the limit of %(mb)s MB."),
    "mismatch": _("The file's content does not match its type."),
    "active_content": _("PDF files with scripts, actions or embedded files are not accepted."),
}


def max_scan_bytes() -> int:
    return settings.CRM_ARCHIVE_MAX_UPLOAD_MB * 1024 * 1024


def scan_verdict(upload: UploadedFile) -> CopyVerdict:
    max_bytes = max_scan_bytes()
    upload.seek(0)
    head = upload.read(16)
    body = None
    if upload.name.lower().endswith(".pdf") and 0 < upload.size <= max_bytes:
        upload.seek(0)
        body = upload.read()
    upload.seek(0)
    return check_copy(name=upload.name, size=upload.size, head=head, body=body, max_bytes=max_bytes)


def scan_error(upload: UploadedFile) -> str | None:
    """The message shown when the scan is refused, else None."""
    verdict = scan_verdict(upload)
    if verdict.accepted:
        return None
    return str(SCAN_ERRORS[verdict.error]) % {"mb": settings.CRM_ARCHIVE_MAX_UPLOAD_MB}


def scan_response(document) -> FileResponse:
    """The stored scan as a download: never cached, sandboxed if a browser renders it anyway."""
    suffix = document.scan.name.rsplit(".", 1)[-1]
    response = FileResponse(
        document.scan.open("rb"),
        as_attachment=True,
        filename=f"{document.number}.{suffix}",
        content_type=document.scan_content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response
