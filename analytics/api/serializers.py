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


# Trend (DOMAIN §10.3)


class TrendQuery(AnalysisQuery):
    by = serializers.ChoiceField(
        choices=["tier", "region", "product"], required=False, allow_blank=True, help_text="series per group"
    )
    months = serializers.IntegerField(
        required=False, default=24, min_value=1, max_value=60, help_text="complete months before as_of's month"
    )
    forecast = serializers.IntegerField(
        required=False, default=3, min_value=0, max_value=12, help_text="months to forecast (the total)"
    )


class TrendSeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    values = serializers.ListField(child=money_field(), help_text="one per month of ``months``")


class TrendRunningSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="as_of's month, still running: never fitted")
    through = serializers.DateField(help_text="the last order day counted (the nightly aggregate's day or as_of)")
    values = serializers.ListField(child=money_field(), help_text="so far, one per series")


class TrendForecastSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.CharField())
    values = serializers.ListField(child=money_field())
    lower = serializers.ListField(child=money_field(), help_text="80% interval, lower bound")
    upper = serializers.ListField(child=money_field(), help_text="80% interval, upper bound")
    method = serializers.ChoiceField(choices=["holt_winters", "holt"], allow_null=True)
    backtest_mape = percent_field(allow_null=True, help_text="the forecast's MAPE over the last 6 months, refitted")
    baseline_mape = percent_field(allow_null=True, help_text="the seasonal-naive guess's MAPE over them")


class TrendSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    by = serializers.CharField()
    months = serializers.ListField(child=serializers.CharField(), help_text='"2026-01", oldest first')
    series = TrendSeriesSerializer(many=True)
    running = TrendRunningSerializer()
    months_of_data = serializers.IntegerField(help_text="complete months from the first with sales")
    forecast = TrendForecastSerializer()


# Correlation (DOMAIN §10.4)


class CorrelationVariableSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


def _matrix(child: serializers.Field, text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.ListField(child=child), help_text=text)


class CorrelationSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    customers = serializers.IntegerField()
    variables = CorrelationVariableSerializer(many=True)
    pearson = _matrix(serializers.FloatField(allow_null=True), "null where fewer than 10 customers have both")
    spearman = _matrix(serializers.FloatField(allow_null=True), "null where fewer than 10 customers have both")
    n = _matrix(serializers.IntegerField(), "customers with both values")
