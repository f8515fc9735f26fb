"""Quotes: the coded words themselves, tidied, and a choice of the strongest few.

A quote is always stored text (already de-identified on import) attributed to the participant's
pseudonymous id and community. "Strongest" is deliberately simple and explainable: a quote that
says something is working well or needs to improve beats a neutral one, one of 8-60 words beats
a fragment or a monologue, and the chosen few are spread across communities and participants
before any one person is quoted twice.
"""

from __future__ import annotations

import re

import pandas as pd

QUOTE_MIN_WORDS = 8
QUOTE_MAX_WORDS = 60
_IDEAL_WORDS = 25
VALENCED = ("to-improve", "working-well")

_WS = re.compile(r"\s+")
_LABEL = re.compile(r"^\s*(?:\[[\d:.,]+\]\s*)?([A-Za-z][\w .'’/-]{0,30}?)\s*:\s+")


def tidy(text: str, speaker: str | None = None) -> str:
    """One line of text: whitespace collapsed, a leading speaker label (e.g. ``P07:``) dropped."""
    if not isinstance(text, str):
        return ""
    out = text.strip()
    m = _LABEL.match(out)
    if m and (speaker is None or m.group(1).strip().lower() == str(speaker).lower()):
        out = out[m.end():]
    # later turn labels inside a multi-turn span become a separator
    out = re.sub(r"\n\s*\n\s*(?:[A-Za-z][\w .'’/-]{0,30}?:\s+)?", " / ", out)
    out = _WS.sub(" ", out).strip()
    # a sentence split inside a stage direction leaves "pause] ..." or "... [" behind
    out = re.sub(r"^[a-z][a-z ]{0,20}\]\s*", "", out)
    out = re.sub(r"\s*\[[a-z ]{0,20}$", "", out)
    return out.strip()


def word_count(text: str) -> int:
    return len(text.split()) if isinstance(text, str) else 0


def clip(text: str, max_words: int = QUOTE_MAX_WORDS) -> str:
    """At most ``max_words`` words, ending with an ellipsis when cut."""
    words = text.split()
    if len(words) <= max_words:
        return text
    return " ".join(words[:max_words]).rstrip(",;:") + " …"


def add_quote_columns(codings: pd.DataFrame) -> pd.DataFrame:
    """Add ``quote`` (tidied text) and ``words`` to a codings frame (in place; returned)."""
    if not len(codings):
        codings["quote"] = pd.Series(dtype=str)
        codings["words"] = pd.Series(dtype=int)
        return codings
    codings["quote"] = [tidy(t, p) for t, p in zip(codings["text"], codings["participant_id"])]
    codings["words"] = codings["quote"].str.split().str.len().fillna(0).astype(int)
    return codings


def _score(valence: pd.Series, words: pd.Series) -> pd.Series:
    valenced = valence.isin(VALENCED).astype(int) * 100
    in_range = ((words >= QUOTE_MIN_WORDS) & (words <= QUOTE_MAX_WORDS)).astype(int) * 10
    closeness = 1 - (words - _IDEAL_WORDS).abs().clip(upper=100) / 100
    return valenced + in_range + closeness


def rank_quotes(df: pd.DataFrame, prefer: str | None = None) -> pd.DataFrame:
    """``df`` sorted strongest first (``prefer`` a valence to put first among equals)."""
    if not len(df):
        return df
    score = _score(df["valence"], df["words"])
    if prefer:
        score = score + (df["valence"] == prefer).astype(int) * 50
    return df.assign(_score=score).sort_values(["_score", "source_id", "start"],
                                               ascending=[False, True, True], kind="stable")


def pick_quotes(df: pd.DataFrame, k: int = 3, prefer: str | None = None,
                spread: tuple[str, ...] = ("participant_id",)) -> list[dict]:
    """The ``k`` strongest quotes from a codings frame (with ``quote`` and ``words`` columns).

    Spread first over each column in ``spread`` in turn (e.g. community, then participant):
    a value already quoted is only quoted again once every other value has been.
    """
    if not len(df) or k <= 0:
        return []
    ranked = rank_quotes(df[df["words"] > 0], prefer)
    if not len(ranked):
        return []
    chosen: list[int] = []
    seen: dict[str, set] = {col: set() for col in spread}
    rows = list(ranked.itertuples(index=True))
    # pass 0 needs every spread column unseen, pass 1 only the last one, ... last pass anything
    for level in range(len(spread) + 1):
        cols = spread[level:]
        for r in rows:
            if len(chosen) >= k:
                break
            if r.Index in chosen:
                continue
            if any(getattr(r, col) in seen[col] for col in cols):
                continue
            chosen.append(r.Index)
            for col in spread:
                seen[col].add(getattr(r, col))
        if len(chosen) >= k:
            break
    out = []
    for idx in chosen:
        r = ranked.loc[idx]
        out.append(quote_record(r))
    return out


def quote_record(r: pd.Series) -> dict:
    """A quote as a plain dict from one row of a codings frame."""
    def val(key):
        v = r.get(key)
        return None if v is None or (not isinstance(v, (list, dict, str)) and pd.isna(v)) else v

    return {
        "participant": val("participant_id"), "community": val("community"),
        "code": val("code"), "valence": val("valence"), "touchpoint": val("touchpoint"),
        "text": clip(val("quote") or ""), "words": int(val("words") or 0),
        "coding_id": int(val("id")) if val("id") is not None else None,
        "source_id": int(val("source_id")) if val("source_id") is not None else None,
    }


def attribution(q: dict, names: dict[str, str] | None = None) -> str:
    """``P07, People who use non-emergency transport`` (the pseudonym and community)."""
    comm = q.get("community") or "no community"
    if names:
        comm = names.get(comm, comm)
    return f"{q.get('participant') or 'unknown participant'}, {comm}"
