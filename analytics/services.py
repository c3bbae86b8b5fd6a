"""The nightly segmentation (DOMAIN §10.5): the only writes of the analysis, into its own tables.

Set-based and idempotent: in one transaction the run replaces the previous one, so readers see either the old
table or the new one. Scores and segments are one ``INSERT … SELECT`` with window functions over the order
aggregate of ``credit.selectors.rfm_facts``; k-means runs on numpy arrays streamed from that table in chunks
(never model instances), and the cluster numbers go back in chunked set-based updates.
"""

import time
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import connection, transaction

from analytics.models import CustomerSegment, SegmentationRun, SegmentCluster
from analytics.rules.clusters import FEATURES, Clustering, kmeans_clusters
from analytics.rules.rfm import quintile_sql, segment_sql
from credit.selectors import policy_current, rfm_facts

ACTIVE_DAYS = 730  # customers with an order in the last 730 days are scored (DOMAIN §10.5)
CHUNK = 50_000
CENTS = Decimal("0.01")


def _days_since(as_of: date) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return "(%s::date - facts.last_order)", [as_of]
    return "CAST(julianday(%s) - julianday(facts.last_order) AS INTEGER)", [as_of.isoformat()]


def _scores_insert(as_of: date) -> int:
    """Insert every scored customer's row (cluster left empty) in one statement; the number inserted."""
    facts_sql, facts_params = rfm_facts(
        as_of=as_of, active_days=ACTIVE_DAYS, window_days=policy_current().as_rule().window_days
    ).query.sql_with_params()
    days_sql, days_params = _days_since(as_of)
    count = "COUNT(*) OVER ()"
    table = CustomerSegment._meta.db_table
    sql = f"""
        INSERT INTO {table} (customer_id, computed_on, recency_days, frequency, monetary, on_time_ratio,
                             r, f, m, segment, cluster)
        SELECT customer_id, %s, recency_days, frequency, monetary, on_time, r, f, m,
               {segment_sql("r", "f", "m")}, NULL
        FROM (
            SELECT customer_id, recency_days, frequency, monetary, on_time,
                   {quintile_sql("RANK() OVER (ORDER BY recency_days DESC)", count)} AS r,
                   {quintile_sql("RANK() OVER (ORDER BY frequency)", count)} AS f,
                   {quintile_sql("RANK() OVER (ORDER BY monetary)", count)} AS m
            FROM (SELECT facts.customer_id, {days_sql} AS recency_days, facts.frequency, facts.monetary,
                         facts.on_time
                  FROM ({facts_sql}) facts) base
        ) scored
    """  # noqa: S608 — table and expressions are ours; values travel as parameters
    params = [as_of if connection.vendor == "postgresql" else as_of.isoformat(), *days_params, *facts_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _feature_arrays(expected: int) -> tuple[np.ndarray, np.ndarray]:
    """Customer ids and the FEATURES of every scored customer, by id, fetched in chunks into numpy arrays (an
    unknown on-time ratio — nothing due yet — counts as 1)."""
    ids = np.empty(expected, dtype=np.int64)
    values = np.empty((expected, len(FEATURES)), dtype=np.float64)
    table = CustomerSegment._meta.db_table
    filled = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, recency_days, frequency, CAST(monetary AS DOUBLE PRECISION),"  # noqa: S608
            f" CAST(COALESCE(on_time_ratio, 1) AS DOUBLE PRECISION) FROM {table} ORDER BY customer_id"
        )
        while rows := cursor.fetchmany(CHUNK):
            block = np.array(rows, dtype=np.float64)
            ids[filled : filled + len(rows)] = block[:, 0]
            values[filled : filled + len(rows)] = block[:, 1:]
            filled += len(rows)
    return ids[:filled], values[:filled]


def _clusters_write(ids: np.ndarray, labels: np.ndarray) -> None:
    table = CustomerSegment._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk_ids, chunk_labels = ids[start : start + CHUNK].tolist(), labels[start : start + CHUNK].tolist()
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS s SET cluster = v.cluster"  # noqa: S608
                    " FROM unnest(%s::bigint[], %s::smallint[]) AS v(customer_id, cluster)"
                    " WHERE s.customer_id = v.customer_id",
                    [chunk_ids, chunk_labels],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET cluster = %s WHERE customer_id = %s",  # noqa: S608
                    list(zip(chunk_labels, chunk_ids, strict=True)),
                )


def _clusters_keep(clustering: Clustering, as_of: date) -> None:
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
    """Score, segment and cluster every customer with a sale in the 730 days ending ``today``, replacing the
    previous run (DOMAIN §10.5). Running it twice for a day leaves the same rows."""
    started = time.perf_counter()
    _previous_delete()
    scored = _scores_insert(today)
    ids, values = _feature_arrays(scored)
    clustering = kmeans_clusters(values)
    _clusters_write(ids, clustering.labels)
    _clusters_keep(clustering, today)
    run, _created = SegmentationRun.objects.update_or_create(
        computed_on=today,
        defaults={
            "customers": len(ids),
            "clusters": len(clustering.clusters),
            "silhouette": clustering.silhouette,
            "seconds": round(time.perf_counter() - started, 2),
        },
    )
    return run


def _previous_delete() -> None:
    """Remove the previous run's rows (DELETE, not TRUNCATE: readers keep seeing them until this run commits)."""
    with connection.cursor() as cursor:
        for model in (CustomerSegment, SegmentCluster):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
