"""Browser pages of the analysis (DOMAIN §10): a chart drawn from the API's JSON and the table behind it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from analytics.dashboard import over_90_count, over_90_tile
from analytics.forms import AnalysisFilterForm, SegmentFilterForm
from analytics.scope import AnalysisScope
from analytics.selectors import ageing as ageing_selectors
from analytics.selectors import behaviour as behaviour_selectors
from analytics.selectors import composition as composition_selectors
from analytics.selectors import correlation as correlation_selectors
from analytics.selectors import pareto as pareto_selectors
from analytics.selectors import segments as segment_selectors
from analytics.selectors import trend as trend_selectors
from crm import access
from crm.models import AccessLog
from customers import selectors as customer_selectors

PAGES = [  # §10.1–§10.7, in the order of the tabs: (url name, title)
    ("analytics_composition", _("Composition")),
    ("analytics_pareto", _("Statistics")),
    ("analytics_trend", _("Trend")),
    ("analytics_correlation", _("Correlation")),
    ("analytics_segments", _("Segmentation")),
    ("analytics_behaviour", _("Behaviour")),
    ("analytics_ageing", _("Receivables ageing")),
]


class CountedPaginator(Paginator):
    """A paginator told how many rows it pages when the page has counted them already (the segment summary), so a
    page of a million scored customers costs no COUNT(*); ``count`` None: counted as usual."""

    def __init__(self, object_list, per_page: int, *, count: int | None) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return super().count if self._known_count is None else self._known_count


def _scope(request) -> tuple[AnalysisScope, AnalysisFilterForm]:
    if not request.user.has_perm("analytics.view_analysis"):
        raise PermissionDenied
    reads_all = access.dossiers_fully_visible(request.user) is None
    owners = customer_selectors.owner_candidates() if reads_all else ()
    form = AnalysisFilterForm(request.GET or None, owners=owners)
    scope = AnalysisScope.of(request.user, form.cleaned_data if form.is_valid() else {}, today=timezone.localdate())
    return scope, form


def _query(request, **changes) -> str:
    """The page's query string with ``changes`` applied (empty values dropped), for links, the API and exports."""
    params = {key: value for key, value in request.GET.items() if key not in ("page", "format")}
    params.update(changes)
    return urlencode({key: value for key, value in params.items() if value})


def _table_rows(report, keys) -> list[dict]:
    """The report's table with a drill-down link per row: the customer list filtered to the row's customers."""
    table, rows = report.table(), []
    for key, cells in zip(keys, table.rows, strict=True):
        drill = report.drill(key)
        href = f"{reverse('customer_list')}?{urlencode(drill)}" if drill else None
        rows.append({"key": key, "cells": [cells.get(column.key) for column in table.columns], "href": href})
    return rows


def _page(request, template: str, scope: AnalysisScope, form, report, api: str, **context):
    query = _query(request)
    context |= {
        "pages": PAGES,
        "form": form,
        "scope": scope,
        "report": report,
        "columns": report.table().columns,
        "api_url": f"{reverse(api)}?{query}",
        "query": query,
    }
    return render(request, template, context)


@login_required
def composition(request):
    scope, form = _scope(request)
    by = request.GET.get("by") or "tier"
    if by not in composition_selectors.BY:
        raise Http404
    report = composition_selectors.composition(scope=scope, by=by)
    rows = _table_rows(report, [row.key for row in report.rows])
    if by == "product":
        for row in rows:
            row["href"] = f"{reverse('analytics_customers')}?{_query(request, report='product', key=row['key'])}"
    choices = [(key, label, _query(request, by=key)) for key, (_column, label) in composition_selectors.BY.items()]
    return _page(
        request,
        "analytics/composition.html",
        scope,
        form,
        report,
        "api_analytics_composition",
        rows=rows,
        by=by,
        by_choices=choices,
    )


def _whole(value: str | None, default: int, lowest: int, highest: int) -> int:
    """A whole number from the query string, ``default`` when missing or not a number, kept within bounds."""
    try:
        return min(max(int(value), lowest), highest) if value else default
    except ValueError:
        return default


