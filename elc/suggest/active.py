"""Active learning: which uncoded segment should the researcher code next?

Coding the segments the model is least sure about teaches it the most per coding
(uncertainty sampling). For multi-label code suggestions every code is a yes/no decision at
its threshold; a segment is as informative as its least settled decision.
"""

from __future__ import annotations

import numpy as np

METHODS = ("margin", "entropy", "least_confident")


def _binary_entropy(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -(p * np.log2(p) + (1 - p) * np.log2(1 - p))


def uncertainty_scores(proba, method: str = "margin", thresholds=None, multilabel: bool = True) -> np.ndarray:
    """Informativeness of each row of ``proba``, higher = more informative.

    Parameters
    ----------
    proba : array-like (n_samples, n_codes)
        Probabilities from :meth:`CodeSuggester.predict_proba` (multi-label: each column is a
        separate yes/no probability) or, with ``multilabel=False``, rows that are probability
        distributions over mutually exclusive classes (e.g. valence).
    method : {"margin", "entropy", "least_confident"}
        Multi-label:

        * ``margin`` - minus the smallest distance ``|p - threshold|`` over codes: the segment
          whose closest call is closest to the line;
        * ``entropy`` - the sum over codes of the binary entropy of ``p`` (total uncertainty);
        * ``least_confident`` - the largest ``min(p, 1 - p)`` over codes.

        Single-label (``multilabel=False``): ``margin`` is minus the gap between the two most
        probable classes, ``entropy`` the Shannon entropy, ``least_confident`` one minus the
        top probability.
    thresholds : float or array (n_codes,), optional
        Per-code decision thresholds for the multi-label ``margin`` (e.g. ``thresholds_`` of a
        fitted CodeSuggester); default 0.5.
    """
    P = np.asarray(proba, dtype=float)
    if P.ndim != 2:
        raise ValueError(f"proba must be 2-D (n_samples, n_codes), got shape {P.shape}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    n, m = P.shape
    if m == 0:
        return np.zeros(n)
    P = np.where(np.isnan(P), 0.5, P)  # unknown probabilities count as maximally uncertain
    if multilabel:
        if method == "margin":
            t = 0.5 if thresholds is None else np.broadcast_to(np.asarray(thresholds, dtype=float), (m,))
            return -np.min(np.abs(P - t), axis=1)
        if method == "entropy":
            return _binary_entropy(P).sum(axis=1)
        return np.max(np.minimum(P, 1 - P), axis=1)
    if method == "margin":
        if m == 1:
            return -np.abs(2 * P[:, 0] - 1)
        top2 = -np.sort(-P, axis=1)[:, :2]
        return -(top2[:, 0] - top2[:, 1])
    if method == "entropy":
        Q = np.clip(P, 1e-12, 1)
        return -(P * np.log2(Q)).sum(axis=1)
    return 1 - P.max(axis=1)


def uncertainty_order(proba, method: str = "margin", thresholds=None, multilabel: bool = True) -> np.ndarray:
    """Row indices of ``proba``, most informative first (ties keep their original order).

    See :func:`uncertainty_scores` for the methods. Typical use::

        proba = suggester.predict_proba(uncoded)
        queue = uncoded.iloc[uncertainty_order(proba, thresholds=suggester.thresholds_)]
    """
    scores = uncertainty_scores(proba, method=method, thresholds=thresholds, multilabel=multilabel)
    return np.argsort(-scores, kind="stable")
