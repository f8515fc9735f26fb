"""CodeSuggester: calibrated multi-label code suggestions for segments.

One linear model per code on :class:`~elc.suggest.features.SegmentFeaturizer` features:

* codes with at least ``min_positives`` positives and negatives: a class-weighted
  ``LinearSVC`` calibrated by cross-validated Platt scaling (stratified ``calibration_cv``
  folds, sigmoid per fold, probabilities averaged: the procedure and the result of
  ``CalibratedClassifierCV(method="sigmoid", ensemble=True)``, in a leaner implementation,
  :mod:`elc.suggest.calibration`), so a shown confidence of 0.8 is right about 80% of the time;
* codes with 1..min_positives-1 positives (the fallback): similarity to the code's coded
  segments, mapped to a probability by one logistic model pooled over all codes on
  leave-one-out similarities (:class:`~elc.suggest.exemplar.ExemplarPrior`), so even a code
  coded once gets a calibrated, usually modest, probability;
* codes applied to almost every segment (fewer than ``min_positives`` negatives): a
  regularised ``LogisticRegression``;
* codes with no positives (or no negatives): a constant, the Laplace-smoothed base rate.

With ``code_descriptions`` the :class:`~elc.suggest.prior.DescriptionPrior` supplies
suggestions before any coding (cold start) and is blended with each code's learned model::

    p = (1 - v) * p_model + v * p_prior

For a code with a calibrated model, ``v`` minimises the out-of-fold log loss of the blend
(0, 0.1, ..., 1: a good description keeps a say, a vague one drops out); for a code with
fewer codings ``v = k / (n_pos + k)``, so the description dominates a code with no or few
codings and fades as codings grow; ``k`` minimises the leave-one-out log loss of the
few-shot codes (``prior_strength`` until there are enough codings to tell).
Per-code decision thresholds (``thresholds_``) maximise F1 on the out-of-fold calibrated
probabilities, shrunk towards the pooled optimum for codes with few codings. Probabilities
stay calibrated; thresholds decide what :meth:`CodeSuggester.predict` applies and what
:meth:`CodeSuggester.decision_function` ranks (its argmax is the single-label choice).

Codes can be fitted in parallel threads (``n_jobs``; liblinear releases the GIL).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from elc.suggest._base import (
    TextMultiLabelTags, as_label_matrix, as_segments, best_f1_threshold, normalize_descriptions,
)

# Candidate prior strengths (codings at which description and few-shot model weigh equally).
_PRIOR_STRENGTH_GRID = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0)
# liblinear stopping tolerance: 1e-2 instead of 1e-3 halves fit time without changing F1
# (checked on the NHS feedback benchmark).
_SVM_TOL = 1e-2


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
    if minority == 0 or Z.shape[1] == 0:
        return _ConstantProbability((n_pos + 1) / (n + 2)), "constant", None
    if n_pos < max(min_positives, cv):
        return None, "exemplar", None
    if minority < max(min_positives, cv):
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=C, solver="liblinear", random_state=random_state).fit(Z, y)
        return model, "logistic", None
    from sklearn.model_selection import StratifiedKFold

    from elc.suggest.calibration import fit_calibrated_svm

    splits = list(StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state).split(Z, y))
    model, oof = fit_calibrated_svm(Z, y, splits, C=C, class_weight=class_weight, tol=_SVM_TOL,
                                    random_state=random_state)
    return model, "calibrated", oof


class CodeSuggester(TextMultiLabelTags, ClassifierMixin, BaseEstimator):
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
    min_positives : int, default=3
        Minimum positives (and negatives) for a calibrated model (at least
        ``calibration_cv``); codes with fewer use the exemplar fallback.
    prior_strength : float, default=5.0
        For codes without a calibrated model: codings at which the learned part and the
        description weigh equally, until the codings themselves can choose (``prior_strength_``).
    threshold_shrinkage : float, default=10.0
        Codings at which a code's own F1-optimal threshold and the pooled one weigh equally.
    n_jobs : int or None, default=None
        Threads fitting codes in parallel (``None``: one, ``-1``: all cores). liblinear
        draws from one process-wide random generator, so with several threads the fitted
        models differ between runs in about the fourth decimal; the default (one thread) is
        reproducible bit for bit and fits 5,000 segments x 44 codes in about 3 s of CPU.
    random_state : int, default=0

    Attributes
    ----------
    classes_ : ndarray of codes, column order of :meth:`predict_proba`.
    featurizer_ : fitted featurizer, or None when nothing was learned.
    estimators_ : list, one fitted model per code (``None`` for codes learned from nothing).
    model_kinds_ : ndarray of str, "calibrated", "exemplar", "logistic", "constant" or "prior"
        (a described code with no coding yet).
    n_positives_ : ndarray of int, codings per code seen in fit.
    prior_ : fitted :class:`~elc.suggest.prior.DescriptionPrior` or None.
    prior_weights_ : ndarray, weight ``v`` of the description prior per code (0: undescribed).
    prior_strength_ : float, the ``k`` in use.
    described_ : ndarray of bool, which codes have a description.
    exemplar_ : fitted :class:`~elc.suggest.exemplar.ExemplarPrior` or None.
    thresholds_ : ndarray, per-code threshold used by :meth:`predict` by default.
    pooled_threshold_ : float, F1-optimal threshold of all calibrated codes pooled.
    n_samples_fit_ : int
    """

    def __init__(
        self,
        code_descriptions=None,
        featurizer=None,
        C=0.5,
        class_weight="balanced",
        calibration_cv=3,
        min_positives=3,
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
        self.classes_ = np.asarray(classes, dtype=object)
        self.n_positives_ = Ymat.sum(axis=0).astype(int)
        self.n_samples_fit_ = len(segs)

        from sklearn import config_context
        from threadpoolctl import threadpool_limits

        # Many small BLAS calls (Platt scaling, pooled logistic maps) are several times slower
        # with BLAS threads competing; parallelism comes from fitting codes in threads instead.
        # Inputs are our own finite TF-IDF matrices: skip sklearn's repeated validation.
        with threadpool_limits(limits=1, user_api="blas"), config_context(
            assume_finite=True, skip_parameter_validation=True
        ):
            kinds = self._fit_parts(segs, Yraw, Ymat, descriptions)
        self.model_kinds_ = kinds
        return self

    def _fit_parts(self, segs, Yraw, Ymat, descriptions):
        """Fit the prior, the featurizer and the per-code models; return the model kinds."""
        classes, m = list(self.classes_), len(self.classes_)
        self.prior_ = None
        described = np.array([c in descriptions for c in classes], dtype=bool)
        if described.any():
            from elc.suggest.prior import DescriptionPrior

            order = [c for c in classes if c in descriptions]
            self.prior_ = DescriptionPrior({c: self.code_descriptions[c] for c in order})
            self.prior_.fit(segs, Yraw[:, described] if len(segs) else None)
        self.described_ = described
        self.prior_strength_ = float(self.prior_strength)
        w_model = self.n_positives_ / (self.n_positives_ + self.prior_strength_)
        self.prior_weights_ = np.where(described, 1.0 - w_model, 0.0)

        self.estimators_ = [None] * m
        kinds = np.array(["prior" if d else "constant" for d in described], dtype=object)
        self.thresholds_ = np.full(m, 0.5)
        self.pooled_threshold_ = 0.5
        self.featurizer_ = None
        self.exemplar_ = None
        learn = len(segs) > 0 and (self.n_positives_ > 0).any()
        if learn:
            from sklearn.utils.parallel import Parallel, delayed  # passes the config to threads

            from elc.suggest.features import SegmentFeaturizer

            self.featurizer_ = clone(self.featurizer) if self.featurizer is not None else SegmentFeaturizer()
            Z = self.featurizer_.fit_transform(segs)
            jobs = [j for j in range(m) if self.n_positives_[j] > 0 or not described[j]]
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
            prior_train = None
            if self.prior_ is not None:  # the prior on the training segments, for every code
                prior_train = np.zeros((len(segs), m))
                prior_train[:, described] = self.prior_.predict_proba(segs)
                self._choose_prior_weights(prior_train, oofs, Yraw)
            self._set_thresholds(oofs, Yraw)
            if (kinds == "exemplar").any():
                self._fit_exemplar(self._exemplar_space(Z), Ymat, kinds, prior_train)
            if prior_train is not None and (kinds == "prior").any() and Ymat[:, described].sum() >= 2:
                # codes known only from their description: the prior's own pooled F1 optimum
                self.thresholds_[kinds == "prior"] = best_f1_threshold(
                    Ymat[:, described].reshape(-1), prior_train[:, described].reshape(-1))
        else:
            for j in np.flatnonzero(~described):
                self.estimators_[j] = _ConstantProbability(1 / (len(segs) + 2))
        return kinds

    def _fit_exemplar(self, Zx, Ymat, kinds, prior_train) -> None:
        """Fit the few-shot fallback; on its leave-one-out probabilities choose the prior
        strength (for described codes without a calibrated model) and the pooled threshold."""
        from elc.suggest.exemplar import ExemplarPrior

        self.exemplar_ = ExemplarPrior(random_state=self.random_state).fit(Zx, Ymat)
        self.thresholds_[kinds == "exemplar"] = self.exemplar_.threshold_
        few = (self.n_positives_ >= 1) & (self.n_positives_ <= self.exemplar_.few_shot_max)
        if Ymat[:, few].sum() < 2:
            return
        loo = self.exemplar_.leave_one_out_proba(Zx, Ymat)[:, few]
        y = Ymat[:, few]
        n_pos = self.n_positives_[few]
        if prior_train is not None and self.described_[few].any():
            described = self.described_[few]
            prior = prior_train[:, few]

            def blended(k):
                v = np.where(described, k / (n_pos + k), 0.0) if k > 0 else np.zeros(len(n_pos))
                return np.clip((1 - v) * loo + v * prior, 1e-6, 1 - 1e-6)

            def loss(k):
                p = blended(k)[:, described]
                t = y[:, described]
                return float(-(t * np.log(p) + (1 - t) * np.log(1 - p)).mean())

            k = min(_PRIOR_STRENGTH_GRID, key=loss)
            self.prior_strength_ = float(k)
            rule = self.described_ & (kinds != "calibrated") & (self.n_positives_ > 0)
            self.prior_weights_[rule] = k / (self.n_positives_[rule] + k) if k > 0 else 0.0
            loo = blended(k)
        self.thresholds_[kinds == "exemplar"] = best_f1_threshold(y.reshape(-1), loo.reshape(-1))

    def _choose_prior_weights(self, prior: np.ndarray, oofs: dict, Y: np.ndarray) -> None:
        """For described codes with a calibrated model, pick the prior's weight in the blend
        by out-of-fold log loss (grid 0, 0.1, ..., 1) instead of the codings-count rule, and
        blend their out-of-fold probabilities accordingly (``oofs`` is updated in place)."""
        cols = [j for j in oofs if self.described_[j]]
        grid = np.linspace(0.0, 1.0, 11)
        for j in cols:
            known = ~np.isnan(oofs[j])
            y, p_model, p_prior = Y[known, j], oofs[j][known], prior[known, j]
            blend = np.clip((1 - grid)[:, None] * p_model[None, :] + grid[:, None] * p_prior[None, :], 1e-6, 1 - 1e-6)
            loss = -(y[None, :] * np.log(blend) + (1 - y[None, :]) * np.log(1 - blend)).mean(axis=1)
            w = float(grid[np.argmin(loss)])
            self.prior_weights_[j] = w
            oofs[j] = np.where(known, (1 - w) * oofs[j] + w * prior[:, j], np.nan)

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
