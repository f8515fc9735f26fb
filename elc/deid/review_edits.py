"""Changing stored text in review: replace spans with tags (storing a detection for each),
put originals back, replace rejected detections again, and keep the segments' derived copies
(interviewer question, lemmas) in step with the revised text.

All run on the caller's connection, inside one review transaction; text changes go only through
:func:`elc.store.revise.replace_spans`, so segments, codings and detections stay aligned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from elc.store import deid_review as sql
from elc.store.revise import replace_spans

from . import originals as orig
from .persons import NameList
from .review_terms import (META_ALLOW, _WORDS, ReviewError, _allow_terms, _audit, _drop_term, _meta_set, _norm,
                           _rows, _source_text)
from .types import Detection


def _scrub_derived(conn, source_id: int, edits: Iterable[tuple[int, int, str]]) -> None:
    """Keep the copies a source's segments hold in step with its revised text: the interviewer
    question carried on each segment is re-read from the stored text, and the words an edit
    replaced (``(new_start, new_end, replaced surface)``) are dropped from the lemmas of the
    segments holding it."""
    text = _source_text(conn, source_id)
    segs = sql.segments_of(conn, source_id)
    replaced = [(a, b, {w.casefold() for w in _WORDS.findall(surface) if any(c.isalpha() for c in w)})
             for a, b, surface in edits]
    question_of_turn: dict[int, str] = {}
    last = ""
    for seg in segs:
        if seg["kind"] != "turn":
            continue
        prefix = f"{seg['speaker']}: "
        if seg["role"] == "interviewer":
            question_of_turn[seg["id"]] = ""
            if text.startswith(prefix, seg["start"]):
                last = text[seg["start"] + len(prefix):seg["end"]][:300]
        else:
            question_of_turn[seg["id"]] = last
    for seg in segs:
        values: dict[str, str] = {}
        turn = seg["id"] if seg["kind"] == "turn" else seg["parent_id"]
        if turn in question_of_turn and question_of_turn[turn] != seg["question"]:
            values["question"] = question_of_turn[turn]
        words = set().union(*(ws for a, b, ws in replaced if a < seg["end"] and seg["start"] < b)) if replaced else set()
        if words and seg["lemmas"]:
            kept = [w for w in seg["lemmas"].split() if w.casefold() not in words]
            if len(kept) != len(seg["lemmas"].split()):
                values["lemmas"] = " ".join(kept)
        if values:
            sql.update_segment(conn, seg["id"], values)


def _apply_edits(conn, project, source_id: int, items: list[tuple], *, status: str,
                 detector: str, reviewer: str | None, ts: str) -> list[int]:
    """Replace ``(start, end, label, tag[, detector])`` spans of a source with their tags and
    store a detection for each (originals staged for the sidecar). Returns the new detection
    ids, in text order."""
    if not items:
        return []
    text = _source_text(conn, source_id)
    items = sorted(tuple(x) if len(x) == 5 else (*x, detector) for x in items)
    replace_spans(conn, source_id, [(a, b, tag) for a, b, _, tag, _ in items])
    delta = 0
    new_ids = []
    staged = []
    spans = []
    for a, b, label, tag, found_by in items:
        na = a + delta
        spans.append((na, na + len(tag), text[a:b]))
        delta += len(tag) - (b - a)
        did = sql.insert_detection(
            conn, source_id=source_id, start=na, end=na + len(tag), label=label, replacement=tag, entity_key=tag,
            detector=found_by, status=status, reviewer=reviewer, reviewed_at=ts if reviewer else None)
        new_ids.append(did)
        staged.append({"detection_id": did, "source_id": source_id, "label": label, "replacement": tag,
                       "original": text[a:b]})
    orig.stage(project, conn, staged)
    _scrub_derived(conn, source_id, spans)
    return new_ids


def _accept(project, conn, reviewer: str, ids: list[int], ts: str, via: str | None = None) -> tuple[int, list[int]]:
    rows = _rows(conn, ids)
    again = [r for r in rows.values() if r["status"] == "rejected"]
    by_source: dict[int, list[dict]] = defaultdict(list)
    for r in again:
        by_source[r["source_id"]].append(r)
    terms = {}
    for sid, rs in by_source.items():
        text = _source_text(conn, sid)
        for r in rs:
            terms[r["id"]] = text[r["start"]:r["end"]]
        replace_spans(conn, sid, [(r["start"], r["end"], r["replacement"]) for r in rs])
        moved = _rows(conn, [r["id"] for r in rs])
        _scrub_derived(conn, sid, [(moved[r["id"]]["start"], moved[r["id"]]["end"], terms[r["id"]]) for r in rs])
    orig.stage(project, conn, [{"detection_id": r["id"], "source_id": r["source_id"], "label": r["label"],
                                "replacement": r["replacement"], "original": terms[r["id"]]} for r in again])
    sql.set_status(conn, ids, "accepted", reviewer, ts)
    if again:
        still = {_norm(_source_text(conn, r[1])[r[2]:r[3]]) for r in sql.rejected_spans(conn)}
        for r in again:
            if _norm(terms[r["id"]]) not in still:
                terms_now = _allow_terms(conn)
                gone = [x for x in terms_now if x.startswith("=") and _norm(x[1:]) == _norm(terms[r["id"]])]
                if gone:
                    _meta_set(conn, META_ALLOW, [x for x in terms_now if x not in gone])
                    for x in gone:
                        _drop_term(conn, x, "allow")
    for i in ids:
        payload = {"from": rows[i]["status"], "label": rows[i]["label"], "replacement": rows[i]["replacement"]}
        if via:
            payload["via"] = via
        _audit(conn, reviewer, "accept", i, payload, ts)
    return len(again), sorted({r["source_id"] for r in rows.values()})


def _restore(project, conn, rows: list[dict], reviewer: str, ts: str) -> dict[int, str]:
    """Put the originals of ``rows`` back into the text; returns id -> original."""
    todo = [r for r in rows if r["status"] != "rejected"]
    kept = orig.originals_for(project, [r["id"] for r in todo], conn)
    missing = [r["id"] for r in todo if r["id"] not in kept]
    if missing:
        raise orig.OriginalsError(
            f"cannot restore detection {', '.join(map(str, missing))}: {orig.why_missing(project)}")
    by_source: dict[int, list[dict]] = defaultdict(list)
    for r in todo:
        by_source[r["source_id"]].append(r)
    for sid, rs in by_source.items():
        text = _source_text(conn, sid)
        for r in rs:
            if text[r["start"]:r["end"]] != r["replacement"]:
                raise ReviewError(f"detection {r['id']}: the text at {r['start']}..{r['end']} of source {sid} is "
                                  f"not its tag {r['replacement']} any more; nothing was restored")
        replace_spans(conn, sid, [(r["start"], r["end"], kept[r["id"]]) for r in rs])
    return {r["id"]: kept[r["id"]] for r in todo}


def _occurrences(conn, names: NameList, sid: int, text: str) -> tuple[list[Detection], list[int]]:
    """Occurrences of the names in a source, and rejected detections they coincide with."""
    existing = sql.detections_in(conn, sid)
    found: list[Detection] = []
    again: list[int] = []
    for det in sorted(names.find(text), key=lambda x: x.start):
        clash = [r for r in existing if r.start < det.end and det.start < r.end]
        if not clash and not any(f.start < det.end and det.start < f.end for f in found):
            found.append(det)
        elif len(clash) == 1 and clash[0].status == "rejected" and \
                (clash[0].start, clash[0].end) == (det.start, det.end):
            again.append(int(clash[0].id))
    return found, again
