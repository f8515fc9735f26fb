"""De-identifying afterwards: sources imported with ``--no-deidentify`` get the project's
detector (names, allow-list, place policy) and their identifiers replaced, one transaction per
source, as the import would have done."""

from __future__ import annotations

from elc.store import database, deid_review as sql, deid_state

from .allowlist import DEFAULT_ALLOW_LIST
from .review_edits import _apply_edits, _scrub_derived
from .review_terms import (META_PLACES, Outcome, _allow_terms, _audit, _checkpoint, _name_entries, _pseudonymiser,
                           _reviewer, _source_text, _write)


def place_policy(project) -> str:
    """The project's setting for places and organisations: ``keep``, ``generalise`` (the
    default) or ``tag`` (see :class:`elc.deid.Detector`)."""
    from .detector import DEFAULT_PLACE_POLICY, PLACE_POLICIES

    value = project.meta_get(META_PLACES, None)
    return value if value in PLACE_POLICIES else DEFAULT_PLACE_POLICY


def build_detector(project, nlp=None):
    """The project's detector, configured as the import configures it (names, allow-list,
    place policy)."""
    from .detector import Detector

    with project.engine.connect() as conn:
        names = _name_entries(conn)
        allow_terms = _allow_terms(conn)
    return Detector(nlp=nlp if nlp is not None else False, extra_names=tuple(names),
                    allow_list=tuple(DEFAULT_ALLOW_LIST) + tuple(allow_terms), places=place_policy(project))


def pending_sources(project) -> list[dict]:
    """Sources stored without de-identification (imported with ``--no-deidentify``)."""
    return sql.pending_sources(project)


def _turn_bodies(conn, sid: int, text: str) -> list[tuple[int, str]]:
    """``(offset, body)`` of each turn of a source without its speaker label (the whole text
    when it has no turns)."""
    bodies = []
    for a, b, speaker in sql.turn_spans(conn, sid) or [(0, len(text), None)]:
        prefix = f"{speaker}: " if speaker else ""
        a2 = a + len(prefix) if prefix and text.startswith(prefix, a) else a
        bodies.append((a2, text[a2:b]))
    return bodies


def _new_items(conn, sid: int, bodies: list[tuple[int, str]], found: list, pseudo) -> list[tuple]:
    """``(start, end, label, tag, detector)`` for each detection not overlapping one stored already."""
    existing = sql.detection_spans(conn, sid)
    items = []
    for (offset, body), dets in zip(bodies, found):
        dets = [x for x in dets if not any(offset + x.start < e and st < offset + x.end for st, e in existing)]
        if not dets:
            continue
        for det, tag in zip(dets, pseudo.tags(body, dets)):
            items.append((offset + det.start, offset + det.end, det.label, tag, det.source))
    return items


def _deidentify_source(project, conn, sid: int, nlp, detector, reviewer: str, ts: str) -> list[int] | None:
    """De-identify one source inside the caller's transaction; the new detection ids, or None
    when it is de-identified already."""
    if sql.is_deidentified(conn, sid):
        return None
    text = _source_text(conn, sid)
    bodies = _turn_bodies(conn, sid, text)
    docs = list(nlp.pipe([body for _, body in bodies])) if getattr(nlp, "pipe", None) else \
        [body for _, body in bodies]
    found = detector.detect_docs(docs)
    pseudo = _pseudonymiser(conn)
    items = _new_items(conn, sid, bodies, found, pseudo)
    ids = _apply_edits(conn, project, sid, items, status="auto", detector="rule", reviewer=None, ts=ts)
    if not items:
        _scrub_derived(conn, sid, [])
    sql.mark_deidentified(conn, sid)
    deid_state.save_pseudonyms(conn, pseudo.to_dict())
    _audit(conn, reviewer, "deidentify", None, {"source_id": sid, "detections": len(ids)}, ts)
    return ids


def deidentify_pending(project, reviewer: str, nlp=None, progress=None) -> Outcome:
    """De-identify every source imported with ``--no-deidentify``: detect on its stored text (turn
    by turn, names found once looked for in every turn), replace via ``replace_spans`` so existing
    codings stay valid, keep the originals as the import would, and mark it de-identified. One
    transaction per source."""
    reviewer = _reviewer(reviewer)
    todo = pending_sources(project)
    if not todo:
        return Outcome("deidentify", [], [], "every source is de-identified already")
    if nlp is None:
        from elc.nlp import load_nlp

        nlp = load_nlp()
    detector = build_detector(project, nlp)
    created: list[int] = []
    done: list[int] = []
    for k, src in enumerate(todo):
        sid = int(src["id"])
        ts = database.now()
        with _write(project) as conn:
            ids = _deidentify_source(project, conn, sid, nlp, detector, reviewer, ts)
        if ids is None:
            continue  # another process de-identified it meanwhile: never replace twice
        created.extend(ids)
        done.append(sid)
        if progress:
            progress(src, k + 1, len(todo))
    _checkpoint(project)
    return Outcome("deidentify", created, done,
                   f"de-identified {len(done)} source(s): {len(created)} identifier(s) replaced")
