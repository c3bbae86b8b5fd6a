"""Query and answer shapes of the analysis endpoints (API.md "Analysis"): money 2 places, shares 1 decimal."""

from rest_framework import serializers

from analytics.selectors.composition import BY
from crm.api.fields import PlausibleDatesMixin


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, **kwargs)


def percent_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=5, decimal_places=1, **kwargs)


class AnalysisQuery(PlausibleDatesMixin, serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="the day the figures are as of (default today)")
    owner = serializers.CharField(required=False, allow_blank=True, max_length=150, help_text="one owner's username")
    region = serializers.CharField(required=False, allow_blank=True, max_length=100)


class CompositionQuery(AnalysisQuery):
    by = serializers.ChoiceField(choices=list(BY), required=False, help_text="the classification (default tier)")


class CompositionRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    customers = serializers.IntegerField()
    share = percent_field()
    amount = money_field()
    amount_share = percent_field()


class CompositionTotalSerializer(serializers.Serializer):
    customers = serializers.IntegerField()
    amount = money_field()


class CompositionSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    by = serializers.ChoiceField(choices=list(BY))
    rows = CompositionRowSerializer(many=True)
    total = CompositionTotalSerializer()
