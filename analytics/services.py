"""The analysis' own writes, into its own tables: the nightly aggregates it reads instead of the orders (DOMAIN §10.3,
§10.4) and the nightly segmentation (§10.5); each set-based and idempotent."""

import io
import logging
import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Sum
from django.db.models.functions import TruncMonth

from analytics.models import (
    CorrelationSnapshot,
    CustomerSegment,
    MonthlyProductSales,
    MonthlySales,
    OwnerCorrelationSnapshot,
    ProductFirstSale,
    ReportSnapshot,
    SalesAggregateStamp,
    SegmentationRun,
    SegmentCluster,
    SegmentStage,
)
from analytics.rules.clusters import FEATURES, Clustering, kmeans_clusters
from analytics.rules.rfm import quintile_sql, segment_sql
from analytics.scope import AnalysisScope
from analytics.selectors import ageing as ageing_selectors
from analytics.selectors import behaviour as behaviour_selectors
from analytics.selectors.composition import composition_rows, composition_rows_every
from analytics.selectors.correlation import correlation_by_owner
from analytics.selectors.pareto import pareto_rows
from analytics.selectors.trend import customer_month_join
from credit.selectors import (
    customers_with_credit_facts,
    live_customers_on_time,
    open_items_sql,
    policy_current,
    products_first_sold,
    rfm_order_facts,
    sales_lines,
    sales_orders,
)
from crm.chunks import id_ranges
from crm.locks import job_lock
from crm.tables import table_rebuilt
from customers.selectors import live_customers


@transaction.atomic
def monthly_sales_refresh(*, today: date) -> int:
    """Rebuild the monthly sums of every live customer's orders dated before ``today`` (through yesterday, a
    complete day): per month, owner, region and tier as of yesterday, then per month, region and tier and per
    month and tier over every owner; line amounts per month, owner and product, then per month and product; and
    the first sale day of every product (any customer's orders, DOMAIN §10.6).
    Set-based (INSERT … SELECT … GROUP BY), so a re-run replaces the same rows, and one run at a time
    (``job_lock``), so overlapping runs do not both insert. Returns the rows written."""
    job_lock("analytics.monthly_sales")
    through = today - timedelta(days=1)
    customers = live_customers()
    orders = sales_orders(customers=customers, until=through)
    facts = customers_with_credit_facts(customers=customers, as_of=through, today=today).order_by()
    sql, params = customer_month_join(
        orders, facts.values(cid=F("pk"), oid=F("owner_id"), reg=F("region"), tier=F("tier_code"))
    )
    lines = (
        sales_lines(customers=customers, until=through)
        .order_by()
        .values("product", month=TruncMonth("order__order_date"), oid=F("order__customer__owner_id"))
        .annotate(amount=Sum("amount"))
    )
    lines_sql, lines_params = lines.query.sql_with_params()
    firsts_sql, firsts_params = products_first_sold(until=through).query.sql_with_params()
    sales, products = MonthlySales._meta.db_table, MonthlyProductSales._meta.db_table
    MonthlySales.objects.all().delete()
    MonthlyProductSales.objects.all().delete()
    ProductFirstSale.objects.all().delete()
    statements = [  # the detail from the orders, then the sums over owners (and regions) from the detail
        (
            f"INSERT INTO {sales} (month, owner_id, region, tier, amount) "
            + sql.format(select="o.month, c.oid, c.reg, c.tier, SUM(o.amount)", group="o.month, c.oid, c.reg, c.tier"),
            params,
        ),
        (
            f"INSERT INTO {sales} (month, owner_id, region, tier, amount) "  # noqa: S608
            f"SELECT month, NULL, region, tier, SUM(amount) FROM {sales} WHERE owner_id IS NOT NULL "
            "GROUP BY month, region, tier",
            [],
        ),
        (
            f"INSERT INTO {sales} (month, owner_id, region, tier, amount) "  # noqa: S608
            f"SELECT month, NULL, NULL, tier, SUM(amount) FROM {sales} WHERE owner_id IS NULL GROUP BY month, tier",
            [],
        ),
        (
            f"INSERT INTO {products} (month, owner_id, region, product, amount) "  # noqa: S608
            f"SELECT q.month, q.oid, NULL, q.product, q.amount FROM ({lines_sql}) q",
            lines_params,
        ),
        (
            f"INSERT INTO {products} (month, owner_id, region, product, amount) "  # noqa: S608
            f"SELECT month, NULL, NULL, product, SUM(amount) FROM {products} GROUP BY month, product",
            [],
        ),
        (
            f"INSERT INTO {ProductFirstSale._meta.db_table} (product, first_sold_on) "  # noqa: S608
            f"SELECT q.product, q.first_sold_on FROM ({firsts_sql}) q",
            firsts_params,
        ),
    ]
    written = 0
    with connection.cursor() as cursor:
        for statement, arguments in statements:
            cursor.execute(statement, arguments)
            written += cursor.rowcount
    SalesAggregateStamp.objects.all().delete()
    SalesAggregateStamp.objects.create(through=through)
    return written


