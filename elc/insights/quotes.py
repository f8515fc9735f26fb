"""Quotes: the coded words themselves, tidied, and a choice of the strongest few.

A quote is always stored text (already de-identified on import) attributed to the participant's
pseudonymous id and community. "Strongest" is deliberately simple and explainable: a quote that
says something is working well or needs to improve beats a neutral one, one of 8-60 words beats
a fragment or a monologue, and the chosen few are spread across communities and participants
before any one person is quoted twice.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

QUOTE_MIN_WORDS = 8
QUOTE_MAX_WORDS = 60
_IDEAL_WORDS = 25
VALENCED = ("to-improve", "working-well")

_WS = re.compile(r"\s+")
_LABEL = re.compile(r"^\s*(?:\[[\d:.,]+\]\s*)?([A-Za-z][\w .'’/-]{0,30}?)\s*:\s+")


_TURN_BREAK = re.compile(r"\n\s*\n\s*(?:[A-Za-z][\w .'’/-]{0,30}?:\s+)?")
_BROKEN_HEAD = re.compile(r"^[a-z][a-z ]{0,20}\]\s*")
_BROKEN_TAIL = re.compile(r"\s*\[[a-z ]{0,20}$")


def _tidy(text, speaker) -> tuple[str, int]:
    if not isinstance(text, str):
        return "", 0
    out = text.strip()
    if ":" in out[:40]:
        m = _LABEL.match(out)
        if m and (speaker is None or m.group(1).strip().lower() == str(speaker).lower()):
            out = out[m.end():]
    if "\n" in out:
        # later turn labels inside a multi-turn span become a separator
        out = _TURN_BREAK.sub(" / ", out)
    tokens = out.split()
    while tokens and tokens[0] in (".", ",", ";", ":", "-", "–", "…"):
        tokens = tokens[1:]  # a sentence split just before its own full stop
    out = " ".join(tokens)
    if "]" in out or "[" in out:
        # a sentence split inside a stage direction leaves "pause] ..." or "... [" behind
        out = _BROKEN_TAIL.sub("", _BROKEN_HEAD.sub("", out)).strip()
        return out, len(out.split())
    return out, len(tokens)


def tidy(text: str, speaker: str | None = None) -> str:
    """One line of text: whitespace collapsed, a leading speaker label (e.g. ``P07:``) dropped."""
    return _tidy(text, speaker)[0]


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
    pairs = [_tidy(t, p) for t, p in zip(codings["text"], codings["participant_id"])]
    codings["quote"] = [q for q, _ in pairs]
    codings["words"] = np.fromiter((n for _, n in pairs), dtype=np.int64, count=len(pairs))
    return codings


def _score(valence: np.ndarray, words: np.ndarray, prefer: str | None = None) -> np.ndarray:
    valenced = np.isin(valence, VALENCED) * 100.0
    in_range = ((words >= QUOTE_MIN_WORDS) & (words <= QUOTE_MAX_WORDS)) * 10.0
    closeness = 1 - np.minimum(np.abs(words - _IDEAL_WORDS), 100) / 100
    score = valenced + in_range + closeness
    if prefer:
        score = score + (valence == prefer) * 50.0
    return score


def rank_quotes(df: pd.DataFrame, prefer: str | None = None) -> pd.DataFrame:
    """``df`` sorted strongest first (``prefer`` a valence to put first among equals)."""
    if not len(df):
        return df
    order = _order(df, prefer)
    return df.iloc[order]


def _order(df: pd.DataFrame, prefer: str | None, extra: np.ndarray | None = None) -> np.ndarray:
    score = _score(df["valence"].to_numpy(dtype=object), df["words"].to_numpy(dtype=float), prefer)
    if extra is not None:
        score = score + extra
    # strongest first; ties in reading order (source, position)
    return np.lexsort((df["start"].to_numpy(), df["source_id"].to_numpy(), -score))


def pick_quotes(df: pd.DataFrame, k: int = 3, prefer: str | None = None,
                spread: tuple[str, ...] = ("participant_id",), extra: np.ndarray | None = None) -> list[dict]:
    """The ``k`` strongest quotes from a codings frame (with ``quote`` and ``words`` columns).

    Spread first over each column in ``spread`` in turn (e.g. community, then participant):
    a value already quoted is only quoted again once every other value has been. The same words
    (one sentence under two codes) are never quoted twice.
    """
    if not len(df) or k <= 0:
        return []
    keep = df["words"].to_numpy() > 0
    df = df[keep]
    if extra is not None:
        extra = np.asarray(extra, dtype=float)[keep]
    if not len(df):
        return []
    order = _order(df, prefer, extra)
    keys = {col: df[col].to_numpy(dtype=object) for col in spread}
    texts = df["quote"].to_numpy(dtype=object)
    chosen: list[int] = []
    seen: dict[str, set] = {col: set() for col in spread}
    seen_text: set = set()
    # pass 0 needs every spread column unseen, pass 1 only the last one, ... last pass anything
    for level in range(len(spread) + 1):
        cols = spread[level:]
        for i in order:
            if len(chosen) >= k:
                break
            if texts[i] in seen_text:
                continue
            if any(keys[col][i] in seen[col] for col in cols):
                continue
            chosen.append(i)
            seen_text.add(texts[i])
            for col in spread:
                seen[col].add(keys[col][i])
        if len(chosen) >= k:
            break
    return [quote_record(df.iloc[i]) for i in chosen]


_TERM = re.compile(r"[a-z]{3,}")
_STOP = frozenset("""the and for are but not you your yours was were been being have has had with this that those these
they them their there then than what when where which who whom why how all any can could would should will just
from into onto out over under about after again also because before both each few more most other some such only
own same too very don did does doing its it's our ours she her hers him his himself herself itself themselves
one two get got like know yeah well said say says going gone come came make made really think thing things
people time way lot bit there's that's it's i'm i've i'd we're we've they're""".split())


