"""Checking an uploaded document before it is stored (archive scans DOMAIN §9, credit documents §2): the
form field and the API field that pages and the API share."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.pdf_scan import pdf_content
from crm.rules.uploads import CopyVerdict, check_copy

# The whole file is read for PDFs and opened with pikepdf, to refuse unreadable files, polyglots and active content;
# images are checked by their leading bytes.
UPLOAD_ERRORS = {
    "type": _("Only PDF, PNG, JPEG and TIFF files are accepted."),
    "empty": _("The file is empty."),
    "size": _("The file is larger than the limit of %(mb)s MB."),
    "mismatch": _("The file's content does not match its type."),
    "unreadable": _("The PDF file cannot be read (damaged or password-protected)."),
    "polyglot": _("The PDF file also contains web page content and is not accepted."),
    "active_content": _("PDF files with scripts, actions or embedded files are not accepted."),
}


def max_upload_bytes() -> int:
    return settings.CRM_UPLOAD_MAX_MB * 1024 * 1024


def upload_verdict(upload: UploadedFile) -> CopyVerdict:
    max_bytes = max_upload_bytes()
    upload.seek(0)
    head = upload.read(16)
    body = pdf = None
    if upload.name.lower().endswith(".pdf") and 0 < upload.size <= max_bytes and head.startswith(b"%PDF-"):
        upload.seek(0)
        body = upload.read()
        pdf = pdf_content(body)
    upload.seek(0)
    return check_copy(name=upload.name, size=upload.size, head=head, body=body, max_bytes=max_bytes, pdf=pdf)


def upload_error(upload: UploadedFile) -> str | None:
    """The message shown when the scan is refused, else None."""
    verdict = upload_verdict(upload)
    if verdict.accepted:
        return None
    return str(UPLOAD_ERRORS[verdict.error]) % {"mb": settings.CRM_UPLOAD_MAX_MB}


class CheckedFileField(forms.FileField):
    """A document upload, checked by name, size and content before it is stored."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and (error := upload_error(upload)):
            raise forms.ValidationError(error)
        return upload


class CheckedUploadField(serializers.FileField):
    """The API's document upload (multipart), with the same checks as the form field."""

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        if error := upload_error(upload):
            raise serializers.ValidationError(error)
        return upload
