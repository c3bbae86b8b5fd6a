"""REST endpoints of the analysis (API.md "Analysis", DOMAIN §10): translators to analytics.selectors.

Every endpoint takes ``as_of`` (default today), ``owner`` and ``region``, answers over the customers the caller
reads in full, and with ``?format=csv`` or ``?format=xlsx`` returns the same rows as a file.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.renderers import CsvTableRenderer, XlsxTableRenderer
from analytics.api.serializers import (
    BEHAVIOUR_SERIALIZERS,
    AgeingQuery,
    AgeingSerializer,
    AnalysisQuery,
    BehaviourQuery,
    ClusterSerializer,
    CompositionQuery,
    CompositionSerializer,
    CorrelationSerializer,
    ParetoQuery,
    ParetoSerializer,
    SegmentationSerializer,
    SegmentQuery,
    SegmentRowSerializer,
    TrendQuery,
    TrendSerializer,
)
from analytics.scope import AnalysisScope
from analytics.selectors import ageing as ageing_selectors
from analytics.selectors import pareto as pareto_selectors
from analytics.selectors.behaviour import behaviour
from analytics.selectors.composition import composition
from analytics.selectors.correlation import correlation
from analytics.selectors.segments import (
    segment_row_json,
    segment_rows,
    segment_rows_table,
    segmentation,
    segmentation_latest,
)
from analytics.selectors.trend import trend
from crm.api.pagination import CodeCursorPagination

FILE_FORMATS = frozenset({"csv", "xlsx"})
FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=["json", "csv", "xlsx"], description="json (default), or the same rows as a CSV or XLSX file"
)


class AnalysisApi(APIView):
    """The shared translation: parse the query, build the scope, answer JSON or the report's table as a file."""

    renderer_classes = [JSONRenderer, CsvTableRenderer, XlsxTableRenderer]
    query_class = AnalysisQuery
    output_class: type[serializers.Serializer]
    export_name = "analysis"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_perm("analytics.view_analysis"):
            raise PermissionDenied

    def report(self, scope: AnalysisScope, query: dict):
        raise NotImplementedError

    def get(self, request):
        query = self.query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = AnalysisScope.of(request.user, query.validated_data, today=timezone.localdate())
        report = self.report(scope, query.validated_data)
        file_format = request.accepted_renderer.format
        if file_format in FILE_FORMATS:
            response = Response(report.table())
            day = getattr(report, "as_of", scope.as_of)  # the nightly snapshot's day when the figures are its
            response["Content-Disposition"] = f'attachment; filename="{self.export_name}-{day}.{file_format}"'
            return response
        return Response(self.output_class(report.as_json()).data)

    def finalize_response(self, request, response, *args, **kwargs):
        """Refusals and bad queries answer JSON even when a file was asked for."""
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer is not None and renderer.format in FILE_FORMATS:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


@extend_schema(parameters=[CompositionQuery, FORMAT_PARAMETER], responses=CompositionSerializer)
class CompositionApi(AnalysisApi):
    """Customers and trailing-12-month purchases by one classification, with shares (DOMAIN §10.1)."""

    query_class = CompositionQuery
    output_class = CompositionSerializer
    export_name = "composition"

    def report(self, scope: AnalysisScope, query: dict):
        return composition(scope=scope, by=query.get("by") or "tier")


@extend_schema(parameters=[TrendQuery, FORMAT_PARAMETER], responses=TrendSerializer)
class TrendApi(AnalysisApi):
    """Monthly sales in total and per tier, region or product, the running month so far, and a forecast of the
    total with its 80% interval and backtest error beside the seasonal-naive guess's (DOMAIN §10.3)."""

    query_class = TrendQuery
    output_class = TrendSerializer
    export_name = "trend"

    def report(self, scope: AnalysisScope, query: dict):
        return trend(scope=scope, by=query.get("by") or "", months=query["months"], horizon=query["forecast"])


@extend_schema(parameters=[AnalysisQuery, FORMAT_PARAMETER], responses=CorrelationSerializer)
class CorrelationApi(AnalysisApi):
    """Pearson and Spearman coefficients with n between customer variables (DOMAIN §10.4); the file has a row per
    pair."""

    output_class = CorrelationSerializer
    export_name = "correlation"

    def report(self, scope: AnalysisScope, query: dict):
        return correlation(scope=scope)


@extend_schema(parameters=[ParetoQuery, FORMAT_PARAMETER], responses=ParetoSerializer)
class ParetoApi(AnalysisApi):
    """Top customers by T with cumulative shares and ABC classes, customers for 80% of T, top-10 share and the
    Herfindahl index (0–10,000) (DOMAIN §10.2). ``rows`` lists the top ``limit`` (default 100, at most 1,000);
    every other figure covers all customers in scope."""

    query_class = ParetoQuery
    output_class = ParetoSerializer
    export_name = "pareto"

    def report(self, scope: AnalysisScope, query: dict):
        return pareto_selectors.pareto(scope=scope, limit=query.get("limit") or pareto_selectors.DEFAULT_LIMIT)