@transaction.atomic
def correlation_snapshot_refresh(*, today: date) -> int:
    """The correlation of every live customer as of yesterday (DOMAIN §10.4), and of each owner's, replacing the
    last ones; returns the customers it covers; one run at a time (``job_lock``), so overlapping runs leave one
    snapshot."""
    job_lock("analytics.correlation_snapshot")
    through = today - timedelta(days=1)
    result, per_owner = correlation_by_owner(customers=live_customers(), as_of=through, today=today)
    CorrelationSnapshot.objects.all().delete()
    CorrelationSnapshot.objects.create(through=through, customers=result.customers, matrices=result.matrices())
    OwnerCorrelationSnapshot.objects.all().delete()
    OwnerCorrelationSnapshot.objects.bulk_create(
        OwnerCorrelationSnapshot(owner_id=owner, through=through, customers=found.customers, matrices=found.matrices())
        for owner, found in per_owner.items()
    )
    return result.customers


OPEN_ITEMS = "analytics_open_items"


def _open_items_kept(scope: AnalysisScope) -> tuple[str, list]:
    """The unpaid items of every ledger as of the scope's day in a temporary table (the allocation runs once for
    every ageing group); returns SQL reading it, for ``ageing_rows``."""
    items_sql, params = open_items_sql(customers=scope.customers(), as_of=scope.as_of, today=scope.today)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {OPEN_ITEMS}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {OPEN_ITEMS} AS SELECT * FROM ({items_sql}) i WHERE i.unpaid > 0",  # noqa: S608
            params,
        )
    return f"SELECT customer_id, order_id, due_date, unpaid FROM {OPEN_ITEMS}", []  # noqa: S608


@transaction.atomic
def report_snapshots_refresh(*, today: date) -> int:
    """Composition, statistics, ageing and behaviour over every live customer as of yesterday, replacing the last ones
    (``analytics.selectors.nightly``): what each report's query returns, stored per report and variant. Returns
    the snapshots written. One run at a time (``job_lock``), so overlapping runs leave one set."""
    job_lock("analytics.report_snapshots")
    through = today - timedelta(days=1)
    scope = AnalysisScope.portfolio(as_of=through, today=today)
    with connection.cursor() as cursor:
        if _postgres():  # the sorts and hashes of a million customers in memory, for this transaction only
            cursor.execute("SET LOCAL work_mem = '128MB'")
    reports = {f"composition:{by}": rows for by, rows in composition_rows_every(scope=scope).items()}
    reports["composition:product"] = composition_rows(scope=scope, by="product")
    reports["pareto"] = pareto_rows(scope=scope)
    items = _open_items_kept(scope)
    for group in ageing_selectors.GROUPS:
        reports[f"ageing:{group}"] = ageing_selectors.ageing_rows(scope=scope, group=group, items=items)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {OPEN_ITEMS}")
    for topic in behaviour_selectors.TOPICS:
        reports[f"behaviour:{topic}"] = behaviour_selectors.behaviour_rows(scope=scope, topic=topic)
    ReportSnapshot.objects.all().delete()
    ReportSnapshot.objects.bulk_create(
        ReportSnapshot(report=name, through=through, rows=rows) for name, rows in reports.items()
    )
    return len(reports)


logger = logging.getLogger(__name__)
ACTIVE_DAYS = 730  # customers with an order in the last 730 days are scored (DOMAIN §10.5)
CHUNK = 100_000  # rows fetched or copied at a time
STAGE_CHUNK = 100_000  # customer ids a part of the nightly chord stages
CENTS = Decimal("0.01")
LABELS = "analytics_rfm_labels"
SEGMENTATION_LOCK = "analytics.segmentation"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def segmentation_ranges() -> list[tuple[int, int]]:
    """The ranges of customer ids the segmentation stages one at a time (parts of the nightly chord)."""
    bounds = live_customers().aggregate(low=Min("pk"), high=Max("pk"))
    return id_ranges(bounds["low"], bounds["high"], STAGE_CHUNK)


