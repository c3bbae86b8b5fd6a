"""Query and answer shapes of the analysis endpoints (API.md "Analysis"): money 2 places, shares 1 decimal."""

from rest_framework import serializers

from analytics.models import SegmentChoice
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


# Segmentation (DOMAIN §10.5)


class SegmentQuery(serializers.Serializer):
    """The segments are as of the latest nightly run: no ``as_of``; filters narrow the customer list."""

    owner = serializers.CharField(required=False, allow_blank=True, max_length=150, help_text="one owner's username")
    region = serializers.CharField(required=False, allow_blank=True, max_length=100)
    segment = serializers.ChoiceField(choices=SegmentChoice.values, required=False, allow_blank=True)
    cluster = serializers.IntegerField(required=False, min_value=0, max_value=99)


class SegmentRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    recency_days = serializers.IntegerField(help_text="days from the last order to the run's day")
    frequency = serializers.IntegerField(help_text="orders in the 365 days before the run's day")
    monetary = money_field(help_text="trailing-12-month purchases (T of DOMAIN §3)")
    r = serializers.IntegerField(min_value=1, max_value=5)
    f = serializers.IntegerField(min_value=1, max_value=5)
    m = serializers.IntegerField(min_value=1, max_value=5)
    segment = serializers.ChoiceField(choices=SegmentChoice.values)
    cluster = serializers.IntegerField(allow_null=True)


class CentroidSerializer(serializers.Serializer):
    recency_days = serializers.FloatField()
    frequency = serializers.FloatField()
    monetary = money_field()
    on_time_ratio = serializers.FloatField()


class ClusterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    size = serializers.IntegerField(help_text="customers in the caller's scope in this cluster")
    centroid = CentroidSerializer(help_text="the members' means over all customers, in the original units")


class SegmentCountSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=SegmentChoice.values)
    label = serializers.CharField()
    customers = serializers.IntegerField()
    share = percent_field()


class SegmentationSerializer(serializers.Serializer):
    computed_on = serializers.DateField(allow_null=True, help_text="the day of the latest nightly run; null before it")
    segments = SegmentCountSerializer(many=True)
    clusters = ClusterSerializer(many=True)
