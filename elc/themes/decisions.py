"""Researcher control over themes, as a list of plain, JSON-serialisable decisions.

A decision is a dict the store can persist as JSON::

    {"action": "rename",  "theme": 3, "keywords": [...], "label": "Early pick-ups"}
    {"action": "merge",   "themes": [3, 5], "keywords": [[...], [...]], "label": None}
    {"action": "split",   "theme": 2, "keywords": [...], "k": 2}
    {"action": "discard", "theme": 7, "keywords": [...]}
    {"action": "promote", "theme": 4, "keywords": [...], "name": None}

The constructors (:func:`rename_theme`, :func:`merge_themes`, ...) record the keywords the
theme had when the researcher decided, because theme ids are not stable across runs: a re-run
after importing more interviews numbers themes afresh. :func:`apply_decisions` replays the list
on a fitted model in order and finds each referenced theme by keywords: the theme whose top
keywords overlap most with the recorded ones (Jaccard overlap of their words, at least
``min_jaccard``; the recorded id wins ties, so within one run ids simply hold). A decision
whose theme cannot be found is reported as ``"unmatched"`` and skipped, never guessed.

Ids after decisions are stable within a run: a merge keeps the smallest id, a split keeps the
id for its largest part and numbers the others after the highest id used so far (an id is
never reused), a discard sends the
theme's segments to -1 (unassigned). Decisions are applied to a copy; the fitted model is left
as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from elc.themes._errors import ThemesError
from elc.themes.keywords import theme_keywords
from elc.themes.profile import OUTLIER
from elc.themes.text import jaccard

ACTIONS = ("rename", "merge", "split", "discard", "promote")
DEFAULT_MIN_JACCARD = 0.25

__all__ = [
    "ACTIONS", "rename_theme", "merge_themes", "split_theme", "discard_theme", "promote_theme",
    "promote_to_code", "apply_decisions", "validate_decision",
]


# ---------------------------------------------------------------- constructors
def _keywords_of(model, theme_id: int) -> list[str]:
    model._check_fitted()
    theme_id = int(theme_id)
    if theme_id == OUTLIER:
        raise ThemesError("Theme -1 holds the unassigned segments; it cannot be renamed, merged, split or promoted.")
    rows = model.themes_[model.themes_["theme_id"] == theme_id]
    if rows.empty:
        raise ThemesError(f"There is no theme {theme_id}; themes are {sorted(model.themes_['theme_id'])}.")
    return [str(k) for k in rows.iloc[0]["keywords"]]


def rename_theme(model, theme_id: int, label: str) -> dict:
    """A decision to give theme ``theme_id`` the name ``label``."""
    label = str(label).strip()
    if not label:
        raise ThemesError("A theme's new name cannot be empty.")
    return {"action": "rename", "theme": int(theme_id), "keywords": _keywords_of(model, theme_id), "label": label}


def merge_themes(model, theme_ids: Sequence[int], label: str | None = None) -> dict:
    """A decision to merge two or more themes into one (optionally naming it)."""
    ids = list(dict.fromkeys(int(t) for t in theme_ids))
    if len(ids) < 2:
        raise ThemesError("Merging needs at least two different themes.")
    return {"action": "merge", "themes": ids, "keywords": [_keywords_of(model, t) for t in ids],
            "label": (str(label).strip() or None) if label else None}


def split_theme(model, theme_id: int, k: int = 2) -> dict:
    """A decision to re-cluster one theme into ``k`` themes."""
    if int(k) < 2:
        raise ThemesError("Splitting a theme needs k of at least 2.")
    return {"action": "split", "theme": int(theme_id), "keywords": _keywords_of(model, theme_id), "k": int(k)}


def discard_theme(model, theme_id: int) -> dict:
    """A decision to drop a theme; its segments become unassigned (-1)."""
    return {"action": "discard", "theme": int(theme_id), "keywords": _keywords_of(model, theme_id)}


def promote_theme(model, theme_id: int, name: str | None = None) -> dict:
    """A decision to turn a theme into a code of the codebook (see :func:`promote_to_code`)."""
    return {"action": "promote", "theme": int(theme_id), "keywords": _keywords_of(model, theme_id),
            "name": (str(name).strip() or None) if name else None}


def validate_decision(decision: dict) -> dict:
    """Check a decision's shape (e.g. after loading JSON); returns it or raises ThemesError."""
    if not isinstance(decision, dict) or decision.get("action") not in ACTIONS:
        raise ThemesError(f"Not a theme decision: {decision!r} (action must be one of {', '.join(ACTIONS)}).")
    action = decision["action"]
    if action == "merge":
        themes = decision.get("themes")
        if not isinstance(themes, (list, tuple)) or len(themes) < 2:
            raise ThemesError(f"A merge decision needs a list of at least two themes: {decision!r}")
    elif "theme" not in decision:
        raise ThemesError(f"A {action} decision needs a 'theme': {decision!r}")
    if action == "rename" and not str(decision.get("label") or "").strip():
        raise ThemesError(f"A rename decision needs a 'label': {decision!r}")
    if action == "split" and int(decision.get("k", 2)) < 2:
        raise ThemesError(f"A split decision needs k >= 2: {decision!r}")
    return decision


