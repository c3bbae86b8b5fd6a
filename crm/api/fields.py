"""Serializer behaviour every API shares."""

from rest_framework import serializers

from crm.validators import plausible_date


class PlausibleDatesMixin:
    """Every writable date field of the serializer refuses implausible dates (crm/rules/dates.py, issue 16 §3)."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.DateField) and not field.read_only:
                field.validators = [*field.validators, plausible_date]
        return fields
