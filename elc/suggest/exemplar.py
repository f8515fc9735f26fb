"""Few-shot fallback: similarity to the segments already coded with a code.

A code with only one to a few codings cannot support its own calibrated classifier. Its
probability is estimated instead from the cosine similarity between a segment and the centroid
of the code's coded segments (in the featurizer's space). The similarity is mapped to a
probability by one logistic model pooled over every code, fitted on leave-one-out
similarities (a coded segment is compared with the centroid of the *other* segments of its
code), with the code's frequency as a feature, so the probabilities are calibrated even for a
code seen once.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted


def _row_normalize(Z):
    import scipy.sparse as sp

    Z = sp.csr_matrix(Z, dtype=np.float64)
    norms = np.sqrt(np.asarray(Z.multiply(Z).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.diags(1.0 / norms) @ Z


_N_FEATURES = 3


def _pooled_features(sim: np.ndarray, n_pos: np.ndarray, n: int) -> np.ndarray:
    """Features of (segment, code) pairs: similarity, similarity x log count, base-rate logit."""
    logn = np.broadcast_to(np.log1p(n_pos)[None, :], sim.shape)
    rate = np.broadcast_to(np.log((n_pos + 0.5) / (n - n_pos + 0.5))[None, :], sim.shape)
    return np.stack([sim, sim * logn, rate], axis=-1)


class ExemplarPrior(BaseEstimator):
    """Probability of each code from similarity to its coded segments, pooled calibration.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation of the pooled logistic mapping.
    max_pairs : int, default=200_000
        Negative (segment, code) pairs are subsampled to keep the mapping fast.
    few_shot_max : int, default=10
        Codes with at most this many codings set ``threshold_``.
    random_state : int, default=0

    Attributes
    ----------
    centroids_ : sparse matrix (n_codes, n_features), sum of each code's normalised segments.
    centroid_norms_ : ndarray (n_codes,)
    n_positives_ : ndarray (n_codes,)
    n_samples_fit_ : int
    coef_, intercept_ : the pooled logistic mapping (None if it could not be fitted).
    threshold_ : float
        Probability threshold maximising F1 over the leave-one-out probabilities of the
        few-shot codes' (segment, code) pairs, pooled (0.5 if there is too little to tell).
    """

    def __init__(self, C=1.0, max_pairs=200_000, few_shot_max=10, random_state=0):
        self.C = C
        self.max_pairs = max_pairs
        self.few_shot_max = few_shot_max
        self.random_state = random_state

    def fit(self, Z, Y):
        """Fit on features ``Z`` and 0/1 codings ``Y`` ``(n, n_codes)``."""
        import scipy.sparse as sp

        Zn = _row_normalize(Z)
        Y = np.asarray(Y, dtype=np.float64)
        n, m = Y.shape
        S = sp.csr_matrix(Y.T) @ Zn  # (m, F) sums of normalised segments
        sq = np.asarray(S.multiply(S).sum(axis=1)).ravel()
        self.centroids_ = S
        self.centroid_norms_ = np.sqrt(sq)
        self.n_positives_ = Y.sum(axis=0)
        self.n_samples_fit_ = n
        sim = self._loo_similarity(Zn, Y)
        self.coef_, self.intercept_ = None, None
        self.threshold_ = 0.5
        used = self.n_positives_ > 0
        if Y[:, used].sum() < 2 or (1 - Y[:, used]).sum() < 2:
            return self
        F = _pooled_features(sim[:, used], self.n_positives_[used], n).reshape(-1, _N_FEATURES)
        y = Y[:, used].reshape(-1)
        weight = np.ones(len(y))
        neg = np.flatnonzero(y == 0)
        if len(y) > self.max_pairs and len(neg) > self.max_pairs // 2:
            rng = np.random.default_rng(self.random_state)
            keep_neg = rng.choice(neg, size=self.max_pairs // 2, replace=False)
            keep = np.concatenate([np.flatnonzero(y == 1), keep_neg])
            weight = np.where(y[keep] == 1, 1.0, len(neg) / len(keep_neg))
            F, y = F[keep], y[keep]
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=self.C, max_iter=300).fit(F, y, sample_weight=weight)
        self.coef_ = lr.coef_[0].astype(float)
        self.intercept_ = float(lr.intercept_[0])
        few = used & (self.n_positives_ <= self.few_shot_max)
        if Y[:, few].sum() >= 2:
            from elc.suggest._base import best_f1_threshold

            z = _pooled_features(sim[:, few], self.n_positives_[few], n) @ self.coef_ + self.intercept_
            self.threshold_ = best_f1_threshold(Y[:, few].reshape(-1), 1.0 / (1.0 + np.exp(-z.reshape(-1))))
        return self

    def _loo_similarity(self, Zn, Y) -> np.ndarray:
        """Leave-one-out similarity for coded segments, plain similarity for the others."""
        G = np.asarray((Zn @ self.centroids_.T).todense())  # (n, m): z_i . S_c
        sq = self.centroid_norms_**2
        loo_sq = sq[None, :] - 2 * G * Y + Y
        loo_dot = G - Y
        return np.divide(loo_dot, np.sqrt(np.clip(loo_sq, 0, None)), out=np.zeros_like(G), where=loo_sq > 1e-9)

    def leave_one_out_proba(self, Z, Y) -> np.ndarray:
        """Probabilities on the training data ``(Z, Y)`` with each coded segment left out of
        its own code's centroid: honest estimates for choosing thresholds and blend weights."""
        check_is_fitted(self, "centroids_")
        Y = np.asarray(Y, dtype=np.float64)
        sim = self._loo_similarity(_row_normalize(Z), Y)
        n = self.n_samples_fit_
        if self.coef_ is None:
            return np.broadcast_to((self.n_positives_ + 1) / (n + 2), sim.shape).copy()
        z = _pooled_features(sim, self.n_positives_, n) @ self.coef_ + self.intercept_
        return 1.0 / (1.0 + np.exp(-z))

    def similarity(self, Z) -> np.ndarray:
        """Cosine similarity of each segment to each code's centroid, ``(n, n_codes)``."""
        check_is_fitted(self, "centroids_")
        G = np.asarray((_row_normalize(Z) @ self.centroids_.T).todense())
        norms = self.centroid_norms_
        return np.divide(G, norms[None, :], out=np.zeros_like(G), where=norms[None, :] > 0)

    def predict_proba(self, Z) -> np.ndarray:
        """Probability per code, ``(n, n_codes)``; base rates where no mapping was fitted."""
        check_is_fitted(self, "centroids_")
        sim = self.similarity(Z)
        n = self.n_samples_fit_
        if self.coef_ is None:
            return np.broadcast_to((self.n_positives_ + 1) / (n + 2), sim.shape).copy()
        z = _pooled_features(sim, self.n_positives_, n) @ self.coef_ + self.intercept_
        p = 1.0 / (1.0 + np.exp(-z))
        return np.where(self.n_positives_[None, :] > 0, p, 1.0 / (n + 2))