@lru_cache(maxsize=65536)
def _stem(w: str) -> str:
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


@lru_cache(maxsize=65536)
def _terms(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in set(_TERM.findall(str(text or "").lower())) - _STOP)


def relevance(texts: list[str], query: str) -> np.ndarray:
    """How much each text speaks to ``query`` (what a change is about), in [0, 1]: the
    idf-weighted share of the text's content words that are query words (stop words dropped,
    plurals and -ing/-ed folded), weights from how rare a word is among ``texts``."""
    n = len(texts)
    if not n:
        return np.zeros(0)
    want = _terms(query)
    if not want:
        return np.zeros(n)
    bags = [_terms(t if isinstance(t, str) else "") for t in texts]
    df: dict[str, int] = {}
    for bag in bags:
        for w in bag & want:
            df[w] = df.get(w, 0) + 1
    idf = {w: np.log((1 + n) / (1 + d)) + 1.0 for w, d in df.items()}
    top = sum(sorted(idf.values(), reverse=True)[:5]) or 1.0
    return np.array([min(1.0, sum(idf[w] for w in bag & want) / top) if bag else 0.0 for bag in bags])


def overlaps_any(source_ids: np.ndarray, starts: np.ndarray, ends: np.ndarray, spans: pd.DataFrame) -> np.ndarray:
    """For each (source, start, end), whether it overlaps any span of ``spans`` (source_id, start, end)."""
    out = np.zeros(len(source_ids), dtype=bool)
    if not len(source_ids) or spans is None or not len(spans):
        return out
    by_source = {}
    for sid, g in spans.sort_values(["source_id", "start"]).groupby("source_id"):
        by_source[int(sid)] = (g.start.to_numpy(), np.maximum.accumulate(g.end.to_numpy()))
    for sid, idx in pd.Series(range(len(source_ids))).groupby(np.asarray(source_ids)).indices.items():
        got = by_source.get(int(sid))
        if got is None:
            continue
        s_starts, max_end = got
        k = np.searchsorted(s_starts, ends[idx], side="left")
        reach = np.where(k > 0, max_end[np.maximum(k - 1, 0)], -1)
        out[idx] = reach > starts[idx]
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
        "start": int(val("start")) if val("start") is not None else None,
        "end": int(val("end")) if val("end") is not None else None,
    }


def attribution(q: dict, names: dict[str, str] | None = None) -> str:
    """``P07, People who use non-emergency transport`` (the pseudonym and community)."""
    comm = q.get("community") or "no community"
    if names:
        comm = names.get(comm, comm)
    return f"{q.get('participant') or 'unknown participant'}, {comm}"
