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

from elc.suggest._base import as_label_matrix, as_segments, best_f1_threshold, normalize_descriptions



class _ConstantProbability:
    """A fitted 'model' that returns the same probability for every segment."""

    def __init__(self, p: float):
        self.p = float(p)

    def predict_proba(self, Z):
        n = Z.shape[0]
        return np.column_stack([np.full(n, 1 - self.p), np.full(n, self.p)])

    def __repr__(self):
        return f"_ConstantProbability({self.p:.4f})"


def _fit_one_code(Z, y, *, C, class_weight, cv, min_positives, random_state):
    """Fit the model of one code; return ``(model, kind, out-of-fold probabilities or None)``.

    ``y`` may hold NaN for segments not judged for this code; they are left out (and get NaN
    out-of-fold probabilities).
    """
    known = ~np.isnan(y)
    if not known.all():
        model, kind, oof = _fit_one_code(Z[np.flatnonzero(known)], y[known], C=C, class_weight=class_weight,
                                         cv=cv, min_positives=min_positives, random_state=random_state)
        if oof is not None:
            full = np.full(len(y), np.nan)
            full[known] = oof
            oof = full
        return model, kind, oof
    y = y.astype(int)
    n = len(y)
    n_pos = int(y.sum())
    minority = min(n_pos, n - n_pos)
    if minority == 0:
        return _ConstantProbability((n_pos + 1) / (n + 2)), "constant", None
    if n_pos < max(min_positives, cv) and Z.shape[1] > 0:
        return None, "exemplar", None
    if minority < max(min_positives, cv) or Z.shape[1] == 0:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=C, solver="liblinear", random_state=random_state).fit(Z, y)
        return model, "logistic", None
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    splits = list(StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state).split(Z, y))
    base = LinearSVC(C=C, class_weight=class_weight, dual=True, tol=float(__import__("os").environ.get("TOL","1e-3")), max_iter=2000, random_state=random_state)
    model = CalibratedClassifierCV(base, method="sigmoid", cv=splits, ensemble=True).fit(Z, y)
    # Out-of-fold calibrated probabilities: each fold's calibrated classifier on its held-out part.
    oof = np.empty(n, dtype=float)
    for (_, test), fold_model in zip(splits, model.calibrated_classifiers_, strict=True):
        oof[test] = fold_model.predict_proba(Z[test])[:, 1]
    return model, "calibrated", oof


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
        threshold_shrinkage=10.0,
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
        self.threshold_shrinkage = threshold_shrinkage
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
        NaN in ``Y`` means "not judged" for that code: e.g. a rejected suggestion on an
        otherwise uncoded segment is a 0 for that code and NaN for the others. Such entries
        are left out of that code's classifier (and count as 0 for the pooled priors).
        """
        segs = as_segments(X)
        Yraw, classes = as_label_matrix(Y, len(segs), allow_missing=True)
        descriptions = normalize_descriptions(self.code_descriptions)
        extra = [c for c in descriptions if c not in set(classes)]
        if extra:
            Yraw = np.hstack([Yraw, np.zeros((len(segs), len(extra)))])
            classes = classes + extra
        Ymat = np.nan_to_num(Yraw, nan=0.0).astype(np.int8)  # not judged counts as 0 where needed
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
            self.prior_.fit(segs, Yraw[:, described] if len(segs) else None)
        self.described_ = described

        self.estimators_ = [None] * m
        kinds = np.array(["prior" if d else "constant" for d in described], dtype=object)
        self.thresholds_ = np.full(m, 0.5)
        self.pooled_threshold_ = 0.5
        self.featurizer_ = None
        self.exemplar_ = None
        learn = len(segs) > 0 and (self.n_positives_ > 0).any()
        if learn:
            from joblib import Parallel, delayed
            from threadpoolctl import threadpool_limits

            from elc.suggest.features import SegmentFeaturizer

            self.featurizer_ = clone(self.featurizer) if self.featurizer is not None else SegmentFeaturizer()
            Z = self.featurizer_.fit_transform(segs)
            jobs = [j for j in range(m) if self.n_positives_[j] > 0 or not described[j]]
            # Tiny BLAS calls (Platt scaling) are several times slower with BLAS threads
            # competing; parallelism comes from fitting codes in threads instead. Inputs are
            # our own finite TF-IDF matrices: skip sklearn's repeated validation.
            from sklearn import config_context

            with threadpool_limits(limits=1, user_api="blas"), config_context(
                assume_finite=True, skip_parameter_validation=True
            ):
                results = Parallel(n_jobs=self.n_jobs, prefer="threads")(
                    delayed(_fit_one_code)(
                        Z, Yraw[:, j], C=self.C, class_weight=self.class_weight, cv=self.calibration_cv,
                        min_positives=self.min_positives, random_state=self.random_state,
                    )
                    for j in jobs
                )
            oofs = {}
            for j, (model, kind, oof) in zip(jobs, results, strict=True):
                self.estimators_[j] = model
                kinds[j] = kind
                if oof is not None:
                    oofs[j] = oof
            self._set_thresholds(oofs, Yraw)
            if (kinds == "exemplar").any():
                from elc.suggest.exemplar import ExemplarPrior

                self.exemplar_ = ExemplarPrior(random_state=self.random_state).fit(self._exemplar_space(Z), Ymat)
                self.thresholds_[kinds == "exemplar"] = self.exemplar_.threshold_
        else:
            for j in np.flatnonzero(~described):
                self.estimators_[j] = _ConstantProbability(1 / (len(segs) + 2))
        self.model_kinds_ = kinds
        w_model = self.n_positives_ / (self.n_positives_ + float(self.prior_strength))
        self.prior_weights_ = np.where(described, 1.0 - w_model, 0.0)
        return self

    def _set_thresholds(self, oofs: dict, Ymat: np.ndarray) -> None:
        """Per-code F1-optimal thresholds on out-of-fold probabilities, shrunk towards the
        threshold that is F1-optimal for all calibrated codes pooled (a code with few codings
        has a noisy optimum of its own)."""
        if not oofs:
            return
        cols = list(oofs)
        y_all = Ymat[:, cols].T.reshape(-1)
        p_all = np.concatenate([oofs[j] for j in cols])
        known = ~np.isnan(p_all)
        pooled = best_f1_threshold(y_all[known], p_all[known])
        self.pooled_threshold_ = pooled
        k = float(self.threshold_shrinkage)
        for j in cols:
            known = ~np.isnan(oofs[j])
            own = best_f1_threshold(Ymat[known, j], oofs[j][known])
            n_pos = self.n_positives_[j]
            self.thresholds_[j] = (n_pos * own + k * pooled) / (n_pos + k)

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
        few = np.flatnonzero(self.model_kinds_ == "exemplar")
        if len(few):
            proba[:, few] = self.exemplar_.predict_proba(self._exemplar_space(Z))[:, few]
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

    def decision_function(self, X) -> np.ndarray:
        """Log-odds of each code relative to its threshold, ``(n_segments, n_codes)``.

        ``logit(p) - logit(threshold)``: positive exactly where :meth:`predict` says 1. Its
        argmax is the single best code for single-label use (the code most above its bar),
        which favours rare codes more than the argmax of :meth:`predict_proba` does.
        """
        eps = 1e-6
        p = np.clip(self.predict_proba(X), eps, 1 - eps)
        t = np.clip(self.thresholds_, eps, 1 - eps)
        return np.log(p / (1 - p)) - np.log(t / (1 - t))[None, :]

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

    def _exemplar_space(self, Z):
        """The content columns of ``Z`` (lemma words and characters, not the context blocks)."""
        k = getattr(self.featurizer_, "n_text_features_", None)
        return Z if k is None else Z[:, :k]
