"""The coded units every insight is built from: active codings with their words and touchpoint.

One row per active coding of a participant's source, with the tidied quote, its word count and
the touchpoint it belongs to: a touchpoint coding is its own touchpoint; a theme or category
coding takes the touchpoint coding it overlaps most in the same source (if any).
"""

from __future__ import annotations

import pandas as pd

from elc.insights.quotes import add_quote_columns

COLUMNS = ["id", "source_id", "participant_id", "community", "start", "end", "code_id", "code",
           "code_kind", "valence", "coder", "text", "quote", "words", "touchpoint_id", "touchpoint"]


def coded_units(project, coder: str | None = None) -> pd.DataFrame:
    """Active codings of participants' sources, with ``quote``, ``words`` and ``touchpoint``."""
    df = project.codings(coder=coder, with_text=True)
    if len(df):
        df = df[df.participant_id.notna()].copy()
    if not len(df):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    df["text"] = _mend_brackets(project, df)
    df = add_quote_columns(df)
    is_tp = df.code_kind == "touchpoint"
    df["touchpoint_id"] = df.code_id.where(is_tp)
    df["touchpoint"] = df.code.where(is_tp)
    others = df[~is_tp]
    tps = df[is_tp]
    if len(others) and len(tps):
        m = others[["id", "source_id", "start", "end"]].merge(
            tps[["source_id", "start", "end", "code_id", "code"]], on="source_id", suffixes=("", "_t"))
        m["overlap"] = m[["end", "end_t"]].min(axis=1) - m[["start", "start_t"]].max(axis=1)
        m = m[m.overlap > 0]
        if len(m):
            best = m.sort_values(["id", "overlap"], ascending=[True, False]).drop_duplicates("id")
            tp_id = best.set_index("id").code_id
            tp_name = best.set_index("id").code
            df.loc[~is_tp, "touchpoint_id"] = df.loc[~is_tp, "id"].map(tp_id)
            df.loc[~is_tp, "touchpoint"] = df.loc[~is_tp, "id"].map(tp_name)
    return df[COLUMNS].reset_index(drop=True)


def _mend_brackets(project, df: pd.DataFrame) -> list[str]:
    """Quote text whose span cuts through a ``[Pseudonym 1]`` or ``[laughs]`` is widened to the
    whole bracket (the coding itself is unchanged), so quotes never read ``Driver 1], is lovely``."""
    out = []
    for sid, a, b, text in zip(df.source_id, df.start, df.end, df.text):
        if not isinstance(text, str) or ("]" not in text and "[" not in text):
            out.append(text)
            continue
        close, open_ = text.find("]"), text.find("[")
        last_open, last_close = text.rfind("["), text.rfind("]")
        if (close != -1 and (open_ == -1 or close < open_)) or last_open > last_close:
            src = project.source_text(int(sid))
            a2, b2 = int(a), int(b)
            if close != -1 and (open_ == -1 or close < open_):
                k = src.rfind("[", max(0, a2 - 40), a2)
                if k != -1 and "\n" not in src[k:a2]:
                    a2 = k
            if last_open > last_close:
                k = src.find("]", b2, b2 + 40)
                if k != -1 and "\n" not in src[b2:k]:
                    b2 = k + 1
            text = src[a2:b2]
        out.append(text)
    return out


def interviewed(project) -> pd.DataFrame:
    """Communities in programme order with ``interviewed``: participants with at least one source."""
    comms = project.communities()
    parts = project.participants()
    if len(parts):
        got = parts[parts.interviews > 0].groupby("community").size()
    else:
        got = pd.Series(dtype=int)
    comms["interviewed"] = [int(got.get(k, 0)) for k in comms.key]
    return comms
