"""API shapes of imports (API.md "Import and merge")."""

import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from imports import selectors
from imports.models import ImportBatch, Target


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX, multipart upload")
    target = serializers.ChoiceField(choices=Target.choices)
    mapping = serializers.CharField(
        required=False,
        help_text='JSON {"column header": "field"}; headers equal to a field name or its label map themselves; '
        '"" leaves a column out',
    )

    def validate_mapping(self, value: str) -> dict[str, str]:
        try:
            mapping = json.loads(value)
        except ValueError:
            raise serializers.ValidationError(_("Give the mapping as a JSON object.")) from None
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise serializers.ValidationError(_('Give the mapping as {"column header": "field"}.'))
        return mapping


class ImportConfirmSerializer(serializers.Serializer):
    create_duplicates = serializers.BooleanField(required=False, default=False)


class SummarySerializer(serializers.Serializer):
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    invalid = serializers.IntegerField()
    suspected_duplicates = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="the row number as the spreadsheet shows it (the header is row 1)")
    errors = serializers.DictField(help_text="field → messages")


class RowDuplicateSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    code = serializers.CharField(help_text="the dossier the row resembles")
    name = serializers.CharField()
    reason = serializers.CharField(help_text="name_phone | name_region | name (customers.rules.names)")
    score = serializers.FloatField(help_text="0–100")


class ImportSerializer(serializers.ModelSerializer):
    """A batch: its dry run (status ``checked``) or what the import did (``done``). ``errors`` and ``duplicates``
    list at most 500 rows each; ``summary`` counts them all."""

    created_by = serializers.CharField(source="created_by.username", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    summary = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    duplicates = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "target",
            "status",
            "status_display",
            "file_name",
            "sha256",
            "rows",
            "progress",
            "summary",
            "errors",
            "duplicates",
            "mapping",
            "create_duplicates",
            "created_by",
            "created_at",
            "finished_at",
            "undone_at",
        )
        read_only_fields = fields

    def _report(self, batch: ImportBatch) -> selectors.ImportReport:
        if getattr(batch, "_report", None) is None:
            batch._report = selectors.import_report(batch=batch)
        return batch._report

    @extend_schema_field(SummarySerializer)
    def get_summary(self, batch: ImportBatch) -> dict:
        return batch.summary or dict.fromkeys(SummarySerializer._declared_fields, 0)

    @extend_schema_field(RowErrorSerializer(many=True))
    def get_errors(self, batch: ImportBatch) -> list[dict]:
        return self._report(batch).errors

    @extend_schema_field(RowDuplicateSerializer(many=True))
    def get_duplicates(self, batch: ImportBatch) -> list[dict]:
        return self._report(batch).duplicates


class ImportConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    rows = serializers.ListField(child=serializers.IntegerField(), help_text="rows whose records changed since")
