"""Query and answer shapes of the analysis endpoints (API.md "Analysis"): money 2 places, shares 1 decimal."""

from rest_framework import serializers

from analytics.models import SegmentChoice
from analytics.rules.ageing import BUCKETS
from analytics.selectors.behaviour import TOPICS
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


class ParetoQuery(AnalysisQuery):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="how many of the top customers to list (default 100)"
    )


class ParetoRowSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="rank by T; equal T ranked by code")
    code = serializers.CharField()
    name = serializers.CharField()
    amount = money_field(help_text="T: trailing-12-month purchases as of the day (DOMAIN §3)")
    share = percent_field()
    cumulative_share = percent_field(help_text="share of T of this customer and all ranked above it")
    abc = serializers.ChoiceField(
        choices=["A", "B", "C"], help_text="A while the customers above hold < 80% of T, B while < 95%, else C"
    )


class AbcClassSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="the ABC class: A, B or C")
    customers = serializers.IntegerField()
    customer_share = percent_field()
    amount = money_field()
    amount_share = percent_field()


class ParetoSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    rows = ParetoRowSerializer(many=True, help_text="the top `limit` customers; every other figure covers all")
    customers_for_80_percent = serializers.IntegerField(help_text="the fewest top customers making ≥ 80% of T")
    top10_share = percent_field()
    hhi = serializers.DecimalField(
        max_digits=7, decimal_places=1, help_text="Herfindahl index on the 0–10,000 scale (shares in percent)"
    )
    classes = AbcClassSerializer(many=True)
    total = CompositionTotalSerializer()
    limit = serializers.IntegerField()


class AgeingQuery(AnalysisQuery):
    group = serializers.ChoiceField(
        choices=["none", "customer", "owner", "tier", "payment_grade"], required=False, help_text="default none"
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=1000,
        help_text="group=customer: how many of the largest debtors to list (default 100); the total covers all",
    )


def _amounts(**fields) -> dict:
    """Money per bucket and the total: the bucket codes start with a digit, so the fields are built by name."""
    return {**fields, **{bucket: money_field() for bucket in (*BUCKETS, "total")}}


AgeingAmountsSerializer = type("AgeingAmountsSerializer", (serializers.Serializer,), _amounts())
AgeingRowSerializer = type(
    "AgeingRowSerializer",
    (serializers.Serializer,),
    _amounts(key=serializers.CharField(), label=serializers.CharField()),
)


class AgeingSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    group = serializers.CharField()
    buckets = serializers.ListField(child=serializers.CharField())
    rows = AgeingRowSerializer(many=True)
    total = AgeingAmountsSerializer()
    dso = serializers.DecimalField(
        max_digits=9, decimal_places=1, allow_null=True, help_text="receivables ÷ sales of the last 90 days × 90"
    )
    sales_90_days = money_field()
    customers = serializers.IntegerField(help_text="customers in scope who owe something")


# Segmentation (DOMAIN §10.5)


class SegmentQuery(serializers.Serializer):
    """The segments are as of the latest nightly run: no ``as_of``; filters narrow the customer list."""

    owner = serializers.CharField(required=False, allow_blank=True, max_length=150, help_text="one owner's username")
    region = serializers.CharField(required=False, allow_blank=True, max_length=100)
    segment = serializers.ChoiceField(choices=SegmentChoice.values, required=False)
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
    key = serializers.CharField(help_text="the segment code, as in the list's segment")
    label = serializers.CharField()
    customers = serializers.IntegerField()
    share = percent_field()


class SegmentationSerializer(serializers.Serializer):
    computed_on = serializers.DateField(allow_null=True, help_text="the day of the latest nightly run; null before it")
    segments = SegmentCountSerializer(many=True)
    clusters = ClusterSerializer(many=True)


# Behaviour (DOMAIN §10.6): one row shape per topic


class BehaviourQuery(AnalysisQuery):
    topic = serializers.ChoiceField(choices=list(TOPICS), required=False, help_text="the table (default promotions)")


class PromotionRowSerializer(serializers.Serializer):
    promotion = serializers.CharField()
    responses = serializers.IntegerField()
    positive_share = percent_field()
    orders = serializers.IntegerField(help_text="orders on the day of a response or in the 90 days after")
    sales = money_field()
    cost = money_field()
    sales_per_cost = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)


class ProductsRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="new_products, other_products, old_customers or new_customers")
    label = serializers.CharField()
    amount = money_field()
    share = percent_field()


class FeedbackRowSerializer(serializers.Serializer):
    month = serializers.CharField()
    orders = serializers.IntegerField()
    complaint = serializers.IntegerField()
    quality_feedback = serializers.IntegerField()
    suggestion = serializers.IntegerField()
    complaint_per_100_orders = percent_field(allow_null=True)
    quality_feedback_per_100_orders = percent_field(allow_null=True)
    suggestion_per_100_orders = percent_field(allow_null=True)


class RetentionRowSerializer(serializers.Serializer):
    cohort = serializers.CharField(help_text="the quarter of the first order, 2026-Q1")
    customers = serializers.IntegerField()
    q1 = percent_field(allow_null=True, help_text="share that ordered in the next quarter; null after the day")
    q2 = percent_field(allow_null=True)
    q3 = percent_field(allow_null=True)
    q4 = percent_field(allow_null=True)
    q5 = percent_field(allow_null=True)
    q6 = percent_field(allow_null=True)
    q7 = percent_field(allow_null=True)


class ChurnedSerializer(serializers.Serializer):
    customers = serializers.IntegerField(help_text="ordered in the 365 days before the last 365, not since")
    of = serializers.IntegerField(help_text="customers who ordered in those earlier 365 days")
    share = percent_field()


class ResponseRowSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=["month", "owner"])
    key = serializers.CharField()
    label = serializers.CharField()
    items = serializers.IntegerField(help_text="complaints and quality feedback")
    answered = serializers.IntegerField(help_text="followed by a service record for the same customer")
    median_days = percent_field(allow_null=True)


def _behaviour_serializer(topic: str, row: type[serializers.Serializer], **extra) -> type[serializers.Serializer]:
    fields = {
        "topic": serializers.ChoiceField(choices=list(TOPICS)),
        "as_of": serializers.DateField(),
        "rows": row(many=True),
        **extra,
    }
    return type(f"Behaviour{topic.title()}Serializer", (serializers.Serializer,), fields)


BEHAVIOUR_SERIALIZERS = {
    "promotions": _behaviour_serializer("promotions", PromotionRowSerializer),
    "products": _behaviour_serializer(
        "products",
        ProductsRowSerializer,
        total=money_field(),
        first_sales_through=serializers.DateField(
            allow_null=True,
            required=False,
            help_text="the nightly day whose first sales decide which products are new; null: counted live",
        ),
    ),
    "feedback": _behaviour_serializer("feedback", FeedbackRowSerializer),
    "retention": _behaviour_serializer("retention", RetentionRowSerializer, churned=ChurnedSerializer()),
    "response": _behaviour_serializer("response", ResponseRowSerializer),
}
