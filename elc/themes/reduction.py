"""Dimensionality reduction stage: UMAP on an exact cosine k-nearest-neighbour graph.

BERTopic's default UMAP finds neighbours with NN-descent (pynndescent). On this kind of
corpus (up to ~20,000 segments, 100-dimensional unit vectors) an exact search is a few matrix
products, and it removes two costs and one risk: pynndescent's just-in-time compilation (tens
of seconds in every new process), its run time, and its approximation (an exact graph gives
the same neighbours on every machine). Above ``exact_knn_max`` documents UMAP's own search is
used. ``random_state`` is always set, so UMAP runs single-threaded and is reproducible.

Two more settings keep 20,000 segments inside a minute on two cores: the layout starts from
PCA (UMAP's default spectral start solves an eigenproblem per connected component of the
graph, which took longer than everything else on this kind of data), and the number of
optimisation epochs shrinks as the corpus grows (500 up to 4,000 segments, 100 at 20,000),
keeping the total work of the layout roughly constant. UMAP's numba functions are compiled
on first use in every process (about 10-15 s); :func:`enable_numba_cache` turns on numba's own
on-disk cache for them, so later processes load the compiled code (set ``ELC_NUMBA_CACHE=0``
to switch this off). The cache holds machine code only; results are identical.
"""

from __future__ import annotations

import os
import time

import numpy as np

from elc.themes._errors import missing_dependency


_CACHE_ENABLED = False


def enable_numba_cache() -> bool:
    """Turn on numba's on-disk cache for UMAP's compiled functions (once per process).

    UMAP declares its numba functions without ``cache=True``; enabling the cache on the
    dispatchers makes the compiled code persist next to UMAP's sources (or in
    ``NUMBA_CACHE_DIR``). Returns whether caching is on; any failure just leaves it off.
    """
    global _CACHE_ENABLED
    if _CACHE_ENABLED:
        return True
    if os.environ.get("ELC_NUMBA_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    try:
        import importlib

        from numba.core.registry import CPUDispatcher

        for name in ("umap.umap_", "umap.layouts", "umap.utils", "umap.spectral", "umap.distances", "umap.sparse"):
            module = importlib.import_module(name)
            for obj in vars(module).values():
                if isinstance(obj, CPUDispatcher) and getattr(obj, "_cache", None) is not None:
                    obj.enable_caching()
        _CACHE_ENABLED = True
    except Exception:  # noqa: BLE001 - an optimisation only
        _CACHE_ENABLED = False
    return _CACHE_ENABLED


def exact_cosine_knn(X: np.ndarray, n_neighbors: int, chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Indices and cosine distances of each row's ``n_neighbors`` nearest rows (itself first).

    Rows are L2-normalised here; all-zero rows get distance 1 to everything. Similarities are
    rounded to 6 decimals and ties broken by row index, so the graph does not depend on BLAS
    threading. Uses a value partition (cheap) and sorts only the few candidates per row.
    """
    X = np.asarray(X, dtype=np.float32)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    Xn = X / np.where(norms > 0, norms, 1.0)
    n = len(Xn)
    k = min(n_neighbors, n)
    indices = np.empty((n, k), dtype=np.int64)
    dists = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        m = stop - start
        sims = Xn[start:stop] @ Xn.T
        np.round(sims, 6, out=sims)
        sims[np.arange(m), np.arange(start, stop)] = 2.0  # each point is its own nearest neighbour
        kth = np.partition(sims, n - k, axis=1)[:, n - k]
        rows, cols = np.nonzero(sims >= kth[:, None])
        vals = sims[rows, cols]
        order = np.lexsort((cols, -vals, rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        first = np.searchsorted(rows, np.arange(m))
        keep = (np.arange(len(rows)) - first[rows]) < k
        idx = cols[keep].reshape(m, k)
        best = vals[keep].reshape(m, k)
        best[:, 0] = 1.0
        indices[start:stop] = idx
        dists[start:stop] = np.clip(1.0 - best, 0.0, 2.0)
    return indices, dists


class KnnUMAP:
    """UMAP (``n_components`` dims, cosine) fitted on an exact k-NN graph; a BERTopic ``umap_model``.

    Parameters mirror ``umap.UMAP``; ``n_neighbors`` is capped below the number of documents.
    """

    def __init__(
        self,
        n_neighbors: int = 15,
        n_components: int = 5,
        min_dist: float = 0.0,
        metric: str = "cosine",
        random_state: int = 42,
        n_epochs: int | None = None,
        init: str = "pca",
        exact_knn_max: int = 60_000,
    ):
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.min_dist = min_dist
        self.metric = metric
        self.random_state = random_state
        self.n_epochs = n_epochs
        self.init = init
        self.exact_knn_max = exact_knn_max

    def fit(self, X, y=None):
        try:
            import umap
        except ModuleNotFoundError as exc:
            raise missing_dependency("umap-learn", "Themes on a large corpus (UMAP)") from exc
        enable_numba_cache()
        X = np.asarray(X, dtype=np.float32)
        n = len(X)
        nn = int(max(2, min(self.n_neighbors, n - 1)))
        precomputed = (None, None, None)
        t = time.perf_counter()
        if n <= self.exact_knn_max and self.metric == "cosine":
            idx, dist = exact_cosine_knn(X, nn)
            precomputed = (idx, dist, None)
        self.seconds_ = {"knn": round(time.perf_counter() - t, 3)}
        self.umap_ = umap.UMAP(
            n_neighbors=nn,
            n_components=int(min(self.n_components, max(1, n - 2))),
            min_dist=self.min_dist,
            metric=self.metric,
            random_state=self.random_state,
            n_epochs=int(self.n_epochs or np.clip(2_000_000 // max(n, 1), 100, 500)),
            init=self.init,
            precomputed_knn=precomputed,
            low_memory=True,
            transform_seed=self.random_state,
        )
        import warnings

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*n_jobs value.*")
            warnings.filterwarnings("ignore", message=".*precomputed_knn.*")
            warnings.filterwarnings("ignore", category=UserWarning, module="umap")
            y_arr = None if y is None else np.asarray(y)
            t = time.perf_counter()
            self.embedding_ = np.asarray(self.umap_.fit_transform(X, y=y_arr), dtype=np.float32)
            self.seconds_["umap"] = round(time.perf_counter() - t, 3)
        self.X_fit_ = X
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X, y=y).embedding_

    def transform(self, X):
        """Training rows map to their fitted positions; new rows to the mean of their neighbours'."""
        X = np.asarray(X, dtype=np.float32)
        if X.shape == self.X_fit_.shape and np.array_equal(X, self.X_fit_):
            return self.embedding_
        Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
        Fn = self.X_fit_ / np.maximum(np.linalg.norm(self.X_fit_, axis=1, keepdims=True), 1e-12)
        k = min(self.n_neighbors, len(Fn))
        sims = Xn @ Fn.T
        idx = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        w = np.clip(np.take_along_axis(sims, idx, axis=1), 1e-6, None)
        return (self.embedding_[idx] * w[..., None]).sum(axis=1) / w.sum(axis=1, keepdims=True)
