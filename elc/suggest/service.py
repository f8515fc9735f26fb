"""Suggestions for a project: training data from its codings, fitted models, stored suggestions.

The estimators (``CodeSuggester``, ``ValenceClassifier``) know nothing about projects; this
module is the bridge: DataFrames in, rows in the ``suggestions`` table out. Suggestions are
never codings unless a user asks (``apply_above``).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd
from elc.store import database, suggestions as stored

MIN_EXAMPLES = 5  # coded units a code needs before its suggestions are scored ("too few to learn")


def code_descriptions(project) -> dict[str, dict]:
    """Code name -> definition and keywords (guide keywords for touchpoints), for cold start."""
    codes = project.codes()
    codes = codes[codes.kind != "category"]
    return {r.name: {"name": r.name, "definition": r.definition, "keywords": list(r.keywords)}
            for r in codes.itertuples()}


def code_families(project) -> dict[str, str]:
    """Code name -> community family for touchpoints of one family ("" for themes and shared codes)."""
    codes = project.codes()
    return {r.name: ("" if pd.isna(r.family) else str(r.family)) for r in codes.itertuples()}


def allowed_mask(X: pd.DataFrame, classes, families: dict[str, str]) -> np.ndarray:
    """0/1 ``(units, codes)``: a touchpoint of one community family only for that family's
    participants (a unit whose family is unknown may get any code)."""
    fam = np.asarray([families.get(c, "") or "" for c in classes], dtype=object)
    unit = X["family"].fillna("").to_numpy(dtype=object) if "family" in X else np.full(len(X), "", object)
    return ((fam[None, :] == "") | (unit[:, None] == "") | (fam[None, :] == unit[:, None])).astype(np.int8)


def units(project) -> pd.DataFrame:
    """Units suggestions are made for (see :func:`elc.suggest.units.suggestion_targets`)."""
    from elc.suggest.units import suggestion_targets

    return suggestion_targets(project)


def training_data(project, coder: str | None = None):
    """(X, Y, valence) for the coded units (by ``coder``, or anyone): see :mod:`elc.suggest.units`."""
    from elc.suggest.units import coded_units

    names = list(code_descriptions(project))
    X, Y, valence = coded_units(project, coder, names)
    return X, Y, valence


def fit_models(project, coder: str | None = None):
    from elc.suggest import CodeSuggester, ValenceClassifier

    X, Y, valence = training_data(project, coder)
    model = CodeSuggester(code_descriptions=code_descriptions(project))
    model.fit(X, Y if len(X) else None)
    vmodel = ValenceClassifier()
    vmodel.fit(X, valence if len(X) else None)
    return model, vmodel, len(X)


def too_few_to_learn(model) -> dict[str, int]:
    """Codes coded at least once but fewer than ``MIN_EXAMPLES`` times: ``{code: coded units}``."""
    n = getattr(model, "n_positives_", None)
    if n is None:
        return {}
    return {str(c): int(k) for c, k in zip(model.classes_, n) if 0 < k < MIN_EXAMPLES}


def write_suggestions(project, model, vmodel, coder: str | None = None, top_k: int = 3,
                      min_probability: float = 0.15) -> int:
    """Store the top suggestions for every uncoded unit (never interviewer turns; touchpoints only
    of the participant's community family). Returns rows written."""
    from elc.suggest.units import suggestion_targets

    todo = suggestion_targets(project, coder)
    stored.clear(project)
    if todo.empty:
        return 0
    classes = list(model.classes_)
    proba = model.predict_proba(todo) * allowed_mask(todo, classes, code_families(project))
    vproba = vmodel.predict_proba(todo)
    ids = {r.name: int(r.id) for r in project.codes().itertuples()}
    version = f"{type(model).__name__}@{_dt.datetime.now(_dt.timezone.utc):%Y%m%dT%H%M%S}/n={getattr(model, 'n_samples_fit_', 0)}"
    ts = database.now()
    rows = []
    for i, seg in enumerate(todo.itertuples()):
        order = np.argsort(-proba[i], kind="stable")[:top_k]
        v = int(np.argmax(vproba[i]))
        for j in order:
            if proba[i, j] < min_probability or classes[j] not in ids:
                continue
            rows.append({"segment_id": int(seg.segment_id), "code_id": ids[classes[j]],
                         "probability": float(proba[i, j]), "valence": str(vmodel.classes_[v]),
                         "valence_probability": float(vproba[i, v]), "model_version": version, "created_at": ts})
    stored.insert(project, rows)
    return len(rows)


def apply_above(project, coder: str, threshold: float) -> int:
    """Turn stored suggestions at or above ``threshold`` into codings by ``coder`` (origin kept)."""
    from elc.coding import CodingSession

    from elc.suggest.units import participant_text

    session = CodingSession(project, coder)
    segs = pd.concat(participant_text(project)).set_index("id")  # turns with their body span
    rows = stored.at_or_above(project, threshold)
    n = 0
    for r in rows:
        seg = segs.loc[r["segment_id"]]
        session.apply(int(seg.source_id), int(seg.start), int(seg.end), int(r["code_id"]),
                      r["valence"] or "neutral", origin="suggestion")
        n += 1
    return n


def evaluate(project, coder: str | None = None, k: int = 5, curve_folds: int = 3, sizes=None) -> dict:
    """Cross-validate the suggestions on the coded units, beside the TF-IDF + LinearSVC baseline.

    Folds are grouped by participant (no participant in both training and test); both models
    see exactly the same folds and, on the learning curve, the same training rows. Codes with
    fewer than ``MIN_EXAMPLES`` coded units are reported as too few to learn and left out of
    both models' scores (they are still learned from).
    """
    from elc.errors import ElcError
    from elc.suggest import CodeSuggester, cross_validate_codes
    from elc.suggest.baseline import TfidfSVCBaseline
    from elc.suggest.evaluate import compare_learning_curve, f1_scores, fold_splits

    X, Y, _ = training_data(project, coder)
    Y = Y.loc[:, Y.sum(axis=0) > 0]
    if len(X) < max(2 * k, 10):
        raise ElcError(f"{project.location}: only {len(X)} coded units; code at least {max(2 * k, 10)} "
                       f"before evaluating suggestions")
    support = Y.sum(axis=0)
    learnable = list(support[support >= MIN_EXAMPLES].index)
    too_few = {c: int(n) for c, n in support[support < MIN_EXAMPLES].items()}
    if not learnable:
        raise ElcError(f"{project.location}: no code has {MIN_EXAMPLES} coded units yet; nothing to evaluate")
    groups = X["participant_id"].replace("", np.nan).fillna(X["segment_id"].astype(str)).to_numpy(dtype=object)
    try:
        splits = fold_splits(len(X), k, groups)
    except ValueError as exc:
        raise ElcError(f"{project.location}: {exc}") from None
    descriptions = code_descriptions(project)
    allowed = allowed_mask(X, list(Y.columns), code_families(project))
    est = CodeSuggester(code_descriptions={c: descriptions[c] for c in Y.columns if c in descriptions})
    base = TfidfSVCBaseline()
    cv = cross_validate_codes(X, Y, estimator=est, splits=splits, allowed=allowed)
    cb = cross_validate_codes(X, Y, estimator=base, splits=splits)
    cols = [list(Y.columns).index(c) for c in learnable]
    Ym = Y.to_numpy()[:, cols]
    mine, theirs = f1_scores(Ym, cv["pred"][:, cols]), f1_scores(Ym, cb["pred"][:, cols])
    per_code = cv["per_code"].merge(cb["per_code"][["code", "f1"]].rename(columns={"f1": "baseline_f1"}), on="code")
    per_code["learnable"] = per_code.code.isin(learnable)
    if sizes is None:
        sizes = [n for n in (25, 50, 100, 200, 400, 800, 1600, 3200, 6400) if n < (1 - 1 / k) * len(X)]
    curve = (compare_learning_curve(X, Y, {"elc": est, "baseline": base}, sizes, groups=groups, k=k,
                                    test_folds=curve_folds, allowed=allowed, score_columns=learnable)
             if sizes and curve_folds else pd.DataFrame())
    if len(curve):
        wide = curve.pivot(index="n_coded", columns="estimator", values="macro_f1").reset_index()
        curve = pd.DataFrame({"n_coded": wide.n_coded, "macro_f1": wide["elc"], "baseline_macro_f1": wide["baseline"],
                              "ratio": wide["elc"] / wide["baseline"].replace(0, np.nan)})
    units_count = X["unit"].value_counts().to_dict()
    return {"segments": int(len(X)), "units": {str(u): int(n) for u, n in units_count.items()},
            "participants": int(len(set(groups.tolist()))), "folds": int(k), "grouped_by": "participant",
            "codes": int(Y.shape[1]), "learnable_codes": len(learnable), "too_few_to_learn": too_few,
            "min_examples": MIN_EXAMPLES,
            "micro_f1": float(mine["micro_f1"]), "macro_f1": float(mine["macro_f1"]),
            "baseline": {"name": "TF-IDF + LinearSVC (one-vs-rest, class_weight=balanced)",
                         "micro_f1": float(theirs["micro_f1"]), "macro_f1": float(theirs["macro_f1"])},
            "ratio": float(mine["macro_f1"] / theirs["macro_f1"]) if theirs["macro_f1"] else float("nan"),
            "ece": float(cv.get("ece", float("nan"))),
            "per_code": per_code, "learning_curve": curve, "reliability": cv.get("reliability")}