@extend_schema(parameters=[AgeingQuery, FORMAT_PARAMETER], responses=AgeingSerializer)
class AgeingApi(AnalysisApi):
    """Receivables by days past due per group, and DSO (DOMAIN §10.7). ``group=customer`` lists the ``limit``
    largest debtors (default 100, at most 1,000); ``total`` covers every customer in scope."""

    query_class = AgeingQuery
    output_class = AgeingSerializer
    export_name = "ageing"

    def report(self, scope: AnalysisScope, query: dict):
        limit = query.get("limit") or ageing_selectors.DEFAULT_LIMIT
        return ageing_selectors.ageing(scope=scope, group=query.get("group") or "none", limit=limit)


EXPORT_LIMIT = 100_000  # customers in one file of the segment list (a file of a million rows helps nobody)


class SegmentCursorPagination(CodeCursorPagination):
    ordering = "customer_id"


class SegmentationApi(AnalysisApi):
    """Reads of the nightly segmentation (DOMAIN §10.5): scoped like every analysis, as of the latest run."""

    query_class = SegmentQuery

    def get(self, request):
        query = self.query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = AnalysisScope.of(request.user, query.validated_data, today=timezone.localdate())
        file_format = request.accepted_renderer.format
        if file_format in FILE_FORMATS:
            response = Response(self.table(scope, query.validated_data))
            run = segmentation_latest()
            day = run.computed_on if run else "none"
            response["Content-Disposition"] = f'attachment; filename="{self.export_name}-{day}.{file_format}"'
            return response
        return self.answer(request, scope, query.validated_data)


SEGMENT_PAGE = inline_serializer(
    "PaginatedSegmentRowList",
    {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": SegmentRowSerializer(many=True),
    },
)


@extend_schema(parameters=[SegmentQuery, FORMAT_PARAMETER], responses=SEGMENT_PAGE)
class SegmentListApi(SegmentationApi):
    """Every scored customer in scope with R, F, M, their scores, segment and cluster (cursor list)."""

    export_name = "segments"

    def _rows(self, scope: AnalysisScope, query: dict):
        return segment_rows(scope=scope, segment=query.get("segment") or "", cluster=query.get("cluster"))

    def table(self, scope: AnalysisScope, query: dict):
        rows = self._rows(scope, query)
        found = rows.count()
        if found > EXPORT_LIMIT:
            message = _(
                "The list holds %(found)s customers; filter by segment, cluster, owner or region to export at most"
                " %(limit)s."
            ) % {"found": found, "limit": EXPORT_LIMIT}
            raise ValidationError({"format": [message]})
        return segment_rows_table(rows)

    def answer(self, request, scope: AnalysisScope, query: dict):
        paginator = SegmentCursorPagination()
        page = paginator.paginate_queryset(self._rows(scope, query), request, view=self)
        rows = SegmentRowSerializer([segment_row_json(row) for row in page], many=True).data
        return paginator.get_paginated_response(rows)


@extend_schema(parameters=[SegmentQuery, FORMAT_PARAMETER], responses=ClusterSerializer(many=True))
class ClusterListApi(SegmentationApi):
    """The k-means clusters of the latest run: label, customers in scope, centroid in the original units."""

    export_name = "clusters"

    def table(self, scope: AnalysisScope, query: dict):
        return segmentation(scope=scope).clusters_table()

    def answer(self, request, scope: AnalysisScope, query: dict):
        return Response(ClusterSerializer(segmentation(scope=scope).clusters_json(), many=True).data)


@extend_schema(parameters=[SegmentQuery, FORMAT_PARAMETER], responses=SegmentationSerializer)
class SegmentSummaryApi(SegmentationApi):
    """Customers in scope per segment and the clusters, as of the latest run (``computed_on`` null before it)."""

    export_name = "segment-counts"

    def table(self, scope: AnalysisScope, query: dict):
        return segmentation(scope=scope).table()

    def answer(self, request, scope: AnalysisScope, query: dict):
        return Response(SegmentationSerializer(segmentation(scope=scope).as_json()).data)


@extend_schema(
    parameters=[BehaviourQuery, FORMAT_PARAMETER],
    responses=PolymorphicProxySerializer(
        component_name="Behaviour",
        serializers=BEHAVIOUR_SERIALIZERS,
        resource_type_field_name="topic",
    ),
)
class BehaviourApi(AnalysisApi):
    """Customer behaviour (DOMAIN §10.6): one topic's table as ``rows`` (promotions by default)."""

    query_class = BehaviourQuery
    export_name = "behaviour"

    def report(self, scope: AnalysisScope, query: dict):
        topic = query.get("topic") or "promotions"
        self.output_class = BEHAVIOUR_SERIALIZERS[topic]
        self.export_name = f"behaviour-{topic}"
        return behaviour(scope=scope, topic=topic)