# ---------------------------------------------------------------- promote
def promote_to_code(model, theme_id: int, name: str | None = None, n_examples: int = 3) -> dict:
    """The code definition to create from a theme: name, definition from keywords, example quotes.

    The dict matches the codebook's fields (``name``, ``kind``, ``definition``, ``keywords``)
    plus ``examples`` (de-identified quotes) and where it came from.
    """
    theme = model.theme(theme_id)
    if theme["is_outlier"]:
        raise ThemesError("The unassigned segments (-1) cannot become a code.")
    keywords = [str(k) for k in theme["keywords"]]
    label = str(name or theme["label"]).strip()
    title = label[:1].upper() + label[1:] if label else f"Theme {theme_id}"
    comms = [c for c, n in theme["community_participants"].items() if n]
    definition = (
        f"Segments about {', '.join(keywords[:6]) or 'this theme'}. Found by elc themes ({model.method_}): "
        f"{theme['size']} segments from {theme['participants']} participants"
        + (f" ({', '.join(map(str, comms))})" if comms else "") + "."
    )
    return {
        "name": title,
        "kind": "theme",
        "definition": definition,
        "keywords": keywords,
        "examples": list(theme["quotes"][:n_examples]),
        "example_segment_ids": list(theme["quote_segment_ids"][:n_examples]),
        "source_theme": int(theme_id),
    }


# ---------------------------------------------------------------- replay
def _resolve(ref_id, ref_keywords, current: dict[int, list[str]], min_jaccard: float) -> tuple[int | None, float]:
    """Theme id in ``current`` (id -> keywords) that the reference means, and the overlap.

    The theme whose keywords overlap most with the recorded ones (Jaccard of their words),
    if at least ``min_jaccard``; the recorded id wins ties. Without recorded keywords, the id.
    """
    candidates = {t: kw for t, kw in current.items() if t != OUTLIER}
    ref = int(ref_id) if ref_id is not None else None
    if not ref_keywords:
        return (ref, 1.0) if ref in candidates else (None, 0.0)
    scores = {t: jaccard(ref_keywords, kw) for t, kw in candidates.items()}
    if not scores:
        return None, 0.0
    best = max(scores.values())
    if best < min_jaccard:
        return None, best
    if ref in scores and scores[ref] >= best - 1e-12:
        return ref, best
    return min(t for t, v in scores.items() if v >= best - 1e-12), best


