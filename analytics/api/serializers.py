"""Query and answer shapes of the analysis endpoints (API.md "Analysis"): money 2 places, shares 1 decimal."""

from rest_framework import serializers

from analytics.models import SegmentChoice
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
    "products": _behaviour_serializer("products", ProductsRowSerializer, total=money_field()),
    "feedback": _behaviour_serializer("feedback", FeedbackRowSerializer),
    "retention": _behaviour_serializer("retention", RetentionRowSerializer, churned=ChurnedSerializer()),
    "response": _behaviour_serializer("response", ResponseRowSerializer),
}
