"""Theme profiles: what each theme is, who raised it, where in the journey, with what valence.

Evidence is counted in *participants*, not segments: one talkative patient with twenty
segments about taxis is one voice. Each theme gets its share of every community's segments and
the number of distinct participants per community who raised it, the touchpoints and valence
of its coded segments, and representative quotes (nearest to the theme's centroid, preferring
8-60 words, at most one per participant while others are available).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from elc.themes.text import label_from_keywords

VALENCES = ("working-well", "to-improve", "neutral")
UNCODED = "uncoded"
OUTLIER = -1
OUTLIER_LABEL = "Unassigned segments"
QUOTE_MIN_WORDS, QUOTE_MAX_WORDS = 8, 60


def normalise_valence(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return UNCODED
    v = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    aliases = {"positive": "working-well", "good": "working-well", "negative": "to-improve", "improve": "to-improve"}
    v = aliases.get(v, v)
    return v if v in VALENCES else UNCODED


def normalise_touchpoints(value) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    try:
        return [str(v).strip() for v in value if v is not None and str(v).strip() and str(v) != "nan"]
    except TypeError:
        return [str(value)]


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def pick_quotes(rows: np.ndarray, frame: pd.DataFrame, embeddings: np.ndarray, n: int = 5) -> list[int]:
    """Row positions of up to ``n`` representative quotes among ``rows``.

    Ranked by cosine similarity to the rows' centroid, 8-60-word segments first, duplicates
    (same normalised text) skipped, and a second quote from the same participant only when no
    other participant is left.
    """
    if len(rows) == 0 or n <= 0:
        return []
    emb = embeddings[rows]
    centroid = _unit(emb.mean(axis=0))
    norms = np.linalg.norm(emb, axis=1)
    sims = (emb @ centroid) / np.where(norms > 0, norms, 1.0)
    words = frame["n_words"].to_numpy()[rows]
    in_range = (words >= QUOTE_MIN_WORDS) & (words <= QUOTE_MAX_WORDS)
    distance = np.where(in_range, 0, np.minimum(abs(words - QUOTE_MIN_WORDS), abs(words - QUOTE_MAX_WORDS)))
    order = np.lexsort((rows, -np.round(sims, 6), distance > 0))
    texts = frame["text"].to_numpy()
    people = frame["participant_id"].to_numpy()
    chosen: list[int] = []
    seen_text: set[str] = set()
    seen_people: set = set()
    for strict in (True, False):
        for j in order:
            r = int(rows[j])
            key = " ".join(str(texts[r]).lower().split())
            if r in chosen or key in seen_text or not key:
                continue
            person = people[r]
            if strict and person is not None and person == person and person in seen_people:
                continue
            chosen.append(r)
            seen_text.add(key)
            seen_people.add(person)
            if len(chosen) >= n:
                return chosen
    return chosen


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


CONTEXT_MAX_WORDS = 80


def _context(turn, sentence) -> str:
    """The participant's turn around a quoted sentence, cut to about 80 words around it
    (empty when the turn is the sentence itself)."""
    turn, sentence = " ".join(str(turn or "").split()), " ".join(str(sentence or "").split())
    if not turn or turn == sentence:
        return ""
    words = turn.split()
    if len(words) <= CONTEXT_MAX_WORDS:
        return turn
    at = turn.find(sentence)
    start = len(turn[:at].split()) if at >= 0 else 0
    lo = max(0, start - (CONTEXT_MAX_WORDS - len(sentence.split())) // 2)
    hi = min(len(words), lo + CONTEXT_MAX_WORDS)
    lo = max(0, hi - CONTEXT_MAX_WORDS)
    return ("… " if lo else "") + " ".join(words[lo:hi]) + (" …" if hi < len(words) else "")


def _theme_label(t: int, labels: Mapping[int, str], phrases: Mapping[int, Sequence[str]], kw: list[str]) -> str:
    """The researcher's label, else the best phrase, else one made from the keywords."""
    if t == OUTLIER:
        return labels.get(t, OUTLIER_LABEL)
    return labels.get(t) or (_sentence_case(phrases[t][0]) if phrases.get(t) else label_from_keywords(kw))


def _community_row(t: int, label: str, c, seg_n: int, share: float, ppl: int, community_segments: int,
                   community_participants: int, c_tp: Counter, c_val: Counter, keywords: list[str],
                   frame: pd.DataFrame, context: np.ndarray, c_quote) -> dict:
    """One row of the per-community table: theme ``t`` within community ``c``."""
    return {
        "theme_id": t,
        "label": label,
        "community": c,
        "segments": seg_n,
        "community_segments": community_segments,
        "share": share,
        "participants": ppl,
        "community_participants": community_participants,
        "participant_share": ppl / community_participants if community_participants else 0.0,
        "working_well": int(c_val.get("working-well", 0)),
        "to_improve": int(c_val.get("to-improve", 0)),
        "neutral": int(c_val.get("neutral", 0)),
        "uncoded": int(c_val.get(UNCODED, 0)),
        "touchpoints": dict(c_tp.most_common()),
        "keywords": keywords,
        "quote": str(frame["text"].iat[c_quote[0]]) if c_quote else "",
        "quote_context": _context(context[c_quote[0]], frame["text"].iat[c_quote[0]]) if c_quote else "",
        "quote_segment_id": frame["segment_id"].iat[c_quote[0]] if c_quote else None,
    }


def _quote_fields(quotes, frame: pd.DataFrame, context: np.ndarray) -> dict:
    """A theme's quotes, their segment ids and their surrounding context."""
    return {
        "quotes": [str(frame["text"].iat[r]) for r in quotes],
        "quote_segment_ids": [frame["segment_id"].iat[r] for r in quotes],
        "quote_contexts": [_context(context[r], frame["text"].iat[r]) for r in quotes],
        "quote_sources": [_source(frame, r) for r in quotes],
    }


