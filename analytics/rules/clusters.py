"""K-means clusters of the RFM customers 聚类 (DOMAIN §10.5): pure numpy and scikit-learn, no Django.

Features: recency days, frequency, monetary and on-time ratio, each ``log1p``-scaled then standardised (a
constant feature stays 0). k is chosen in 2–8 by the silhouette on a fixed-seed sample (k-means fitted on at
most ``SAMPLE_SIZE`` customers for each k, the silhouette over ``SILHOUETTE_SIZE`` of them, a fixed-seed draw
too); the chosen k is then refined on every
customer from the sample's centroids. Every random step takes ``seed``, so the same rows in the same order give
the same clusters; clusters are numbered by descending monetary centroid (0 = the largest buyers). A cluster's
traits compare its mean in the scaled space (log, standardised) with all customers': the geometric view, which a
few very large buyers do not tilt.
"""

from dataclasses import dataclass

import numpy as np
from sklearn import config_context
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

K_RANGE = range(2, 9)
SAMPLE_SIZE = 20_000  # customers k-means is fitted on for each k
SILHOUETTE_SIZE = 5_000  # of those, the ones the silhouette compares (its cost grows with the square)
WORKING_MEMORY_MB = 64  # scikit-learn's chunk of pairwise distances for the silhouette (its default is 1 GB)
SEED = 20261122
FEATURES = ("recency_days", "frequency", "monetary", "on_time_ratio")
TRAITS = {  # feature → (code when the cluster's mean scaled value is above all customers', code otherwise)
    "recency_days": ("lapsed", "recent"),
    "frequency": ("frequent", "occasional"),
    "monetary": ("large", "small"),
    "on_time_ratio": ("punctual", "late_paying"),
}


@dataclass(frozen=True, slots=True)
class Cluster:
    number: int
    size: int
    centroid: dict[str, float]  # FEATURES → the members' mean in the original units
    traits: tuple[str, ...]  # one TRAITS code per feature, for a human label


@dataclass(frozen=True, slots=True)
class Clustering:
    labels: np.ndarray  # one cluster number per row
    clusters: tuple[Cluster, ...]
    silhouette: float | None


def standardised(values: np.ndarray) -> np.ndarray:
    """``log1p`` of each column (negative values clipped to 0), centred and scaled to unit variance."""
    scaled = np.log1p(np.clip(values.astype(np.float64), 0, None))
    spread = scaled.std(axis=0)
    return (scaled - scaled.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def _sample(count: int, size: int, seed: int) -> np.ndarray:
    if count <= size:
        return np.arange(count)
    return np.sort(np.random.default_rng(seed).choice(count, size=size, replace=False))


def choose_k(points: np.ndarray, *, seed: int = SEED, ks: range = K_RANGE) -> tuple[int, float | None, np.ndarray]:
    """The k with the best silhouette on the sample, the score, and the sample's k-means centroids for it. With
    fewer than three distinct points there is nothing to compare: one cluster."""
    sample = points[_sample(len(points), SAMPLE_SIZE, seed)]
    distinct = len(np.unique(sample, axis=0))
    best: tuple[int, float | None, np.ndarray] = (1, None, sample.mean(axis=0, keepdims=True))
    for k in ks:
        if k >= distinct:
            break
        model = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(sample)
        with config_context(working_memory=WORKING_MEMORY_MB):
            score = float(
                silhouette_score(
                    sample, model.labels_, sample_size=min(SILHOUETTE_SIZE, len(sample)), random_state=seed
                )
            )
        if best[1] is None or score > best[1] + 1e-12:
            best = (k, score, model.cluster_centers_)
    return best


def kmeans_clusters(values: np.ndarray, *, seed: int = SEED) -> Clustering:
    """Cluster the rows of ``values`` (columns as FEATURES, original units) and describe each cluster. One thread:
    the nightly job shares its cores, and OpenMP's spinning threads slow k-means fifty-fold when they are busy."""
    with threadpool_limits(limits=1):
        return _kmeans_clusters(values, seed)


def _kmeans_clusters(values: np.ndarray, seed: int) -> Clustering:
    if len(values) == 0:
        return Clustering(np.zeros(0, dtype=np.int16), (), None)
    points = standardised(values)
    k, score, centres = choose_k(points, seed=seed)
    if k == 1:
        labels = np.zeros(len(points), dtype=np.int64)
    else:
        labels = KMeans(n_clusters=k, init=centres, n_init=1, max_iter=50, random_state=seed).fit(points).labels_
    sizes = np.bincount(labels, minlength=k)
    means = np.vstack([values[labels == number].mean(axis=0) for number in range(k)])
    scaled = np.vstack([points[labels == number].mean(axis=0) for number in range(k)])  # above 0: above the mean
    order = np.lexsort((means[:, 0], -means[:, 2]))  # largest buyers first, then most recent
    renumber = np.empty(k, dtype=np.int16)
    renumber[order] = np.arange(k, dtype=np.int16)
    clusters = tuple(
        Cluster(
            number=int(renumber[old]),
            size=int(sizes[old]),
            centroid={name: float(means[old, index]) for index, name in enumerate(FEATURES)},
            traits=tuple(TRAITS[name][0 if scaled[old, index] > 0 else 1] for index, name in enumerate(FEATURES)),
        )
        for old in order
    )
    return Clustering(renumber[labels], clusters, score)