@transaction.atomic
def segmentation_stage_chunk(*, today: date, low: int, high: int) -> int:
    """Stage the RFM values and on-time ratio of the live customers with ids in [low, high) and a sale in the 730
    days ending ``today`` (DOMAIN §10.5): one aggregate over their orders, inside the database, replacing the
    range's earlier rows. Idempotent: a part run twice, or by two overlapping runs one after the other (a lock per
    range), leaves the same rows. Returns the customers staged."""
    job_lock(f"{SEGMENTATION_LOCK}.stage:{low}")
    in_range = {"customer_id__gte": low, "customer_id__lt": high}
    orders_sql, orders_params = (
        rfm_order_facts(as_of=today, active_days=ACTIVE_DAYS, window_days=policy_current().as_rule().window_days)
        .filter(**in_range)
        .query.sql_with_params()
    )
    live_sql, live_params = live_customers_on_time().filter(pk__gte=low, pk__lt=high).query.sql_with_params()
    if _postgres():
        days, day = "(%s::date - o.last_order)", today
    else:
        days, day = "CAST(julianday(%s) - julianday(o.last_order) AS INTEGER)", today.isoformat()
    stage = SegmentStage._meta.db_table
    with connection.cursor() as cursor:
        if _postgres():  # the order aggregate's hash in memory, for this transaction only
            cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(f"DELETE FROM {stage} WHERE customer_id >= %s AND customer_id < %s", [low, high])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {stage} (customer_id, computed_on, recency_days, frequency, monetary, on_time)"  # noqa: S608 — our names and the selectors' SQL; values are parameters
            f" SELECT o.customer_id, %s, {days}, o.frequency, o.monetary, c.on_time"
            f" FROM ({orders_sql}) o JOIN ({live_sql}) c ON c.id = o.customer_id",
            [today if _postgres() else today.isoformat(), day, *orders_params, *live_params],
        )
        return cursor.rowcount


def _feature_arrays(today: date) -> tuple[np.ndarray, np.ndarray]:
    """Customer ids and the FEATURES of the day's stage, by id, fetched in chunks into numpy arrays (an unknown
    on-time ratio — nothing due yet — counts as 1)."""
    stage, day = SegmentStage._meta.db_table, today if _postgres() else today.isoformat()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {stage} WHERE computed_on = %s", [day])  # noqa: S608
        (expected,) = cursor.fetchone()
    ids = np.empty(expected, dtype=np.int64)
    values = np.empty((expected, len(FEATURES)), dtype=np.float64)
    filled = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, recency_days, frequency, CAST(monetary AS DOUBLE PRECISION),"  # noqa: S608
            f" CAST(COALESCE(on_time, 1) AS DOUBLE PRECISION) FROM {stage} WHERE computed_on = %s"
            " ORDER BY customer_id",
            [day],
        )
        while rows := cursor.fetchmany(CHUNK):
            block = np.array(rows, dtype=np.float64)
            ids[filled : filled + len(rows)] = block[:, 0]
            values[filled : filled + len(rows)] = block[:, 1:]
            filled += len(rows)
    return ids[:filled], values[:filled]