def _source(frame: pd.DataFrame, row: int) -> str:
    """Who said a quote: the participant's pseudonymous id and community ("C02, carers")."""
    who, community = frame["participant_id"].iat[row], frame["community"].iat[row]
    return ", ".join(str(x) for x in (who, community) if x is not None and str(x) not in ("", "nan", "(all)"))


def build_profiles(
    frame: pd.DataFrame,
    assignments: np.ndarray,
    embeddings: np.ndarray,
    keywords: Mapping[int, Sequence[tuple[str, float]]],
    labels: Mapping[int, str] | None = None,
    class_keywords: Mapping[tuple[int, str], Sequence[str]] | None = None,
    n_quotes: int = 5,
    phrases: Mapping[int, Sequence[str]] | None = None,
    subthemes: Mapping[int, Sequence[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(themes, per_community)`` DataFrames for the given assignments.

    ``frame`` is the prepared segments frame (``segment_id``, ``text``, ``community``,
    ``participant_id``, ``touchpoints`` lists, ``valence``, ``n_words``), row-aligned with
    ``assignments`` and ``embeddings``.
    """
    labels = dict(labels or {})
    class_keywords = class_keywords or {}
    phrases = phrases or {}
    subthemes = subthemes or {}
    context = (frame["context"].to_numpy(dtype=object) if "context" in frame.columns
               else frame["text"].to_numpy(dtype=object))
    assignments = np.asarray(assignments, dtype=int)
    communities = sorted(frame["community"].unique().tolist(), key=str)
    comm = frame["community"].to_numpy(dtype=object)
    people = frame["participant_id"].to_numpy(dtype=object)
    valence = np.array([normalise_valence(v) for v in frame["valence"]], dtype=object)
    touch = frame["touchpoints"].to_numpy(dtype=object)
    n_total = len(frame)

    comm_segments = {c: int((comm == c).sum()) for c in communities}
    comm_people = {c: int(pd.Series(people[comm == c]).dropna().nunique()) for c in communities}

    theme_ids = sorted(set(assignments.tolist()))
    theme_rows, comm_rows = [], []
    for t in theme_ids:
        rows = np.flatnonzero(assignments == t)
        kw = [w for w, _ in keywords.get(t, [])]
        label = _theme_label(t, labels, phrases, kw)
        quotes = pick_quotes(rows, frame, embeddings, n_quotes) if t != OUTLIER else []
        tp = Counter(name for r in rows for name in touch[r])
        val = Counter(valence[rows].tolist())
        by_comm, share_comm, people_comm = {}, {}, {}
        for c in communities:
            mask = comm[rows] == c
            seg_n = int(mask.sum())
            ppl = int(pd.Series(people[rows][mask]).dropna().nunique())
            by_comm[c] = seg_n
            share_comm[c] = seg_n / comm_segments[c] if comm_segments[c] else 0.0
            people_comm[c] = ppl
            c_rows = rows[mask]
            c_quote = pick_quotes(c_rows, frame, embeddings, 1) if (t != OUTLIER and seg_n) else []
            comm_rows.append(_community_row(
                t, label, c, seg_n, share_comm[c], ppl, comm_segments[c], comm_people[c],
                Counter(name for r in c_rows for name in touch[r]), Counter(valence[c_rows].tolist()),
                list(class_keywords.get((t, c), [])), frame, context, c_quote))
        theme_rows.append({
            "theme_id": t,
            "label": label,
            "keywords": kw,
            "size": int(len(rows)),
            "share": len(rows) / n_total if n_total else 0.0,
            "participants": int(pd.Series(people[rows]).dropna().nunique()),
            "communities": by_comm,
            "community_share": share_comm,
            "community_participants": people_comm,
            "touchpoints": dict(tp.most_common()),
            "valence": {v: int(val.get(v, 0)) for v in (*VALENCES, UNCODED)},
            **_quote_fields(quotes, frame, context),
            "custom_label": t in labels and t != OUTLIER,
            "is_outlier": t == OUTLIER,
            "phrases": list(phrases.get(t, [])),
            "subthemes": list(subthemes.get(t, [])),
        })
    themes = pd.DataFrame(theme_rows, columns=[
        "theme_id", "label", "keywords", "size", "share", "participants", "communities", "community_share",
        "community_participants", "touchpoints", "valence", "quotes", "quote_segment_ids", "custom_label",
        "is_outlier", "phrases", "subthemes", "quote_contexts", "quote_sources"])
    if len(themes):
        themes = themes.sort_values(["is_outlier", "size", "theme_id"], ascending=[True, False, True])
    themes = themes.reset_index(drop=True)
    per_comm = pd.DataFrame(comm_rows, columns=[
        "theme_id", "label", "community", "segments", "community_segments", "share", "participants",
        "community_participants", "participant_share", "working_well", "to_improve", "neutral", "uncoded",
        "touchpoints", "keywords", "quote", "quote_segment_id", "quote_context"])
    per_comm["quote_segment_id"] = pd.Series([r["quote_segment_id"] for r in comm_rows], dtype=object)
    from elc.themes.distinct import add_distinctiveness

    per_comm = add_distinctiveness(per_comm, OUTLIER)
    return themes, _in_theme_order(per_comm, themes)


def _in_theme_order(per_comm: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    """The per-community rows in the themes' order, then by community."""
    if len(per_comm):
        order = {t: i for i, t in enumerate(themes["theme_id"])}
        per_comm = per_comm.assign(_o=per_comm["theme_id"].map(order)).sort_values(["_o", "community"],
                                                                                   key=None).drop(columns="_o")
    return per_comm.reset_index(drop=True)
