"""CodeSuggester: calibrated multi-label code suggestions for segments.

One linear model per code on :class:`~elc.suggest.features.SegmentFeaturizer` features:

* codes with enough positives (and negatives), ``min_positives``: a class-weighted
  ``LinearSVC`` wrapped in ``CalibratedClassifierCV`` (sigmoid / Platt scaling, stratified
  ``calibration_cv`` folds, ``ensemble=True``), so a shown confidence of 0.8 is right about 80%
  of the time;
* codes with 1..min_positives-1 positives: an unweighted, regularised
  ``LogisticRegression`` (its probabilities stay near the low base rate instead of being
  overconfident) - the "sensible fallback";
* codes with no positives (or no negatives): a constant, the Laplace-smoothed base rate.

With ``code_descriptions`` the :class:`~elc.suggest.prior.DescriptionPrior` supplies
suggestions before any coding (cold start) and is blended with each code's learned model::

    p = w * p_model + (1 - w) * p_prior,   w = n_pos / (n_pos + prior_strength)

so the description dominates for a code with no or few codings and fades as codings grow.
Per-code decision thresholds (``thresholds_``) maximise F1 on out-of-fold calibrated
probabilities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from elc.suggest._base import as_label_matrix, as_segments, normalize_descriptions

_THRESHOLD_GRID = np.round(np.arange(0.15, 0.801, 0.025), 3)


class _ConstantProbability:
    """A fitted 'model' that returns the same probability for every segment."""

    def __init__(self, p: float):
        self.p = float(p)

    def predict_proba(self, Z):
        n = Z.shape[0]
        return np.column_stack([np.full(n, 1 - self.p), np.full(n, self.p)])

    def __repr__(self):
        return f"_ConstantProbability({self.p:.4f})"


def _best_f1_threshold(y: np.ndarray, p: np.ndarray, default: float = 0.5) -> float:
    """Threshold on ``p`` maximising F1 for labels ``y`` (ties: the one closest to 0.5)."""
    if y.sum() == 0:
        return default
    pred = p[None, :] >= _THRESHOLD_GRID[:, None]
    tp = (pred & (y[None, :] == 1)).sum(axis=1)
    fp = pred.sum(axis=1) - tp
    fn = y.sum() - tp
    f1 = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros(len(tp), dtype=float), where=(2 * tp + fp + fn) > 0)
    best = np.flatnonzero(f1 >= f1.max() - 1e-12)
    return float(_THRESHOLD_GRID[best[np.argmin(np.abs(_THRESHOLD_GRID[best] - 0.5))]])


def _fit_one_code(Z, y, *, C, class_weight, cv, min_positives, random_state):
    """Fit the model of one code; return ``(model, kind, threshold)``."""
    n = len(y)
    n_pos = int(y.sum())
    minority = min(n_pos, n - n_pos)
    if minority == 0:
        return _ConstantProbability((n_pos + 1) / (n + 2)), "constant", 0.5
    if minority < max(min_positives, cv) or Z.shape[1] == 0:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=C, solver="liblinear", random_state=random_state).fit(Z, y)
        return model, "logistic", 0.5
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    splits = list(StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state).split(Z, y))
    base = LinearSVC(C=C, class_weight=class_weight, dual=True, tol=1e-3, max_iter=2000, random_state=random_state)
    model = CalibratedClassifierCV(base, method="sigmoid", cv=splits, ensemble=True).fit(Z, y)
    # Out-of-fold calibrated probabilities: each fold's calibrated classifier on its held-out part.
    oof = np.empty(n, dtype=float)
    for (_, test), fold_model in zip(splits, model.calibrated_classifiers_, strict=True):
        oof[test] = fold_model.predict_proba(Z[test])[:, 1]
    return model, "calibrated", _best_f1_threshold(y, oof)


class CodeSuggester(ClassifierMixin, BaseEstimator):
    """Suggest codes for segments, learning from the researcher's codings.

    Parameters
    ----------
    code_descriptions : dict or None
        ``code -> description``: a definition string, a dict with ``definition`` and
        ``keywords`` (e.g. guide keywords), or an object with those attributes. Enables cold
        start: suggestions with zero or few codings. Described codes absent from ``Y`` are
        added to ``classes_`` (as codes with no codings yet).
    featurizer : transformer or None
        Segment featurizer; ``None`` means :class:`~elc.suggest.features.SegmentFeaturizer()`.
    C : float, default=0.5
        Inverse regularisation of the per-code linear models.
    class_weight : "balanced" or None, default="balanced"
        Class weighting of the calibrated codes' SVMs (helps rare codes; calibration restores
        honest probabilities).
    calibration_cv : int, default=3
        Folds of ``CalibratedClassifierCV``.
    min_positives : int, default=6
        Minimum positives (and negatives) for a calibrated model; fewer use the fallback.
    prior_strength : float, default=5.0
        Codings at which a code's learned model and its description weigh equally.
    n_jobs : int or None, default=None
        Threads fitting codes in parallel (``None``: 1, ``-1``: all cores).
    random_state : int, default=0

    Attributes
    ----------
    classes_ : ndarray of codes, column order of :meth:`predict_proba`.
    featurizer_ : fitted featurizer, or None when nothing was learned.
    estimators_ : list, one fitted model per code (``None`` for codes learned from nothing).
    model_kinds_ : ndarray of str, "calibrated", "logistic", "constant" or "prior".
    n_positives_ : ndarray of int, codings per code seen in fit.
    prior_ : fitted :class:`~elc.suggest.prior.DescriptionPrior` or None.
    prior_weights_ : ndarray, weight ``1 - w`` of the description prior per code.
    thresholds_ : ndarray, per-code threshold used by :meth:`predict` by default.
    n_samples_fit_ : int
    """

    def __init__(
        self,
        code_descriptions=None,
        featurizer=None,
        C=0.5,
        class_weight="balanced",
        calibration_cv=3,
        min_positives=6,
        prior_strength=5.0,
        n_jobs=None,
        random_state=0,
    ):
        self.code_descriptions = code_descriptions
        self.featurizer = featurizer
        self.C = C
        self.class_weight = class_weight
        self.calibration_cv = calibration_cv
        self.min_positives = min_positives
        self.prior_strength = prior_strength
        self.n_jobs = n_jobs
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    # ------------------------------------------------------------------ fit
    def fit(self, X, Y=None):
        """Learn from segments ``X`` and their codings ``Y`` (0/1, one column per code).

        ``Y=None`` (or all-zero) with ``code_descriptions`` fits the cold-start prior only.
        """
        segs = as_segments(X)
        Ymat, classes = as_label_matrix(Y, len(segs))
        descriptions = normalize_descriptions(self.code_descriptions)
        extra = [c for c in descriptions if c not in set(classes)]
        if extra:
            Ymat = np.hstack([Ymat, np.zeros((len(segs), len(extra)), dtype=np.int8)])
            classes = classes + extra
        if not classes:
            raise ValueError("nothing to learn: give labels Y (one column per code) or code_descriptions")
        m = len(classes)
        self.classes_ = np.asarray(classes, dtype=object)
        self.n_positives_ = Ymat.sum(axis=0).astype(int)
        self.n_samples_fit_ = len(segs)

        self.prior_ = None
        described = np.array([c in descriptions for c in classes], dtype=bool)
        if described.any():
            from elc.suggest.prior import DescriptionPrior

            order = [c for c in classes if c in descriptions]
            self.prior_ = DescriptionPrior({c: self.code_descriptions[c] for c in order})
            self.prior_.fit(segs, Ymat[:, described] if len(segs) else None)
        self.described_ = described

        self.estimators_ = [None] * m
        kinds = np.array(["prior" if d else "constant" for d in described], dtype=object)
        self.thresholds_ = np.full(m, 0.5)
        self.featurizer_ = None
        learn = len(segs) > 0 and (self.n_positives_ > 0).any()
        if learn:
            from joblib import Parallel, delayed
            from threadpoolctl import threadpool_limits

            from elc.suggest.features import SegmentFeaturizer

            self.featurizer_ = clone(self.featurizer) if self.featurizer is not None else SegmentFeaturizer()
            Z = self.featurizer_.fit_transform(segs)
            jobs = [j for j in range(m) if self.n_positives_[j] > 0 or not described[j]]
            # Tiny BLAS calls (Platt scaling) are several times slower with BLAS threads
            # competing; parallelism comes from fitting codes in threads instead.
            with threadpool_limits(limits=1, user_api="blas"):
                results = Parallel(n_jobs=self.n_jobs, prefer="threads")(
                    delayed(_fit_one_code)(
                        Z, Ymat[:, j], C=self.C, class_weight=self.class_weight, cv=self.calibration_cv,
                        min_positives=self.min_positives, random_state=self.random_state,
                    )
                    for j in jobs
                )
            for j, (model, kind, threshold) in zip(jobs, results, strict=True):
                self.estimators_[j] = model
                kinds[j] = kind
                self.thresholds_[j] = threshold
        else:
            for j in np.flatnonzero(~described):
                self.estimators_[j] = _ConstantProbability(1 / (len(segs) + 2))
        self.model_kinds_ = kinds
        w_model = self.n_positives_ / (self.n_positives_ + float(self.prior_strength))
        self.prior_weights_ = np.where(described, 1.0 - w_model, 0.0)
        return self

    # -------------------------------------------------------------- predict
    def predict_proba(self, X) -> np.ndarray:
        """Probability that each code applies, shape ``(n_segments, n_codes)``.

        Columns follow ``classes_``. Rows need not sum to 1 (multi-label).
        """
        check_is_fitted(self, "classes_")
        segs = as_segments(X)
        n, m = len(segs), len(self.classes_)
        proba = np.zeros((n, m), dtype=float)
        if n == 0:
            return proba
        Z = self.featurizer_.transform(segs) if self.featurizer_ is not None else np.zeros((n, 0))
        for j, model in enumerate(self.estimators_):
            if model is not None:
                proba[:, j] = model.predict_proba(Z)[:, 1]
        if self.prior_ is not None:
            idx = np.flatnonzero(self.described_)
            w = self.prior_weights_[idx]
            proba[:, idx] = (1 - w) * proba[:, idx] + w * self.prior_.predict_proba(segs)
        return np.clip(proba, 0.0, 1.0)

    def predict(self, X, threshold=None) -> np.ndarray:
        """0/1 matrix ``(n_segments, n_codes)``: codes whose probability reaches the threshold.

        ``threshold=None`` uses the per-code F1-optimal ``thresholds_``; a float (or an array
        of one value per code) overrides it.
        """
        proba = self.predict_proba(X)
        thr = self.thresholds_ if threshold is None else np.broadcast_to(np.asarray(threshold, float), (proba.shape[1],))
        return (proba >= thr[None, :]).astype(int)

    def suggest(self, X, top_k: int = 3, min_proba: float = 0.2) -> pd.DataFrame:
        """Long table of suggestions: ``row`` (position in X), ``code``, ``proba``, ``rank``.

        At most ``top_k`` codes per segment with probability >= ``min_proba``, best first.
        """
        proba = self.predict_proba(X)
        rows = []
        order = np.argsort(-proba, axis=1, kind="stable")[:, :top_k]
        for i, cols in enumerate(order):
            rank = 0
            for j in cols:
                if proba[i, j] >= min_proba:
                    rank += 1
                    rows.append((i, self.classes_[j], float(proba[i, j]), rank))
        return pd.DataFrame(rows, columns=["row", "code", "proba", "rank"])
