"""Serving archive scans (DOMAIN §9): only through views that checked access, never by URL."""

from django.http import FileResponse, Http404


def scan_response(document) -> FileResponse:
    """The stored scan as a download: never cached, sandboxed if a browser renders it anyway."""
    suffix = document.scan.name.rsplit(".", 1)[-1]
    try:
        stream = document.scan.open("rb")
    except FileNotFoundError:
        raise Http404("The stored copy is missing; tell the archivist.") from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=f"{document.number}.{suffix}",
        content_type=document.scan_content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response
