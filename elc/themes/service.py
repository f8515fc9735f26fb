"""Themes for a project: build the input from stored segments and codings, fit, apply the
researcher's stored decisions, and keep each run (table + assignments) in the project.

Decisions (rename, merge, split, discard, promote) are stored as JSON in ``theme_decisions``
and re-applied after every re-run, matched to the new themes by keyword overlap.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from elc.errors import ElcError
from elc.store.themes import add_theme_decision, latest_theme_run, store_theme_run, theme_decisions

MIN_WORDS = 4  # "Yeah." and "[laughs]" carry no theme
AUTO_CODED_MIN = 200  # with this many coded passages, themes come from them: less chatter, clearer themes


def resolve_unit(project, unit: str) -> str:
    """``auto`` means coded passages once there are enough of them, else every participant sentence."""
    if unit != "auto":
        return unit
    coded = project.coded_segments()
    return "coded" if coded.segment_id.nunique() >= AUTO_CODED_MIN else "segments"


def theme_input(project, unit: str = "segments", min_words: int = MIN_WORDS) -> pd.DataFrame:
    """Participant sentences (or only coded ones) with their touchpoints and dominant valence."""
    if unit not in ("segments", "coded"):
        raise ElcError(f"unknown unit '{unit}' (expected segments or coded)")
    segs = project.segments(role="participant")
    turns = project.segments(kind="turn", role="participant")
    turn_text = turns.set_index("id").text.map(_without_speaker) if len(turns) else pd.Series(dtype=object)
    coded = project.coded_segments()
    tps = (coded[coded.code_kind == "touchpoint"].groupby("segment_id").code.agg(lambda c: sorted(set(c)))
           if len(coded) else pd.Series(dtype=object))
    order = {"to-improve": 0, "working-well": 1, "neutral": 2}
    val = (coded.assign(r=coded.valence.map(order)).sort_values("r").drop_duplicates("segment_id")
           .set_index("segment_id").valence) if len(coded) else pd.Series(dtype=object)
    frame = pd.DataFrame({
        "segment_id": segs.id, "text": segs.text, "lemmas": segs.lemmas, "community": segs.community,
        "participant_id": segs.participant_id,
        "touchpoints": segs.id.map(tps).map(lambda v: v if isinstance(v, list) else []),
        "valence": segs.id.map(val),
        "context": (segs.parent_id.map(turn_text) if "parent_id" in segs else segs.text).fillna(segs.text),
    })
    if unit == "coded":
        frame = frame[frame.segment_id.isin(coded.segment_id)]
    frame = frame[frame.text.str.split().str.len() >= min_words]
    if frame.empty:
        raise ElcError(f"{project.location}: no participant segments to find themes in"
                       + (" (nothing is coded yet; try --unit segments)" if unit == "coded" else ""))
    return frame.reset_index(drop=True)


def _without_speaker(text) -> str:
    """A turn's text without its leading speaker label ("C01: ...")."""
    head, sep, rest = str(text).partition(": ")
    return rest if sep and len(head) <= 40 and "\n" not in head else str(text)


def guide_seeds(project) -> list[list[str]]:
    """Seed topics from the guide: each touchpoint's keywords (guided topic modelling)."""
    codes = project.codes()
    return [list(k) for k in codes[codes.kind == "touchpoint"].keywords if len(k)]


def decisions(project) -> list[dict]:
    return theme_decisions(project)


def run_themes(project, unit: str = "auto", guided: bool = False, nr_topics=None, random_state: int = 42,
               embedder=None):
    """Fit themes, apply stored decisions, store the run; returns the fitted (decided) model."""
    from elc.themes import ThemeModel, apply_decisions

    unit = resolve_unit(project, unit)
    frame = theme_input(project, unit)
    kwargs = {"embedder": embedder} if embedder else {}
    model = ThemeModel(seed_topics=guide_seeds(project) if guided else None, nr_topics=nr_topics,
                       random_state=random_state, **kwargs).fit(frame)
    stored = decisions(project)
    result = apply_decisions(model, stored) if stored else model
    result.unit_ = unit
    params = {"unit": unit, "guided": guided, "nr_topics": nr_topics, "random_state": random_state,
              "segments": len(frame), "decisions": len(stored), "refit": True,
              "embedder": model.info_.get("embedder"), "fine_themes": model.info_.get("fine_themes"),
              "fitted": _by_segment(model.segments_["segment_id"], model._fitted_assignments),
              "fine": _by_segment(model.segments_["segment_id"], model.fine_assignments_)}
    _store_run(project, result, params)
    return result


def _by_segment(ids, values) -> dict[str, int]:
    return {str(k): int(v) for k, v in zip(ids, values)}


def _store_run(project, result, params: dict) -> None:
    from elc.themes import themes_table

    store_theme_run(project, result.method_, params, themes_table(result), dict(result.assignments_.items()))