def _split_rows(embeddings: np.ndarray, rows: np.ndarray, k: int, random_state: int) -> list[np.ndarray]:
    from sklearn.cluster import KMeans

    X = embeddings[rows].astype(np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X = X / np.where(norms > 0, norms, 1.0)
    labels = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(X)
    parts = [rows[labels == j] for j in range(k)]
    parts = [p for p in parts if len(p)]
    return sorted(parts, key=lambda p: (-len(p), int(p[0])))


def _promote(result, promotions: list[tuple[int, str | None, dict]]) -> list[dict]:
    """Code definitions for the promoted themes that still exist; the others' log entries say why not."""
    codes = []
    for tid, name, entry in promotions:
        if tid in set(result.themes_["theme_id"]):
            code = promote_to_code(result, tid, name=name)
            codes.append(code)
            entry["code"] = code["name"]
        else:  # merged away or discarded by a later decision
            entry.update(status="skipped", reason="the theme no longer exists after later decisions")
    return codes


def apply_decisions(model, decisions: Sequence[dict], min_jaccard: float = DEFAULT_MIN_JACCARD):
    """Replay ``decisions`` on a fitted :class:`~elc.themes.model.ThemeModel`; returns a new one.

    The result has the same attributes as a fitted model (``themes_``, ``assignments_``,
    ``per_community_``...), plus ``decisions_`` (each decision with ``status``:
    "applied" / "unmatched" / "skipped", ``resolved`` ids and ``match`` overlap) and
    ``codes_`` (code definitions from "promote" decisions).
    """
    model._check_fitted()
    result = copy.copy(model)
    # Decisions always replay from the model as fitted, never on top of earlier decisions.
    base = np.asarray(model._fitted_assignments).copy()
    assignments = base.copy()
    labels: dict[int, str] = {}
    X, words, seeds = model.doc_term_, model.vocabulary_, model.seed_words_

    def current_keywords() -> dict[int, list[str]]:
        return {t: [w for w, _ in kw] for t, kw in theme_keywords(X, assignments, words, model.top_n_words,
                                                                   seed_words=seeds).items()}

    current = current_keywords()
    highest = int(max(base.max(), 0))  # new ids never reuse one that existed in this replay
    log: list[dict] = []
    promotions: list[tuple[int, str | None, dict]] = []
    changed = False
    for raw in decisions:
        d = validate_decision(dict(raw))
        entry = dict(d)
        action = d["action"]
        if action == "merge":
            kws = d.get("keywords") or [None] * len(d["themes"])
            resolved = [_resolve(t, kw, current, min_jaccard) for t, kw in zip(d["themes"], kws)]
            ids = [r[0] for r in resolved]
            entry["match"] = [round(r[1], 3) for r in resolved]
            ids_ok = [t for t in dict.fromkeys(ids) if t is not None]
            if None in ids or len(ids_ok) < 2:
                entry.update(status="unmatched", resolved=ids)
                log.append(entry)
                continue
            target = min(ids_ok)
            for t in ids_ok:
                assignments[assignments == t] = target
                if t != target:
                    labels.pop(t, None)
            if d.get("label"):
                labels[target] = str(d["label"])
            entry.update(status="applied", resolved=ids_ok, result=target)
            changed = True
        else:
            tid, score = _resolve(d.get("theme"), d.get("keywords"), current, min_jaccard)
            entry["match"] = round(score, 3)
            entry["resolved"] = tid
            if tid is None:
                entry["status"] = "unmatched"
                log.append(entry)
                continue
            if action == "rename":
                labels[tid] = str(d["label"]).strip()
                entry["status"] = "applied"
            elif action == "discard":
                assignments[assignments == tid] = OUTLIER
                labels.pop(tid, None)
                entry["status"] = "applied"
                changed = True
            elif action == "split":
                k = int(d.get("k", 2))
                rows = np.flatnonzero(assignments == tid)
                usable = model.segments_["usable"].to_numpy()[rows]
                rows = rows[usable]
                if len(rows) < 2 * k:
                    entry.update(status="skipped", reason=f"theme has {len(rows)} segments, too few to split in {k}")
                    log.append(entry)
                    continue
                parts = _split_rows(model.embeddings_, rows, k, model.random_state)
                if len(parts) < 2:
                    entry.update(status="skipped", reason="the theme's segments are identical")
                    log.append(entry)
                    continue
                new_ids = [tid]
                for p in parts[1:]:
                    highest += 1
                    assignments[p] = highest
                    new_ids.append(highest)
                labels.pop(tid, None)
                entry.update(status="applied", result=new_ids)
                changed = True
            elif action == "promote":
                promotions.append((tid, d.get("name"), entry))
                entry["status"] = "applied"
        log.append(entry)
        if changed:
            current = current_keywords()
            changed = False

    result.labels_ = labels
    result.decisions_ = log
    if np.array_equal(assignments, base):
        view, view_ids = model._fitted_view
        view = copy.copy(view)  # labels and representations are re-assigned, not mutated
    else:
        view, view_ids = _manual_view(model, assignments)
    result._set_assignments(assignments, view=view, view_ids=view_ids)
    result.codes_ = _promote(result, promotions)
    n = result.themes_["theme_id"]
    result.info_ = dict(model.info_, n_themes=int((n != OUTLIER).sum()),
                        outliers=int((assignments == OUTLIER).sum()), decisions=len(log))
    return result


def _manual_view(model, assignments: np.ndarray):
    """A BERTopic fitted on the given theme assignments (no re-clustering), for figures and
    ``topics_per_class``; returns it and the theme id -> BERTopic topic id map."""
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction

    from elc.themes.model import _quiet_bertopic, make_ctfidf, make_vectorizer

    usable = model.segments_["usable"].to_numpy()
    docs = model.segments_.loc[usable, "doc"].tolist()
    y = np.asarray(assignments)[usable]
    view = BERTopic(
        embedding_model=None,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=make_vectorizer(len(docs)),
        ctfidf_model=make_ctfidf(),
        top_n_words=model.top_n_words,
        verbose=model.verbose,
    )
    with _quiet_bertopic(model.verbose):
        view.fit(docs, embeddings=model.embeddings_[usable], y=y.tolist())
    view_ids: dict[int, int] = {}
    for ours, bt in zip(y.tolist(), view.topics_):
        view_ids.setdefault(int(ours), int(bt))
    return view, view_ids