def _labels_stage(ids: np.ndarray, labels: np.ndarray) -> None:
    """The k-means labels in a temporary table, written by COPY a chunk at a time (elsewhere by executemany)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {LABELS}")
        cursor.execute(f"CREATE TEMPORARY TABLE {LABELS} (customer_id bigint PRIMARY KEY, cluster smallint)")
        for start in range(0, len(ids), CHUNK):
            chunk_ids, chunk_labels = ids[start : start + CHUNK].tolist(), labels[start : start + CHUNK].tolist()
            if _postgres():
                text = io.StringIO("".join(f"{i}\t{label}\n" for i, label in zip(chunk_ids, chunk_labels, strict=True)))
                cursor.cursor.copy_expert(f"COPY {LABELS} (customer_id, cluster) FROM STDIN", text)
            else:
                cursor.executemany(
                    f"INSERT INTO {LABELS} VALUES (%s, %s)",  # noqa: S608
                    list(zip(chunk_ids, chunk_labels, strict=True)),
                )


def _scores_insert(today: date) -> int:
    """Replace the per-customer table with the day's stage scored (quintiles with ties), segmented and labelled, in
    customer order (``table_rebuilt``: readers keep the old rows until commit)."""
    count = "COUNT(*) OVER ()"
    stage = SegmentStage._meta.db_table
    day = today if _postgres() else today.isoformat()
    with connection.cursor() as cursor:
        if _postgres():  # the rank sorts in memory, for this transaction only
            cursor.execute("SET LOCAL work_mem = '128MB'")
        with table_rebuilt(CustomerSegment) as table:
            cursor.execute(
                f"""INSERT INTO {table} (customer_id, computed_on, recency_days, frequency, monetary, on_time_ratio,
                                        r, f, m, segment, cluster)
                SELECT customer_id, %s, recency_days, frequency, monetary, on_time, r, f, m,
                       {segment_sql("r", "f", "m")}, cluster
                FROM (
                    SELECT s.customer_id, s.recency_days, s.frequency, s.monetary, s.on_time, l.cluster,
                           {quintile_sql("RANK() OVER (ORDER BY s.recency_days DESC)", count)} AS r,
                           {quintile_sql("RANK() OVER (ORDER BY s.frequency)", count)} AS f,
                           {quintile_sql("RANK() OVER (ORDER BY s.monetary)", count)} AS m
                    FROM {stage} s LEFT JOIN {LABELS} l ON l.customer_id = s.customer_id
                    WHERE s.computed_on = %s
                ) scored
                ORDER BY customer_id""",  # noqa: S608
                [day, day],
            )
            inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {LABELS}")
    return inserted


def _clusters_keep(clustering: Clustering, as_of: date) -> None:
    SegmentCluster.objects.all().delete()
    SegmentCluster.objects.bulk_create(
        SegmentCluster(
            number=cluster.number,
            computed_on=as_of,
            size=cluster.size,
            recency_days=cluster.centroid["recency_days"],
            frequency=cluster.centroid["frequency"],
            monetary=Decimal(repr(cluster.centroid["monetary"])).quantize(CENTS),
            on_time_ratio=cluster.centroid["on_time_ratio"],
            traits=",".join(cluster.traits),
        )
        for cluster in clustering.clusters
    )


@transaction.atomic
def segmentation_finish(*, today: date, started: float | None = None) -> SegmentationRun:
    """Cluster, score and segment the day's staged customers, replacing the previous run (DOMAIN §10.5); one run
    at a time (``job_lock``), so overlapping runs replace rather than duplicate each other's rows. ``started``
    (``time.time()`` when the run began, its stage included) dates the run's seconds."""
    job_lock(SEGMENTATION_LOCK)
    began = time.perf_counter()
    ids, values = _feature_arrays(today)
    fetched = time.perf_counter()
    clustering = kmeans_clusters(values)
    clustered = time.perf_counter()
    _labels_stage(ids, clustering.labels)
    _scores_insert(today)
    _clusters_keep(clustering, today)
    seconds = time.time() - started if started is not None else time.perf_counter() - began
    logger.info(
        "segmentation %s: %d customers, k=%d; %.1f s in all: fetch %.1f s, k-means %.1f s, write %.1f s",
        today,
        len(ids),
        len(clustering.clusters),
        seconds,
        fetched - began,
        clustered - fetched,
        time.perf_counter() - clustered,
    )
    run, _created = SegmentationRun.objects.update_or_create(
        computed_on=today,
        defaults={
            "customers": len(ids),
            "clusters": len(clustering.clusters),
            "silhouette": clustering.silhouette,
            "segments": dict(CustomerSegment.objects.order_by().values_list("segment").annotate(n=Count("pk"))),
            "seconds": round(seconds, 2),
        },
    )
    return run


def segmentation_compute(*, today: date) -> SegmentationRun:
    """Score, segment and cluster every live customer with a sale in the 730 days ending ``today``, replacing the
    previous run (DOMAIN §10.5), in this process: every range staged, then the run finished. Running it twice for a
    day leaves the same rows. (On workers the nightly task spreads the ranges over every worker, analytics/tasks.py.)"""
    started = time.time()
    for low, high in segmentation_ranges():
        segmentation_stage_chunk(today=today, low=low, high=high)
    return segmentation_finish(today=today, started=started)
