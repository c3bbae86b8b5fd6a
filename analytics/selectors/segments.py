"""Segmentation 聚类 (DOMAIN §10.5) as the nightly run left it, read over the customers the user reads in full."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.models import CustomerSegment, SegmentationRun, SegmentChoice, SegmentCluster
from analytics.rules.clusters import FEATURES
from analytics.rules.shares import percent
from analytics.scope import AnalysisScope
from crm.exports import Column, Table

TRAIT_LABELS = {
    "recent": gettext_lazy("recent"),
    "lapsed": gettext_lazy("lapsed"),
    "frequent": gettext_lazy("frequent"),
    "occasional": gettext_lazy("occasional"),
    "large": gettext_lazy("large"),
    "small": gettext_lazy("small"),
    "punctual": gettext_lazy("pays on time"),
    "late_paying": gettext_lazy("pays late"),
}
ROW_FIELDS = ("code", "name", "recency_days", "frequency", "monetary", "r", "f", "m", "segment", "cluster")


def segmentation_latest() -> SegmentationRun | None:
    """The latest nightly run, or None before the first."""
    return SegmentationRun.objects.order_by("-computed_on").first()


def segment_name(code: str) -> str:
    """A segment's translated name (the code itself if it is none)."""
    return str(dict(SegmentChoice.choices).get(code, code))


def cluster_choices() -> list[tuple[int, str]]:
    """The latest run's clusters as (number, label), for a filter."""
    return [
        (number, f"{number} · {cluster_label(traits)}")
        for number, traits in SegmentCluster.objects.values_list("number", "traits")
    ]


def segment_rows(*, scope: AnalysisScope, segment: str = "", cluster: int | None = None) -> QuerySet:
    """The scored customers in scope, one row per customer (model instances with the customer joined), by id."""
    rows = CustomerSegment.objects.filter(customer__in=scope.customers().values("pk")).select_related("customer")
    if segment:
        rows = rows.filter(segment=segment)
    if cluster is not None:
        rows = rows.filter(cluster=cluster)
    return rows.order_by("customer_id")


def segment_row_json(row: CustomerSegment) -> dict:
    return {
        "code": row.customer.code,
        "name": row.customer.name,
        "recency_days": row.recency_days,
        "frequency": row.frequency,
        "monetary": row.monetary,
        "r": row.r,
        "f": row.f,
        "m": row.m,
        "segment": row.segment,
        "cluster": row.cluster,
    }


def segment_rows_table(rows: QuerySet) -> Table:
    """The customer list as a file: the API's fields under translated headers, the segment by its name."""
    names = dict(SegmentChoice.choices)
    columns = [
        Column("code", _("Code")),
        Column("name", _("Name")),
        Column("recency_days", _("Days since the last order")),
        Column("frequency", _("Orders in 365 days")),
        Column("monetary", _("Purchases, trailing 12 months")),
        Column("r", "R"),
        Column("f", "F"),
        Column("m", "M"),
        Column("segment", _("Segment")),
        Column("cluster", _("Cluster")),
    ]
    body = ({**segment_row_json(row), "segment": str(names[row.segment])} for row in rows.iterator(chunk_size=2000))
    return Table(columns, body)


def segment_members(*, scope: AnalysisScope, key: str) -> QuerySet:
    """The ids of the customers in scope in one segment (a drill-down)."""
    return segment_rows(scope=scope, segment=key).values("customer_id")


def cluster_members(*, scope: AnalysisScope, key: str) -> QuerySet:
    """The ids of the customers in scope in one cluster (a drill-down); nobody for a key that is not a number."""
    if not key.isdigit():
        return CustomerSegment.objects.none().values("customer_id")
    return segment_rows(scope=scope, cluster=int(key)).values("customer_id")


def cluster_label(traits: str) -> str:
    """A cluster's human name from its traits: "recent, frequent, large buyers, pays on time"."""
    words = [str(TRAIT_LABELS.get(code, code)) for code in traits.split(",") if code]
    if len(words) < len(FEATURES):
        return ", ".join(words)
    return _("%(recency)s, %(frequency)s, %(size)s buyers, %(payment)s") % dict(
        zip(("recency", "frequency", "size", "payment"), words, strict=True)
    )


@dataclass(frozen=True, slots=True)
class SegmentCount:
    key: str
    label: str
    customers: int
    share: Decimal


