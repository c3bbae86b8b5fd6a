"""API shapes of the archive (API.md conventions: ASCII codes with ``*_display`` labels, ISO dates)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from archives.messages import STATUS_LABELS
from archives.models import REGISTER_FIELDS, ArchiveDocument
from archives.rules.custody import Custody, document_status
from crm.uploads import CheckedUploadField


class ArchiveDocumentSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.code", read_only=True)
    doc_type_display = serializers.CharField(source="get_doc_type_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    custody_display = serializers.CharField(source="get_custody_display", read_only=True)
    status = serializers.SerializerMethodField(help_text="in_place | lent | missing | expired")
    status_display = serializers.SerializerMethodField()
    registered_by = serializers.CharField(source="registered_by.username", read_only=True)
    scan = CheckedUploadField(write_only=True, required=False, help_text="PDF, PNG, JPEG or TIFF (multipart upload)")
    scan_info = serializers.SerializerMethodField()

    class Meta:
        model = ArchiveDocument
        fields = (
            "number",
            "customer",
            *REGISTER_FIELDS,
            "doc_type_display",
            "source_display",
            "custody",
            "custody_display",
            "status",
            "status_display",
            "scan",
            "scan_info",
            "registered_at",
            "registered_by",
        )
        read_only_fields = ("number", "custody", "registered_at")

    def _status(self, document) -> str:
        return document_status(
            custody=Custody(document.custody), expires_on=document.expires_on, today=timezone.localdate()
        )

    def get_status(self, document) -> str:
        return str(self._status(document))

    def get_status_display(self, document) -> str:
        return str(STATUS_LABELS[self._status(document)])

    def get_scan_info(self, document) -> dict | None:
        """``{"name", "size", "content_type"}`` of the electronic copy, or null; download it from ``…/scan/``."""
        if not document.scan:
            return None
        return {"name": document.scan_name, "size": document.scan_size, "content_type": document.scan_content_type}

    def validate(self, attrs):
        issued, expires = attrs.get("issued_on"), attrs.get("expires_on")
        if issued and expires and expires < issued:
            raise serializers.ValidationError({"expires_on": [_("The expiry date cannot be before the issue date.")]})
        if issued and issued > timezone.localdate():
            raise serializers.ValidationError({"issued_on": [_("The issue date cannot be in the future.")]})
        return attrs


class ScanUploadSerializer(serializers.Serializer):
    scan = CheckedUploadField(help_text="PDF, PNG, JPEG or TIFF (multipart upload)")


class ScanDownloadQuerySerializer(serializers.Serializer):
    reason = serializers.CharField(min_length=3, max_length=200, help_text="Why the copy is needed (access log)")