@login_required
def trend(request):
    scope, form = _scope(request)
    by = request.GET.get("by", "")
    if by not in trend_selectors.BY:
        raise Http404
    months = _whole(request.GET.get("months"), 24, 1, 60)
    report = trend_selectors.trend(
        scope=scope, by=by, months=months, horizon=_whole(request.GET.get("forecast"), 3, 0, 12)
    )
    rows = _table_rows(report, report.row_keys())
    if by == "product":
        for row in rows[1 : len(report.series)]:
            query = _query(request, report="trend_product", key=row["key"])
            row["href"] = f"{reverse('analytics_customers')}?{query}"
    choices = [(key, label, _query(request, by=key)) for key, label in trend_selectors.BY.items()]
    return _page(
        request,
        "analytics/trend.html",
        scope,
        form,
        report,
        "api_analytics_trend",
        rows=rows,
        by=by,
        by_choices=choices,
    )


@login_required
def pareto(request):
    """Statistics (DOMAIN §10.2): the Pareto chart, the ABC summary and the top customers."""
    scope, form = _scope(request)
    report = pareto_selectors.pareto(scope=scope)
    rows = _table_rows(report, [row.code for row in report.rows])
    for row in rows:  # a row is one customer: its dossier
        row["href"] = reverse("customer_detail", args=[row["key"]])
    classes = [(summary, _drill_href(request, "abc", summary.key)) for summary in report.classes]
    return _page(
        request, "analytics/pareto.html", scope, form, report, "api_analytics_pareto", rows=rows, classes=classes
    )


@login_required
def correlation(request):
    scope, form = _scope(request)
    report = correlation_selectors.correlation(scope=scope)
    rows = _table_rows(report, [pair["key"] for pair in report.pairs()])
    return _page(request, "analytics/correlation.html", scope, form, report, "api_analytics_correlation", rows=rows)


TREND_PRODUCT_MONTHS = 24  # a product's line leads to who bought it in the trend's default window


def _trend_product_buyers(*, scope: AnalysisScope, key: str):
    return trend_selectors.product_buyers(scope=scope, key=key, months=TREND_PRODUCT_MONTHS)


@login_required
def ageing(request):
    """Receivables ageing (DOMAIN §10.7): stacked bars per group, the table with a link per bucket, DSO."""
    scope, form = _scope(request)
    group = request.GET.get("group") or "none"
    if group not in ageing_selectors.GROUPS:
        raise Http404
    report = ageing_selectors.ageing(scope=scope, group=group)
    rows = [
        _ageing_cells(request, report, row.key, row.label, {**row.amounts, "total": row.total}) for row in report.rows
    ]
    total = {**report.total, "total": report.receivables}
    choices = [(key, label, _query(request, group=key)) for key, label in ageing_selectors.GROUPS.items()]
    buckets = [(bucket, ageing_selectors.BUCKET_LABELS[bucket]) for bucket in ageing_selectors.BUCKETS]
    context = {"rows": rows, "total": total, "group": group, "group_choices": choices, "buckets": buckets}
    return _page(request, "analytics/ageing.html", scope, form, report, "api_analytics_ageing", **context)


def _drill_href(request, report: str, key: object) -> str:
    return f"{reverse('analytics_customers')}?{_query(request, report=report, key=str(key))}"


def _ageing_cells(request, report, key: str, label: str, amounts: dict) -> dict:
    """A table row: the label linking to the group's debtors, each bucket to the debtors of that bucket."""
    cells = [
        (
            bucket,
            amounts[bucket],
            _drill_href(request, "ageing", report.drill_key(key, bucket)) if amounts[bucket] else None,
        )
        for bucket in (*ageing_selectors.BUCKETS, "total")
    ]
    return {"key": key, "label": label, "href": _drill_href(request, "ageing", report.drill_key(key)), "cells": cells}


DRILLS = {  # a drill-down the customer list has no filter for: report → (scope, key) → customer ids
    "product": composition_selectors.product_buyers,
    "trend_product": _trend_product_buyers,
    "abc": pareto_selectors.abc_members,
    "ageing": ageing_selectors.ageing_debtors,
    "segment": segment_selectors.segment_members,
    "cluster": segment_selectors.cluster_members,
}
DRILL_TITLES = {  # report → the drill-down page's heading for a key (default: a product's buyers)
    "segment": lambda key: _("Customers in the segment %(name)s") % {"name": segment_selectors.segment_name(key)},
    "cluster": lambda key: _("Customers in cluster %(number)s") % {"number": key},
}


@login_required
def dashboard_over_90(request):
    """The dashboard's count of customers with receivables over 90 days, loaded after the page (htmx)."""
    _scope(request)  # who may read the analysis
    tile = over_90_tile(over_90_count(user=request.user, today=timezone.localdate()))
    return render(request, "customers/_dashboard_count.html", {"tile": tile})


