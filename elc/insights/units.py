"""The coded units every insight is built from: active codings with their words and touchpoint.

One row per active coding of a participant's source, with the tidied quote, its word count and
the touchpoint it belongs to: a touchpoint coding is its own touchpoint; a theme or category
coding takes the touchpoint coding it overlaps most in the same source (if any).

The reads live in :mod:`elc.store.insight_reads` (plain tuples: fast for big exports);
``source_texts`` and ``participant_sentences`` are re-exported from there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from elc.insights.quotes import add_quote_columns
from elc.store.insight_reads import participant_codings, participant_sentences, source_texts

COLUMNS = ["id", "source_id", "participant_id", "community", "start", "end", "code_id", "code",
           "code_kind", "valence", "coder", "text", "quote", "words", "touchpoint_id", "touchpoint"]


CATEGORICAL = ("participant_id", "community", "code", "code_kind", "valence", "coder", "touchpoint")
QUOTE_COLUMNS = ["id", "source_id", "start", "end", "participant_id", "community", "code", "valence", "touchpoint",
                 "quote", "words"]


def participant_counts(df: pd.DataFrame, by) -> pd.DataFrame:
    """Participants per group of ``by``: ``participants``, ``to_improve``, ``working_well``, ``both``
    and ``neutral`` (participants with only neutral codings there).

    Both sides are counted per participant: someone with a to-improve and a working-well coding
    counts in ``to_improve`` *and* ``working_well`` (and in ``both``); nobody is reduced to a
    majority view.
    """
    by = [by] if isinstance(by, str) else list(by)
    cols = ["participants", "to_improve", "working_well", "both", "neutral"]
    if not len(df):
        return pd.DataFrame(columns=cols)
    slim = df[by + ["participant_id", "valence"]].drop_duplicates()
    slim = slim.assign(ti=(slim.valence == "to-improve").to_numpy(), ww=(slim.valence == "working-well").to_numpy())
    per = slim.groupby(by + ["participant_id"], observed=True)[["ti", "ww"]].any().reset_index()
    per["both"] = per.ti & per.ww
    per["neutral"] = ~(per.ti | per.ww)
    g = per.groupby(by, observed=True)
    out = pd.DataFrame({"participants": g.size(), "to_improve": g.ti.sum(), "working_well": g.ww.sum(),
                        "both": g.both.sum(), "neutral": g.neutral.sum()})
    return out[cols].fillna(0).astype(int)


def coded_units(project, coder: str | None = None) -> pd.DataFrame:
    """Active codings of participants' sources, with ``quote``, ``words`` and ``touchpoint``."""
    df = participant_codings(project, coder)
    if not len(df):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    texts = source_texts(project, df.source_id.unique())
    df["text"] = mend_brackets(texts, df.source_id, df.start, df.end)
    df = add_quote_columns(df)
    is_tp = (df.code_kind == "touchpoint").to_numpy()
    tp_id = np.where(is_tp, df.code_id.to_numpy(dtype=float), np.nan)
    tp_name = np.where(is_tp, df.code.to_numpy(dtype=object), np.array(None, dtype=object))
    if is_tp.any() and (~is_tp).any():
        others = df.loc[~is_tp, ["id", "source_id", "start", "end"]]
        tps = df.loc[is_tp, ["source_id", "start", "end", "code_id", "code"]]
        # most theme codings sit on the same sentence as a touchpoint coding: match those on
        # (source, start) first and compare every touchpoint of the source only for the rest
        same = others.merge(tps, on=["source_id", "start"], suffixes=("", "_t"))
        same["start_t"] = same["start"]
        rest = others[~others.id.isin(same.id)]
        wide = rest.merge(tps, on="source_id", suffixes=("", "_t")) if len(rest) else same.iloc[0:0]
        m = pd.concat([same, wide], ignore_index=True) if len(wide) else same
        if len(m):
            overlap = np.minimum(m.end.to_numpy(), m.end_t.to_numpy()) - np.maximum(m.start.to_numpy(), m.start_t.to_numpy())
            m = m.assign(overlap=overlap)
            m = m[m.overlap > 0]
        if len(m):
            best = m.sort_values(["id", "overlap"], ascending=[True, False], kind="stable").drop_duplicates("id")
            best = best.set_index("id")
            ids = df.id.to_numpy()
            other_pos = np.flatnonzero(~is_tp)
            got_id = pd.Series(ids[other_pos]).map(best.code_id).to_numpy(dtype=float)
            got_name = pd.Series(ids[other_pos]).map(best.code).to_numpy(dtype=object)
            tp_id[other_pos] = got_id
            tp_name[other_pos] = got_name
    df["touchpoint_id"] = tp_id
    df["touchpoint"] = pd.Series(tp_name, index=df.index).where(pd.notna(tp_name), None)
    # few distinct values: categories make the many group-bys of a big export cheap
    for col in CATEGORICAL:
        df[col] = df[col].astype("category")
    return df[COLUMNS].reset_index(drop=True)


def mend_brackets(texts: dict[int, str], source_ids, starts, ends) -> list[str]:
    """Quote text for each span; a span that cuts through a ``[Pseudonym 1]`` or ``[laughs]`` is
    widened to the whole bracket (the coding itself is unchanged), so quotes never read
    ``Driver 1], is lovely``."""
    out = []
    for sid, a, b in zip(source_ids, starts, ends):
        src = texts.get(int(sid), "")
        a, b = int(a), int(b)
        text = src[a:b]
        if "]" in text or "[" in text:
            close, open_ = text.find("]"), text.find("[")
            if close != -1 and (open_ == -1 or close < open_):
                k = src.rfind("[", max(0, a - 40), a)
                if k != -1 and "\n" not in src[k:a]:
                    a = k
            if text.rfind("[") > text.rfind("]"):
                k = src.find("]", b, b + 40)
                if k != -1 and "\n" not in src[b:k]:
                    b = k + 1
            text = src[a:b]
        out.append(text)
    return out


def interviewed(project, coder: str | None = None) -> pd.DataFrame:
    """Communities in programme order with ``interviewed`` (participants with at least one
    source), ``coded`` (of those, participants with at least one active coding, by ``coder`` when
    given: the denominator of every count) and ``uncoded_ids`` (interviewed but not coded yet,
    excluded from counts)."""
    from elc.store.evidence_reads import participant_coding

    comms = project.communities()
    parts = participant_coding(project, coder)
    got = parts.groupby("community").size() if len(parts) else pd.Series(dtype=int)
    coded = parts[parts.codings > 0].groupby("community").size() if len(parts) else pd.Series(dtype=int)
    uncoded = parts[parts.codings == 0].groupby("community").participant_id.agg(list) if len(parts) else {}
    comms["interviewed"] = [int(got.get(k, 0)) for k in comms.key]
    comms["coded"] = [int(coded.get(k, 0)) for k in comms.key]
    comms["uncoded_ids"] = [list(uncoded.get(k, [])) if len(uncoded) else [] for k in comms.key]
    return comms


def asks(code_family, community_family) -> bool:
    """Whether a community's guide asks about a code: touchpoints belong to one family's guide
    (people or staff); cross-cutting theme codes (no family) are open to every interview."""
    if code_family is None or (isinstance(code_family, float) and code_family != code_family):
        return True
    return code_family == community_family


__all__ = ["COLUMNS", "QUOTE_COLUMNS", "asks", "coded_units", "interviewed", "mend_brackets",
           "participant_counts", "participant_sentences", "source_texts"]
