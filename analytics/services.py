"""The nightly segmentation (DOMAIN §10.5): the only writes of the analysis, into its own tables.

Set-based and idempotent, in one transaction, so readers see either the previous run or this one:
1. one aggregate over the orders (``credit.selectors.rfm_order_facts``) joined to the live customers' on-time
   ratios lands in a temporary stage table;
2. the stage's R, F, M and on-time ratio stream into numpy arrays in chunks (never model instances) and k-means
   labels them; the labels go to a second temporary table in chunked array inserts;
3. the previous run's rows go (DELETE: readers keep them until commit), and one ``INSERT … SELECT`` scores the
   stage with window functions, segments it by the rule's CASE and joins the labels — each row written once.
"""

import logging
import time
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import Count

from analytics.models import CustomerSegment, SegmentationRun, SegmentCluster
from analytics.rules.clusters import FEATURES, Clustering, kmeans_clusters
from analytics.rules.rfm import quintile_sql, segment_sql
from credit.selectors import live_customers_on_time, policy_current, rfm_order_facts

logger = logging.getLogger(__name__)
ACTIVE_DAYS = 730  # customers with an order in the last 730 days are scored (DOMAIN §10.5)
CHUNK = 100_000
CENTS = Decimal("0.01")
STAGE, LABELS = "analytics_rfm_stage", "analytics_rfm_labels"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _stage(as_of: date) -> None:
    """The stage table: customer_id, recency_days, frequency, monetary, on_time — one row per scored customer."""
    orders_sql, orders_params = rfm_order_facts(
        as_of=as_of, active_days=ACTIVE_DAYS, window_days=policy_current().as_rule().window_days
    ).query.sql_with_params()
    live_sql, live_params = live_customers_on_time().query.sql_with_params()
    if _postgres():
        days, day = "(%s::date - o.last_order)", as_of
    else:
        days, day = "CAST(julianday(%s) - julianday(o.last_order) AS INTEGER)", as_of.isoformat()
    with connection.cursor() as cursor:
        if _postgres():  # the order aggregate's hash and the rank sorts in memory, for this transaction only
            cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} AS"  # noqa: S608 — our names and the selectors' SQL; values are parameters
            f" SELECT o.customer_id AS customer_id, {days} AS recency_days, o.frequency AS frequency,"
            f" o.monetary AS monetary, c.on_time AS on_time"
            f" FROM ({orders_sql}) o JOIN ({live_sql}) c ON c.id = o.customer_id",
            [day, *orders_params, *live_params],
        )


def _feature_arrays() -> tuple[np.ndarray, np.ndarray]:
    """Customer ids and the FEATURES of the stage, by id, fetched in chunks into numpy arrays (an unknown on-time
    ratio — nothing due yet — counts as 1)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")  # noqa: S608
        (expected,) = cursor.fetchone()
    ids = np.empty(expected, dtype=np.int64)
    values = np.empty((expected, len(FEATURES)), dtype=np.float64)
    filled = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, recency_days, frequency, CAST(monetary AS DOUBLE PRECISION),"  # noqa: S608
            f" CAST(COALESCE(on_time, 1) AS DOUBLE PRECISION) FROM {STAGE} ORDER BY customer_id"
        )
        while rows := cursor.fetchmany(CHUNK):
            block = np.array(rows, dtype=np.float64)
            ids[filled : filled + len(rows)] = block[:, 0]
            values[filled : filled + len(rows)] = block[:, 1:]
            filled += len(rows)
    return ids[:filled], values[:filled]


def _labels_stage(ids: np.ndarray, labels: np.ndarray) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {LABELS}")
        cursor.execute(f"CREATE TEMPORARY TABLE {LABELS} (customer_id bigint PRIMARY KEY, cluster smallint)")
        for start in range(0, len(ids), CHUNK):
            chunk_ids, chunk_labels = ids[start : start + CHUNK].tolist(), labels[start : start + CHUNK].tolist()
            if _postgres():
                cursor.execute(
                    f"INSERT INTO {LABELS} SELECT * FROM unnest(%s::bigint[], %s::smallint[])",  # noqa: S608
                    [chunk_ids, chunk_labels],
                )
            else:
                cursor.executemany(
                    f"INSERT INTO {LABELS} VALUES (%s, %s)",  # noqa: S608
                    list(zip(chunk_ids, chunk_labels, strict=True)),
                )


def _scores_insert(as_of: date) -> int:
    """Replace the per-customer table with the stage scored (quintiles with ties), segmented and labelled."""
    count = "COUNT(*) OVER ()"
    table = CustomerSegment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — not TRUNCATE: readers keep the old rows until commit
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
                FROM {STAGE} s LEFT JOIN {LABELS} l ON l.customer_id = s.customer_id
            ) scored""",  # noqa: S608
            [as_of if _postgres() else as_of.isoformat()],
        )
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGE}")
        cursor.execute(f"DROP TABLE {LABELS}")
        if _postgres():
            cursor.execute(f"ANALYZE {table}")  # fresh statistics for the scoped reads right after the run
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
def segmentation_compute(*, today: date) -> SegmentationRun:
    """Score, segment and cluster every live customer with a sale in the 730 days ending ``today``, replacing the
    previous run (DOMAIN §10.5). Running it twice for a day leaves the same rows."""
    started = time.perf_counter()
    _stage(today)
    ids, values = _feature_arrays()
    staged = time.perf_counter()
    clustering = kmeans_clusters(values)
    clustered = time.perf_counter()
    _labels_stage(ids, clustering.labels)
    _scores_insert(today)
    _clusters_keep(clustering, today)
    seconds = time.perf_counter() - started
    logger.info(
        "segmentation %s: %d customers, k=%d; stage %.1f s, k-means %.1f s, write %.1f s",
        today,
        len(ids),
        len(clustering.clusters),
        staged - started,
        clustered - staged,
        seconds - (clustered - started),
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
