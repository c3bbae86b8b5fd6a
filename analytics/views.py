"""Browser pages of the analysis (DOMAIN §10): a chart drawn from the API's JSON and the table behind it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from analytics.forms import AnalysisFilterForm, SegmentFilterForm
from analytics.scope import AnalysisScope
from analytics.selectors import behaviour as behaviour_selectors
from analytics.selectors import composition as composition_selectors
from analytics.selectors import segments as segment_selectors
from crm import access
from crm.models import AccessLog
from customers import selectors as customer_selectors

PAGES = [  # §10.1–§10.7, in the order of the tabs: (url name, title)
    ("analytics_composition", _("Composition")),
    ("analytics_segments", _("Segmentation")),
    ("analytics_behaviour", _("Behaviour")),
]


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


DRILLS = {  # a drill-down the customer list has no filter for: report → (scope, key) → customer ids
    "product": composition_selectors.product_buyers,
    "segment": segment_selectors.segment_members,
    "cluster": segment_selectors.cluster_members,
}
DRILL_TITLES = {  # report → the drill-down page's heading for a key (default: a product's buyers)
    "segment": lambda key: _("Customers in the segment %(name)s") % {"name": segment_selectors.segment_name(key)},
    "cluster": lambda key: _("Customers in cluster %(number)s") % {"number": key},
}


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
    title = DRILL_TITLES.get(request.GET.get("report", ""), lambda key: "")(key)
    context = {"pages": PAGES, "page": page, "rows": rows, "key": key, "title": title, "scope": scope}
    context["query"] = _query(request)
    return render(request, "analytics/customers.html", context)


def _drill_href(request, report: str, key: object) -> str:
    return f"{reverse('analytics_customers')}?{_query(request, report=report, key=str(key))}"


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
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
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