@login_required
def customers(request):
    """The customers behind a figure the customer list cannot filter by (a product's buyers…), same rows."""
    scope, _form = _scope(request)
    drill = DRILLS.get(request.GET.get("report", ""))
    key = request.GET.get("key", "")
    if drill is None or not key:
        raise Http404
    filters = customer_selectors.CustomerFilters(within=drill(scope=scope, key=key))
    found = customer_selectors.customer_list(user=request.user, filters=filters)
    page = Paginator(found, customer_selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = customer_selectors.dossier_rows(user=request.user, customers=page, channel=AccessLog.Channel.WEB)
    context = {"pages": PAGES, "page": page, "rows": rows, "key": key, "scope": scope, "query": _query(request)}
    report_name = request.GET["report"]
    context["report_name"] = report_name
    context["heading"] = _drill_heading(report_name, key, scope) or DRILL_TITLES.get(report_name, lambda key: "")(key)
    return render(request, "analytics/customers.html", context)


def _drill_heading(report: str, key: str, scope: AnalysisScope) -> str | None:
    """What a drill-down of Statistics or Ageing lists (the product drill-down's heading is the template's)."""
    day = scope.as_of.isoformat()
    if report == "abc":
        return _("Customers in ABC class %(key)s as of %(day)s") % {"key": key, "day": day}
    if report == "ageing":
        group, _sep, rest = key.partition(ageing_selectors.SEPARATOR)
        row, _sep, bucket = rest.partition(ageing_selectors.SEPARATOR)
        label = ageing_selectors.BUCKET_LABELS.get(bucket) or _("any age")
        if group in ("none", ""):
            return _("Customers with receivables %(bucket)s as of %(day)s") % {"bucket": label, "day": day}
        return _("Customers with receivables %(bucket)s, %(group)s %(row)s, as of %(day)s") % {
            "bucket": label,
            "group": ageing_selectors.GROUPS.get(group, group),
            "row": row,
            "day": day,
        }
    return None


@login_required
def segments(request):
    """RFM segments and k-means clusters as of the latest nightly run (DOMAIN §10.5), and the scored customers."""
    if not request.user.has_perm("analytics.view_analysis"):
        raise PermissionDenied
    reads_all = access.dossiers_fully_visible(request.user) is None
    owners = customer_selectors.owner_candidates() if reads_all else ()
    run = segment_selectors.segmentation_latest()
    clusters = segment_selectors.cluster_choices()
    form = SegmentFilterForm(request.GET or None, owners=owners, clusters=clusters)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    scope = AnalysisScope.of(request.user, {**filters, "as_of": run.computed_on if run else today}, today=today)
    report = segment_selectors.segmentation(scope=scope)
    rows = segment_selectors.segment_rows(
        scope=scope, segment=filters.get("segment") or "", cluster=filters.get("cluster")
    )
    counted = report.members(segment=filters.get("segment") or "", cluster=filters.get("cluster"))
    page = CountedPaginator(rows, 50, count=counted).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "segment_rows": [
            {"key": s.key, "cells": [s.label, s.customers, s.share], "href": _drill_href(request, "segment", s.key)}
            for s in report.segments
        ],
        "cluster_columns": report.clusters_table().columns,
        "cluster_rows": [
            {"key": row["id"], "cells": list(row.values()), "href": _drill_href(request, "cluster", row["id"])}
            for row in report.clusters_table().rows
        ],
        "clusters_api": f"{reverse('api_analytics_clusters')}?{_query(request, segment='', cluster='')}",
        "list_api": f"{reverse('api_analytics_segments')}?{_query(request)}",
        "page": page,
        "segment_names": dict(segment_selectors.SegmentChoice.choices),
    }
    return _page(request, "analytics/segments.html", scope, form, report, "api_analytics_segment_summary", **context)


@login_required
def behaviour(request):
    """One behaviour topic's table and chart (DOMAIN §10.6), a button per topic."""
    scope, form = _scope(request)
    topic = request.GET.get("topic") or "promotions"
    if topic not in behaviour_selectors.TOPICS:
        raise Http404
    report = behaviour_selectors.behaviour(scope=scope, topic=topic)
    rows = _table_rows(report, [str(index) for index in range(len(report.rows))])
    choices = [(key, label, _query(request, topic=key)) for key, label in behaviour_selectors.TOPICS.items()]
    context = {"rows": rows, "topic": topic, "topic_choices": choices}
    return _page(request, "analytics/behaviour.html", scope, form, report, "api_analytics_behaviour", **context)