@dataclass(frozen=True, slots=True)
class ClusterRow:
    id: int
    label: str
    size: int
    centroid: dict


@dataclass(frozen=True, slots=True)
class Segmentation:
    """The page's summary: the run it is as of, customers per segment, and the clusters (sizes in scope)."""

    computed_on: date | None
    segments: list[SegmentCount]
    clusters: list[ClusterRow]
    customers: int

    def clusters_json(self) -> list[dict]:
        return [{"id": c.id, "label": c.label, "size": c.size, "centroid": c.centroid} for c in self.clusters]

    def as_json(self) -> dict:
        return {
            "computed_on": self.computed_on,
            "segments": [
                {"key": s.key, "label": s.label, "customers": s.customers, "share": s.share} for s in self.segments
            ],
            "clusters": self.clusters_json(),
        }

    def table(self) -> Table:
        """The segment counts (the page's first table)."""
        columns = [Column("label", _("Segment")), Column("customers", _("Customers")), Column("share", _("Share (%)"))]
        return Table(columns, [{"label": s.label, "customers": s.customers, "share": s.share} for s in self.segments])

    def clusters_table(self) -> Table:
        columns = [
            Column("id", _("Cluster")),
            Column("label", _("Description")),
            Column("size", _("Customers")),
            Column("recency_days", _("Days since the last order")),
            Column("frequency", _("Orders in 365 days")),
            Column("monetary", _("Purchases, trailing 12 months")),
            Column("on_time_ratio", _("On-time ratio")),
        ]
        rows = [{"id": c.id, "label": c.label, "size": c.size, **c.centroid} for c in self.clusters]
        return Table(columns, rows)

    def drill(self, key: str) -> dict[str, str] | None:
        return None  # the analysis lists a segment's customers itself (DRILLS)

    def members(self, *, segment: str = "", cluster: int | None = None) -> int | None:
        """How many rows ``segment_rows`` lists for one segment or one cluster (or neither) in the same scope, as
        counted here; None for a segment and a cluster together, which nothing here counts."""
        if segment and cluster is not None:
            return None
        if segment:
            return next((s.customers for s in self.segments if s.key == segment), 0)
        if cluster is not None:
            return next((c.size for c in self.clusters if c.id == cluster), 0)
        return self.customers


def _centroid(cluster: SegmentCluster) -> dict:
    return {
        "recency_days": round(cluster.recency_days, 1),
        "frequency": round(cluster.frequency, 2),
        "monetary": cluster.monetary,
        "on_time_ratio": round(cluster.on_time_ratio, 4),
    }


def _counts(scope: AnalysisScope, run: SegmentationRun) -> tuple[dict[str, int], dict[int, int]]:
    """Customers in scope per segment and per cluster. For everyone, the run's own counts less the customers
    archived since (a few rows, not a join over all); else one grouped query over the customers in scope."""
    if scope.covers_everyone():
        per_segment = dict(run.segments)
        per_cluster = dict(SegmentCluster.objects.values_list("number", "size"))
        gone = CustomerSegment.objects.filter(customer__deleted_at__isnull=False)
        sign = -1
    else:
        per_segment, per_cluster = {}, {}
        gone = CustomerSegment.objects.filter(customer__in=scope.customers().values("pk"))
        sign = 1
    for segment, cluster, count in gone.order_by().values_list("segment", "cluster").annotate(n=Count("pk")):
        per_segment[segment] = per_segment.get(segment, 0) + sign * count
        per_cluster[cluster] = per_cluster.get(cluster, 0) + sign * count
    return per_segment, per_cluster


def segmentation(*, scope: AnalysisScope) -> Segmentation:
    """Counts per segment (every segment, empty ones too) and per cluster over the customers in scope, in four
    queries at most. Centroids describe the cluster as the run found it over all customers; sizes count those in
    scope."""
    run = segmentation_latest()
    if run is None:
        return Segmentation(None, [], [], 0)
    per_segment, per_cluster = _counts(scope, run)
    total = sum(per_segment.values())
    segments = [
        SegmentCount(code, str(label), per_segment.get(code, 0), percent(per_segment.get(code, 0), total))
        for code, label in SegmentChoice.choices
    ]
    clusters = [
        ClusterRow(c.number, cluster_label(c.traits), per_cluster.get(c.number, 0), _centroid(c))
        for c in SegmentCluster.objects.all()
    ]
    return Segmentation(run.computed_on, segments, clusters, total)
