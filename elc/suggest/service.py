"""Suggestions for a project: training data from its codings, fitted models, stored suggestions.

The estimators (``CodeSuggester``, ``ValenceClassifier``) know nothing about projects; this
module is the bridge: DataFrames in, rows in the ``suggestions`` table out. Suggestions are
never codings unless a user asks (``apply_above``).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from elc.store import database, schema as s

UNIT_COLUMNS = ["id", "source_id", "start", "end", "text", "lemmas", "question", "community", "participant_id"]


def code_descriptions(project) -> dict[str, dict]:
    """Code name -> definition and keywords (guide keywords for touchpoints), for cold start."""
    codes = project.codes()
    codes = codes[codes.kind != "category"]
    return {r.name: {"name": r.name, "definition": r.definition, "keywords": list(r.keywords)}
            for r in codes.itertuples()}


def units(project) -> pd.DataFrame:
    """Participant sentences: the unit suggestions are made for."""
    segs = project.segments(role="participant")
    return segs[UNIT_COLUMNS].rename(columns={"id": "segment_id"}).reset_index(drop=True)


def training_data(project, coder: str | None = None):
    """(X, Y, valence) for sentences that carry at least one coding (by ``coder``, or anyone)."""
    X = units(project)
    coded = project.coded_segments(coder=coder)
    coded = coded[coded.code_kind != "category"]
    names = list(code_descriptions(project))
    if coded.empty:
        return X.iloc[:0], pd.DataFrame(columns=names, dtype=int), pd.Series(dtype=object)
    Xc = X[X.segment_id.isin(coded.segment_id)].reset_index(drop=True)
    Y = (pd.crosstab(coded.segment_id, coded.code).reindex(index=Xc.segment_id, columns=names, fill_value=0)
         .clip(upper=1).astype(int).reset_index(drop=True))
    order = {"to-improve": 0, "working-well": 1, "neutral": 2}
    val = (coded.assign(r=coded.valence.map(order)).sort_values("r").drop_duplicates("segment_id")
           .set_index("segment_id").valence)
    return Xc, Y, val.reindex(Xc.segment_id).reset_index(drop=True)


def fit_models(project, coder: str | None = None):
    from elc.suggest import CodeSuggester, ValenceClassifier

    X, Y, valence = training_data(project, coder)
    model = CodeSuggester(code_descriptions=code_descriptions(project))
    model.fit(X, Y if len(X) else None)
    vmodel = ValenceClassifier()
    vmodel.fit(X, valence if len(X) else None)
    return model, vmodel, len(X)


def write_suggestions(project, model, vmodel, coder: str | None = None, top_k: int = 3,
                      min_probability: float = 0.15) -> int:
    """Store the top suggestions for every participant sentence not yet coded. Returns rows written."""
    X = units(project)
    coded = project.coded_segments(coder=coder)
    todo = X[~X.segment_id.isin(coded.segment_id)].reset_index(drop=True)
    with project.engine.begin() as conn:
        conn.execute(delete(s.suggestions))
    if todo.empty:
        return 0
    proba = model.predict_proba(todo)
    vproba = vmodel.predict_proba(todo)
    ids = {r.name: int(r.id) for r in project.codes().itertuples()}
    classes = list(model.classes_)
    version = f"{type(model).__name__}@{_dt.datetime.now(_dt.timezone.utc):%Y%m%dT%H%M%S}/n={getattr(model, 'n_samples_fit_', 0)}"
    ts = database.now()
    rows = []
    for i, seg in enumerate(todo.itertuples()):
        order = np.argsort(-proba[i])[:top_k]
        v = int(np.argmax(vproba[i]))
        for j in order:
            if proba[i, j] < min_probability or classes[j] not in ids:
                continue
            rows.append({"segment_id": int(seg.segment_id), "code_id": ids[classes[j]],
                         "probability": float(proba[i, j]), "valence": str(vmodel.classes_[v]),
                         "valence_probability": float(vproba[i, v]), "model_version": version, "created_at": ts})
    with project.engine.begin() as conn:
        if rows:
            conn.execute(s.suggestions.insert(), rows)
    return len(rows)


def apply_above(project, coder: str, threshold: float) -> int:
    """Turn stored suggestions at or above ``threshold`` into codings by ``coder`` (origin kept)."""
    from elc.coding import CodingSession

    session = CodingSession(project, coder)
    segs = project.segments(kind="sentence", with_text=False).set_index("id")
    with project.engine.connect() as conn:
        rows = conn.execute(select(s.suggestions).where(s.suggestions.c.probability >= threshold)).mappings().all()
    n = 0
    for r in rows:
        seg = segs.loc[r["segment_id"]]
        session.apply(int(seg.source_id), int(seg.start), int(seg.end), int(r["code_id"]),
                      r["valence"] or "neutral", origin="suggestion")
        n += 1
    return n


def evaluate(project, coder: str | None = None, k: int = 5) -> dict:
    from elc.suggest import CodeSuggester, cross_validate_codes, learning_curve

    X, Y, _ = training_data(project, coder)
    Y = Y.loc[:, Y.sum(axis=0) > 0]
    if len(X) < max(2 * k, 10):
        from elc.errors import ElcError

        raise ElcError(f"{project.location}: only {len(X)} coded segments; code at least {max(2 * k, 10)} "
                       f"before evaluating suggestions")
    descriptions = code_descriptions(project)
    est = CodeSuggester(code_descriptions={c: descriptions[c] for c in Y.columns})
    cv = cross_validate_codes(X, Y, k=k, estimator=est)
    sizes = [n for n in (50, 100, 200, 400, 800, 1600, 3200) if n < 0.8 * len(X)]
    curve = learning_curve(X, Y, sizes=sizes, estimator=est) if sizes else pd.DataFrame()
    return {"segments": int(len(X)), "codes": int(Y.shape[1]), "micro_f1": float(cv["micro_f1"]),
            "macro_f1": float(cv["macro_f1"]), "ece": float(cv.get("ece", float("nan"))),
            "per_code": cv["per_code"], "learning_curve": curve, "reliability": cv.get("reliability")}
