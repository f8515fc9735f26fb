"""Clustering stage: small estimators BERTopic accepts as its ``hdbscan_model``.

* :func:`make_hdbscan` for large corpora, with ``min_cluster_size`` scaled to the corpus.
* :class:`SilhouetteKMeans` for small corpora, where HDBSCAN's density estimate has too few
  points and leaves nearly everything as an outlier: k-means with k chosen by the silhouette
  over a small range. It never produces outliers.
"""

from __future__ import annotations

import numpy as np

from elc.themes._errors import missing_dependency


def scaled_min_cluster_size(n: int) -> int:
    """Smallest theme HDBSCAN may form: about 0.2% of the segments, at least 10."""
    return int(max(10, round(n * 0.002)))


def scaled_n_neighbors(n: int) -> int:
    """UMAP neighbourhood: grows slowly with corpus size (10 at 200 segments, 30 at 20,000)."""
    return int(np.clip(round(np.sqrt(n) / 5), 10, 30))


def make_hdbscan(n: int, min_cluster_size: int | None = None, min_samples: int | None = None):
    """A deterministic HDBSCAN (HDBSCAN itself has no randomness) sized for ``n`` documents."""
    try:
        from hdbscan import HDBSCAN
    except ModuleNotFoundError as exc:
        raise missing_dependency("hdbscan", "Themes on a large corpus (HDBSCAN)") from exc
    mcs = int(min_cluster_size or scaled_min_cluster_size(n))
    ms = int(min_samples) if min_samples else max(2, min(mcs, 10))
    return HDBSCAN(
        min_cluster_size=mcs,
        min_samples=ms,
        metric="euclidean",
        cluster_selection_method="eom",
        prediction_data=False,
        core_dist_n_jobs=1,
    )


class SilhouetteKMeans:
    """k-means on unit vectors with k picked by the cosine silhouette (ties: the smaller k).

    Parameters
    ----------
    k : int or None
        A fixed number of clusters; ``None`` searches ``k_min..k_max``.
    k_min, k_max : int
        Search range, capped at ``ceil(sqrt(n / 2))`` (the usual rule of thumb: on short, sparse
        texts the silhouette keeps rising with k) and so that each cluster could hold
        ``min_size`` documents.
    min_size : int
        Smallest cluster size the search aims for (caps ``k`` at ``n // min_size``).
    random_state, n_init : passed to ``sklearn.cluster.KMeans``.
    """

    def __init__(self, k: int | None = None, k_min: int = 2, k_max: int = 12, min_size: int = 3,
                 random_state: int = 42, n_init: int = 10):
        self.k = k
        self.k_min = k_min
        self.k_max = k_max
        self.min_size = min_size
        self.random_state = random_state
        self.n_init = n_init

    def _kmeans(self, X, k):
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit(X)

    def fit(self, X, y=None):
        from sklearn.metrics import silhouette_score

        X = np.asarray(X, dtype=np.float64)
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        X = X / np.where(norms > 0, norms, 1.0)
        n = len(X)
        n_distinct = len(np.unique(np.round(X, 6), axis=0))
        hi = max(1, min(self.k_max, int(np.ceil(np.sqrt(n / 2))), n // max(1, self.min_size), n_distinct - 1, n - 1))
        self.scores_ = {}
        if self.k:
            ks = [int(max(1, min(self.k, n_distinct)))]
        else:
            ks = list(range(max(2, self.k_min), hi + 1)) or [1]
        best = None
        for k in ks:
            km = self._kmeans(X, k) if k > 1 else None
            labels = km.labels_ if km is not None else np.zeros(n, dtype=int)
            if len(ks) == 1:
                best = (0.0, k, km, labels)
                break
            score = float(silhouette_score(X, labels, metric="cosine")) if len(set(labels)) > 1 else -1.0
            self.scores_[k] = score
            if best is None or score > best[0] + 1e-9:
                best = (score, k, km, labels)
        self.silhouette_, self.n_clusters_, self.kmeans_, labels = best
        self.labels_ = np.asarray(labels, dtype=int)
        self.cluster_centers_ = (self.kmeans_.cluster_centers_ if self.kmeans_ is not None
                                 else X.mean(axis=0, keepdims=True))
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=np.float64)
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        X = X / np.where(norms > 0, norms, 1.0)
        return np.argmax(X @ self.cluster_centers_.T, axis=1)
