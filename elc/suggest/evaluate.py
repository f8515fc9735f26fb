"""How good are the suggestions? Cross-validation, learning curves, a reliability check.

All functions take the same inputs as :class:`~elc.suggest.model.CodeSuggester`: a DataFrame
of segments and a 0/1 DataFrame of codings (one column per code).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.base import clone

from elc.suggest._base import as_label_matrix, as_segments


def _default_estimator():
    from elc.suggest.model import CodeSuggester

    return CodeSuggester()


def _f1_parts(Y: np.ndarray, P: np.ndarray):
    tp = (Y & P).sum(axis=0)
    fp = ((1 - Y) & P).sum(axis=0)
    fn = (Y & (1 - P)).sum(axis=0)
    return tp, fp, fn


def f1_scores(Y_true, Y_pred) -> dict:
    """Micro and macro F1 of 0/1 matrices; macro over codes that occur in ``Y_true``."""
    Y = np.asarray(Y_true, dtype=int)
    P = np.asarray(Y_pred, dtype=int)
    tp, fp, fn = _f1_parts(Y, P)
    denom = 2 * tp + fp + fn
    per_code = np.divide(2 * tp, denom, out=np.zeros(len(tp), dtype=float), where=denom > 0)
    present = Y.sum(axis=0) > 0
    micro_denom = 2 * tp.sum() + fp.sum() + fn.sum()
    return {
        "micro_f1": float(2 * tp.sum() / micro_denom) if micro_denom else 0.0,
        "macro_f1": float(per_code[present].mean()) if present.any() else 0.0,
        "per_code_f1": per_code,
    }


def reliability_table(Y_true, proba, n_bins: int = 10) -> pd.DataFrame:
    """Is a shown confidence of 0.8 right 80% of the time? One row per confidence bin.

    Every (segment, code) probability is one prediction. Columns: ``bin`` (e.g. "0.7-0.8"),
    ``n`` predictions in the bin, ``mean_confidence``, ``observed`` (fraction where the code
    was in fact applied) and ``gap`` = observed - mean_confidence. Empty bins are dropped.
    """
    y = np.asarray(Y_true, dtype=float).reshape(-1)
    p = np.asarray(proba, dtype=float).reshape(-1)
    edges = np.linspace(0, 1, n_bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=False), 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        mask = idx == b
        if mask.any():
            conf, obs = float(p[mask].mean()), float(y[mask].mean())
            rows.append((f"{edges[b]:.1f}-{edges[b + 1]:.1f}", int(mask.sum()), conf, obs, obs - conf))
    return pd.DataFrame(rows, columns=["bin", "n", "mean_confidence", "observed", "gap"])


def expected_calibration_error(Y_true, proba, n_bins: int = 10) -> float:
    """Weighted mean absolute gap between confidence and observed frequency over bins."""
    table = reliability_table(Y_true, proba, n_bins=n_bins)
    if table.empty:
        return float("nan")
    return float((table["n"] * table["gap"].abs()).sum() / table["n"].sum())


def fold_splits(n: int, k: int, groups=None, random_state: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """k folds over ``n`` units; with ``groups`` (e.g. participant ids) no group is in both the
    training and the test part of a fold (shuffled ``GroupKFold``), else shuffled ``KFold``."""
    from sklearn.model_selection import GroupKFold, KFold

    idx = np.arange(n)
    if groups is None:
        return list(KFold(n_splits=k, shuffle=True, random_state=random_state).split(idx))
    groups = np.asarray(groups, dtype=object)
    if len(set(groups.tolist())) < k:
        raise ValueError(f"{len(set(groups.tolist()))} participants are too few for {k}-fold cross-validation")
    return list(GroupKFold(n_splits=k, shuffle=True, random_state=random_state).split(idx, groups=groups))


def cross_validate_codes(X, Y, k: int = 5, random_state: int = 0, estimator=None, threshold=None,
                         groups=None, allowed=None, splits=None) -> dict:
    """k-fold cross-validation of code suggestions.

    Parameters
    ----------
    X : DataFrame of segments.  Y : 0/1 DataFrame, one column per code.
    k : number of folds (shuffled, seeded by ``random_state``).
    estimator : unfitted estimator (default ``CodeSuggester()``); cloned per fold. Without
        ``predict_proba`` (e.g. the baseline) the probability outputs are NaN.
    threshold : passed to ``estimator.predict`` (``None``: its own per-code thresholds).
    groups : optional group of each segment (participant): grouped folds (see :func:`fold_splits`).
    allowed : optional 0/1 ``(n_segments, n_codes)`` mask of codes that may be suggested
        (e.g. the touchpoints of the participant's community family); others are never predicted.
    splits : optional precomputed folds (overrides ``k``/``groups``), to score several
        estimators on exactly the same folds.

    Returns
    -------
    dict with ``micro_f1``, ``macro_f1`` (over codes present in ``Y``), ``per_code``
    (DataFrame: code, support, precision, recall, f1), ``reliability`` (see
    :func:`reliability_table`), ``ece``, ``oof_proba`` (DataFrame of out-of-fold
    probabilities) and ``fit_seconds`` (mean per fold).
    """
    segs = as_segments(X)
    Ymat, classes = as_label_matrix(Y, len(segs))
    n = len(segs)
    if n < k:
        raise ValueError(f"{n} segments are too few for {k}-fold cross-validation")
    estimator = _default_estimator() if estimator is None else estimator
    splits = fold_splits(n, k, groups, random_state) if splits is None else splits
    has_proba = hasattr(estimator, "predict_proba")
    oof = np.full(Ymat.shape, np.nan if not has_proba else 0.0, dtype=float)
    pred = np.zeros(Ymat.shape, dtype=int)
    fit_times = []
    labels = pd.DataFrame(Ymat, columns=classes)
    mask = None if allowed is None else np.asarray(allowed, dtype=bool)
    for train, test in splits:
        model = clone(estimator)
        t0 = time.perf_counter()
        model.fit(segs.iloc[train], labels.iloc[train])
        fit_times.append(time.perf_counter() - t0)
        cols = [list(model.classes_).index(c) for c in classes]
        if has_proba:
            oof[test] = model.predict_proba(segs.iloc[test])[:, cols]
        pred[test] = model.predict(segs.iloc[test], threshold=threshold)[:, cols]
        if mask is not None:
            pred[test] &= mask[test]
            if has_proba:
                oof[test] *= mask[test]
    tp, fp, fn = _f1_parts(Ymat.astype(int), pred)
    scores = f1_scores(Ymat, pred)
    per_code = pd.DataFrame({
        "code": classes,
        "support": Ymat.sum(axis=0).astype(int),
        "precision": np.divide(tp, tp + fp, out=np.zeros(len(tp), dtype=float), where=(tp + fp) > 0),
        "recall": np.divide(tp, tp + fn, out=np.zeros(len(tp), dtype=float), where=(tp + fn) > 0),
        "f1": scores["per_code_f1"],
    })
    return {
        "micro_f1": scores["micro_f1"],
        "macro_f1": scores["macro_f1"],
        "per_code": per_code,
        "reliability": reliability_table(Ymat, oof) if has_proba else pd.DataFrame(),
        "ece": expected_calibration_error(Ymat, oof) if has_proba else float("nan"),
        "pred": pred,
        "oof_proba": pd.DataFrame(oof, columns=classes, index=segs.index),
        "fit_seconds": float(np.mean(fit_times)),
    }


def learning_curve(
    X,
    Y,
    sizes=(50, 100, 200, 400, 800, 1600),
    estimator=None,
    test_size=0.2,
    n_repeats: int = 1,
    random_state: int = 0,
    single_label: bool = False,
) -> pd.DataFrame:
    """F1 by number of coded segments, on one fixed held-out test split.

    For each repeat the non-test segments are shuffled (seeded) and the first ``size`` of
    them train the model, so larger sizes extend smaller ones. Sizes larger than the pool are
    skipped. ``single_label=True`` predicts one code per segment (the argmax of
    ``decision_function`` if the estimator has one, else of ``predict_proba``).

    Returns a DataFrame with columns ``n_coded``, ``repeat``, ``micro_f1``, ``macro_f1``,
    ``fit_seconds``.
    """
    segs = as_segments(X)
    Ymat, classes = as_label_matrix(Y, len(segs))
    n = len(segs)
    rng = np.random.default_rng(random_state)
    n_test = int(round(test_size * n)) if isinstance(test_size, float) else int(test_size)
    if not 0 < n_test < n:
        raise ValueError("test_size leaves no test or no training segments")
    perm = rng.permutation(n)
    test, pool = perm[:n_test], perm[n_test:]
    estimator = _default_estimator() if estimator is None else estimator
    labels = pd.DataFrame(Ymat, columns=classes)
    rows = []
    for repeat in range(n_repeats):
        order = np.random.default_rng([random_state, repeat]).permutation(pool)
        for size in sizes:
            if size > len(order):
                continue
            train = order[:size]
            model = clone(estimator)
            t0 = time.perf_counter()
            model.fit(segs.iloc[train], labels.iloc[train])
            fit_seconds = time.perf_counter() - t0
            cols = [list(model.classes_).index(c) for c in classes]
            if single_label:
                scores = (model.decision_function if hasattr(model, "decision_function") else model.predict_proba)(
                    segs.iloc[test])[:, cols]
                pred = np.zeros((len(test), len(classes)), dtype=int)
                pred[np.arange(len(test)), scores.argmax(axis=1)] = 1
            else:
                pred = model.predict(segs.iloc[test])[:, cols]
            f = f1_scores(Ymat[test], pred)
            rows.append((size, repeat, f["micro_f1"], f["macro_f1"], fit_seconds))
    return pd.DataFrame(rows, columns=["n_coded", "repeat", "micro_f1", "macro_f1", "fit_seconds"])


def compare_learning_curve(X, Y, estimators: dict, sizes, groups=None, k: int = 5, test_folds: int = 3,
                           random_state: int = 0, allowed=None, score_columns=None) -> pd.DataFrame:
    """Macro/micro F1 by number of coded units, for several estimators on the same rows.

    The test part is one fold of :func:`fold_splits` (grouped when ``groups`` is given), and
    the figures are the mean over the first ``test_folds`` folds. For each fold the remaining
    units are shuffled (seeded) and the first ``size`` train every estimator (exactly the same
    rows). ``allowed`` masks codes as in :func:`cross_validate_codes` (applied to the
    estimator named ``"elc"`` only: it is part of elc's suggestions). ``score_columns``: the
    codes scored (default: all). Returns rows ``n_coded, estimator, macro_f1, micro_f1,
    fit_seconds`` (means over the test folds).
    """
    segs = as_segments(X)
    Ymat, classes = as_label_matrix(Y, len(segs))
    labels = pd.DataFrame(Ymat, columns=classes)
    scored = np.ones(len(classes), bool) if score_columns is None else np.isin(np.asarray(classes, object),
                                                                                 list(score_columns))
    mask = None if allowed is None else np.asarray(allowed, dtype=bool)
    rows = []
    for f, (pool, test) in enumerate(fold_splits(len(segs), k, groups, random_state)[:test_folds]):
        order = np.random.default_rng([random_state, f]).permutation(pool)
        for size in sizes:
            if size > len(order):
                continue
            train = order[:size]
            for name, est in estimators.items():
                model = clone(est)
                t0 = time.perf_counter()
                model.fit(segs.iloc[train], labels.iloc[train])
                seconds = time.perf_counter() - t0
                cols = [list(model.classes_).index(c) for c in classes]
                pred = model.predict(segs.iloc[test])[:, cols]
                if mask is not None and name == "elc":
                    pred = pred & mask[test]
                s = f1_scores(Ymat[test][:, scored], pred[:, scored])
                rows.append((size, name, f, s["macro_f1"], s["micro_f1"], seconds))
    df = pd.DataFrame(rows, columns=["n_coded", "estimator", "fold", "macro_f1", "micro_f1", "fit_seconds"])
    return (df.groupby(["n_coded", "estimator"], sort=True)[["macro_f1", "micro_f1", "fit_seconds"]].mean()
            .reset_index())
