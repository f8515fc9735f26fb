"""The coded unit is the unit: what researchers coded is what suggestions learn from and are for.

A unit is a span of participant text with the codes that cover it:

* a **response**: a row of an imported coded spreadsheet (its turn, without the label); a row
  without codes is not yet coded (not a negative): it is suggested for, not learned from;
* otherwise the span a coding covers: a **sentence**, a **turn** or a **passage** (any other
  span), as coded in the workbench or by a coded table anchored to sentences.

A code labels a unit when one of its codings covers at least half of the unit, so a passage
coded A with one sentence inside also coded B gives two units, the passage {A} and the
sentence {A, B}; two coders' codings of the same span give one unit with the union of codes.
Suggestions are made for the units not yet coded: the uncoded responses of response imports,
and the uncoded participant sentences of interviews. Never for interviewer turns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["segment_id", "source_id", "start", "end", "unit", "text", "lemmas", "question", "community",
           "family", "participant_id"]
ORDER = {"to-improve": 0, "working-well": 1, "neutral": 2}


def _families(project) -> dict[str, str]:
    c = project.communities()
    return {k: ("" if pd.isna(f) else str(f)) for k, f in zip(c.key, c.family)}


def response_sources(project) -> set[int]:
    from elc.store.coded_units import recorded_units, source_imports

    imports = recorded_units(project, "import")
    return {sid for sid, imp in source_imports(project).items() if imports.get(imp) == "response"}


def participant_text(project):
    """(sentences, turns) of participants; turns carry their body span (sentences' extent)."""
    segs = project.segments(kind=None, role="participant", with_text=False)
    sents = segs[segs.kind == "sentence"]
    turns = segs[segs.kind == "turn"]
    bodies = sents.groupby("parent_id").agg(b_start=("start", "min"), b_end=("end", "max"),
                                            lemmas_all=("lemmas", " ".join))
    turns = turns.merge(bodies, left_on="id", right_index=True, how="left")
    label_end = np.minimum(turns.start + turns.speaker.fillna("").str.len() + 2, turns.end)
    bare = turns.b_start.isna()  # a turn without sentences (e.g. only "-"): its text after the label
    turns = turns.assign(start=np.where(bare, label_end, turns.b_start).astype(int),
                         end=np.where(bare, turns.end, turns.b_end).astype(int),
                         lemmas=turns.lemmas_all.fillna(""))
    return sents.reset_index(drop=True), turns[sents.columns].reset_index(drop=True)


def _frame(project, rows: pd.DataFrame, unit) -> pd.DataFrame:
    fam = _families(project)
    out = pd.DataFrame({
        "segment_id": rows["id"].astype(int).to_numpy(), "source_id": rows["source_id"].astype(int).to_numpy(),
        "start": rows["start"].astype(int).to_numpy(), "end": rows["end"].astype(int).to_numpy(),
        "unit": unit if isinstance(unit, str) else list(unit),
        "text": [project.source_text(int(s))[a:b] for s, a, b in zip(rows.source_id, rows.start, rows.end)],
        "lemmas": rows["lemmas"].fillna("").to_numpy(), "question": rows["question"].fillna("").to_numpy(),
        "community": rows["community"].fillna("").to_numpy(),
        "family": [fam.get(c, "") or "" for c in rows["community"].fillna("")],
        "participant_id": rows["participant_id"].fillna("").to_numpy(),
    })
    return out[COLUMNS]


def _labels(units: pd.DataFrame, codings: pd.DataFrame, names: list[str]):
    """0/1 matrix (units x names) and the unit valence, from codings covering >= half a unit."""
    Y = np.zeros((len(units), len(names)), dtype=np.int8)
    valence = np.full(len(units), None, dtype=object)
    if not len(units) or not len(codings):
        return pd.DataFrame(Y, columns=names), pd.Series(valence, dtype=object)
    col = {n: j for j, n in enumerate(names)}
    u = units[["source_id", "start", "end"]].reset_index(drop=True).assign(row=np.arange(len(units)))
    m = u.merge(codings[["source_id", "start", "end", "code", "valence"]], on="source_id", suffixes=("", "_c"))
    cover = (np.minimum(m.end, m.end_c) - np.maximum(m.start, m.start_c)).clip(lower=0)
    m = m[(cover * 2 >= (m.end - m.start)) & (cover > 0) & m.code.isin(col)]
    Y[m.row.to_numpy(), m.code.map(col).to_numpy()] = 1
    best = m.assign(r=m.valence.map(ORDER)).sort_values("r").drop_duplicates("row")
    valence[best.row.to_numpy()] = best.valence.to_numpy()
    return pd.DataFrame(Y, columns=names), pd.Series(valence, dtype=object)


def coded_units(project, coder: str | None = None, names: list[str] | None = None):
    """``(X, Y, valence)``: the coded units (see the module doc), their 0/1 codes, their valence.

    ``X`` has the segment columns (text, lemmas, question, community) plus ``unit`` (response,
    turn, passage or sentence), ``family`` and ``participant_id`` (folds group on it).
    """
    from elc.store.coded_units import recorded_units

    codings = project.codings(coder=coder, with_text=False)
    codings = codings[codings.code_kind != "category"]
    if names is None:
        codes = project.codes()
        names = list(codes[codes.kind != "category"].name)
    sents, turns = participant_text(project)
    responses = response_sources(project)
    parts = []
    rs = turns[turns.source_id.isin(responses)]
    if len(rs):
        parts.append(_frame(project, rs, "response"))
    other = codings[~codings.source_id.isin(responses)]
    if len(other):
        spans = other.drop_duplicates(["source_id", "start", "end"])
        recorded = recorded_units(project, "coding")
        # snap each coded span to the participant sentences it overlaps (drops interviewer text)
        m = spans[["id", "source_id", "start", "end"]].merge(
            sents[["id", "source_id", "start", "end", "parent_id", "lemmas", "question", "community",
                   "participant_id"]], on="source_id", suffixes=("_c", ""))
        m = m[(m.start < m.end_c) & (m.start_c < m.end)].sort_values(["id_c", "start"])
        if len(m):
            g = m.groupby("id_c", sort=False)
            first = g.first()
            snapped = pd.DataFrame({
                "id": first["id"], "source_id": first["source_id"],
                "start": np.maximum(g.start.min(), g.start_c.first()), "end": np.minimum(g.end.max(), g.end_c.first()),
                "lemmas": g.lemmas.agg(" ".join), "question": first["question"], "community": first["community"],
                "participant_id": first["participant_id"], "n_sent": g.size(), "parents": g.parent_id.nunique(),
            }).reset_index()
            whole = dict(zip(zip(turns.source_id, turns.start, turns.end), turns.id))
            sent_spans = set(zip(sents.source_id, sents.start, sents.end))
            kinds = []
            for r in snapped.itertuples():
                key = (r.source_id, r.start, r.end)
                kinds.append(recorded.get(int(r.id_c)) or ("sentence" if key in sent_spans else
                             "turn" if key in whole else "passage"))
            snapped = snapped.assign(unit=kinds).drop_duplicates(["source_id", "start", "end"])
            parts.append(_frame(project, snapped, snapped.unit))
    X = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    X = X.drop_duplicates(["source_id", "start", "end"]).reset_index(drop=True)
    Y, valence = _labels(X, codings, names)
    coded = (Y.sum(axis=1) > 0).to_numpy()
    return X[coded].reset_index(drop=True), Y[coded].reset_index(drop=True), valence[coded].reset_index(drop=True)


def suggestion_targets(project, coder: str | None = None) -> pd.DataFrame:
    """Units to suggest codes for: uncoded responses of response imports, uncoded participant
    sentences elsewhere (interviewer turns never)."""
    codings = project.codings(coder=coder, with_text=False)
    sents, turns = participant_text(project)
    responses = response_sources(project)
    rs = turns[turns.source_id.isin(responses)]
    ss = sents[~sents.source_id.isin(responses)]
    frames = [f for f in (_frame(project, rs, "response") if len(rs) else None,
                          _frame(project, ss, "sentence") if len(ss) else None) if f is not None]
    X = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    if len(X) and len(codings):
        m = X[["segment_id", "source_id", "start", "end"]].merge(codings[["source_id", "start", "end"]],
                                                                  on="source_id", suffixes=("", "_c"))
        coded = m[(m.start < m.end_c) & (m.start_c < m.end)].segment_id
        X = X[~X.segment_id.isin(coded)].reset_index(drop=True)
    return X
