"""DOMAIN §10.5 k-means clusters: k by silhouette on three obvious blobs, determinism, centroids in the units."""

import numpy as np
import pytest

from analytics.rules.clusters import choose_k, kmeans_clusters, standardised


def _blobs(seed: int = 1) -> np.ndarray:
    """Three tight groups of 60 customers: (days since last order, orders, purchases, on-time ratio)."""
    rng = np.random.default_rng(seed)
    centres = [(5, 40, 500_000, 1.0), (200, 3, 20_000, 0.6), (600, 1, 2_000, 0.2)]
    return np.vstack([np.array(centre) * rng.uniform(0.95, 1.05, size=(60, 4)) for centre in centres])


def test_three_blobs_give_k_3():
    k, score, centres = choose_k(standardised(_blobs()))
    assert k == 3
    assert score > 0.8
    assert centres.shape == (3, 4)


def test_centroids_are_in_original_units_and_clusters_are_numbered_by_purchases():
    result = kmeans_clusters(_blobs())
    assert [cluster.size for cluster in result.clusters] == [60, 60, 60]
    first, _second, third = result.clusters
    assert first.number == 0
    assert first.centroid["monetary"] == pytest.approx(500_000, rel=0.05)
    assert first.centroid["recency_days"] == pytest.approx(5, rel=0.05)
    assert first.traits == ("recent", "frequent", "large", "punctual")
    assert third.traits == ("lapsed", "occasional", "small", "late_paying")
    assert list(result.labels[:60]) == [0] * 60


def test_the_same_data_gives_the_same_clusters():
    one, two = kmeans_clusters(_blobs()), kmeans_clusters(_blobs())
    assert np.array_equal(one.labels, two.labels)
    assert one.clusters == two.clusters


def test_too_few_distinct_customers_make_one_cluster():
    result = kmeans_clusters(np.array([[5.0, 1, 100, 1], [5.0, 1, 100, 1]]))
    assert list(result.labels) == [0, 0]
    assert result.silhouette is None
    assert result.clusters[0].size == 2


def test_no_customers_no_clusters():
    assert kmeans_clusters(np.zeros((0, 4))).clusters == ()


def test_a_constant_feature_does_not_divide_by_zero():
    values = np.array([[1.0, 2, 3, 1], [2.0, 2, 3, 1], [3.0, 2, 3, 1]])
    assert np.isfinite(standardised(values)).all()