#: Embedders a stored run can name (its ``info_["embedder"]``); re-applying decisions uses the same.
_NAMED_EMBEDDERS = ("hybrid", "hybrid:minilm", "hybrid:minilm-static", "minilm", "minilm-static", "tfidf-svd")


def apply_stored_decisions(project):
    """Re-apply every stored decision to the latest run's fitted themes, without refitting.

    The themes the model found are kept (stored with the run); only keywords, labels, profiles
    and quotes are recomputed, from cached embeddings. Returns the decided model.
    """
    from elc.themes import ThemeModel, apply_decisions

    run = latest_run(project)
    if run is None:
        raise ElcError(f"{project.location}: no themes yet; run 'elc themes {project.location}' first")
    params = dict(run["params"])
    if "fitted" not in params:
        raise ElcError(f"{project.location}: the latest theme run predates stored fits; run "
                       f"'elc themes {project.location}' once to refit")
    fitted = {_segment_key(k): int(v) for k, v in params["fitted"].items()}
    frame = theme_input(project, params.get("unit", "segments"))
    frame = frame[frame.segment_id.isin(fitted)]
    if len(frame) < len(fitted):
        raise ElcError(f"{project.location}: {len(fitted) - len(frame)} segment(s) of the latest theme run have "
                       f"changed or gone; run 'elc themes {project.location}' to refit")
    fine = {_segment_key(k): int(v) for k, v in params.get("fine", params["fitted"]).items()}
    embedder = params.get("embedder") or "auto"
    model = ThemeModel.from_assignments(frame, fitted, method=run["method"], fine=fine,
                                        embedder=embedder if embedder in _NAMED_EMBEDDERS else "auto",
                                        random_state=params.get("random_state", 42))
    stored = decisions(project)
    result = apply_decisions(model, stored) if stored else model
    result.unit_ = params.get("unit")
    params.update(decisions=len(stored), refit=False)
    _store_run(project, result, params)
    return result


def _segment_key(k: str):
    return int(k) if str(k).lstrip("-").isdigit() else k


def _relabel_latest(project, theme_id: int, label: str) -> None:
    """A rename changes one label: the latest run is stored again with it, order unchanged."""
    run = latest_run(project)
    if run is None:
        raise ElcError(f"{project.location}: no themes yet; run 'elc themes {project.location}' first")
    table = run["table"].copy()
    table.loc[table.theme_id == theme_id, "label"] = label
    params = dict(run["params"], decisions=int(run["params"].get("decisions", 0)) + 1, refit=False)
    store_theme_run(project, run["method"], params, table, run["assignments"])


def latest_run(project) -> dict | None:
    """The newest stored run (id, ts, method, params, table, assignments), or None."""
    return latest_theme_run(project)


def _keywords(run: dict, theme_id: int) -> list[str]:
    rows = run["table"][run["table"].theme_id == theme_id]
    if rows.empty or theme_id < 0:
        raise ElcError(f"there is no theme {theme_id} in the latest run (themes: "
                       f"{sorted(set(run['table'].theme_id) - {-1})})")
    return [k.strip() for k in str(rows.iloc[0].keywords).split(",") if k.strip()]


def add_decision(project, coder: str, action: str, themes: list[int], label: str | None = None, k: int = 2,
                 apply: bool = True) -> dict:
    """Record a researcher's decision about the latest run's themes; applies on every re-run.

    With ``apply`` (default) it also applies now to the stored run, without refitting: a rename
    relabels the theme in place; other decisions re-profile the stored themes
    (:func:`apply_stored_decisions`)."""
    from elc.themes import validate_decision

    run = latest_run(project)
    if run is None:
        raise ElcError(f"{project.location}: no themes yet; run 'elc themes {project.location}' first")
    decision: dict[str, Any]
    if action == "merge":
        decision = {"action": "merge", "themes": themes, "keywords": [_keywords(run, t) for t in themes],
                    "label": label}
    else:
        decision = {"action": action, "theme": themes[0], "keywords": _keywords(run, themes[0])}
        if action == "rename":
            decision["label"] = label
        elif action == "split":
            decision["k"] = k
        elif action == "promote":
            decision["name"] = label
    validate_decision(decision)
    if action == "promote":
        from elc.coding import Codebook

        rows = run["table"][run["table"].theme_id == themes[0]]
        name = label or str(rows.iloc[0].label)
        quotes = [q for q in rows.quote.dropna().tolist() if q][:3]
        definition = (f"Theme found in the interviews (keywords: {', '.join(decision['keywords'][:8])})."
                      + (" Examples: " + " | ".join(quotes) if quotes else ""))
        decision["code_id"] = Codebook(project, coder).add(name, "theme", definition,
                                                          keywords=tuple(decision["keywords"][:8]))
    add_theme_decision(project, coder, decision)
    if apply:
        if action == "rename":
            _relabel_latest(project, themes[0], str(label))
        elif action != "promote" and "fitted" in run["params"]:
            apply_stored_decisions(project)
    return decision
