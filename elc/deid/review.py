"""Reviewing de-identification: list detections in context, accept or reject them, add what the
detector missed, and keep every decision in the project so it re-applies on re-import.

Every function takes an open :class:`elc.store.project.Project` and a reviewer name, runs in one
transaction (nothing is half-done on error), writes ``deid_detections.status/reviewer/reviewed_at``
and one ``deid_audit`` row per decision, and changes stored text only through
:func:`elc.store.revise.replace_spans`, so segments, codings and detections stay aligned.

* :func:`detections` -- a DataFrame of detections with their de-identified sentence, source and
  participant, grouped by entity (``entity``: the pseudonym tag for people; tag + original for
  typed tags such as ``[place]``, so "Gujarati" and "Anstey" are separate groups).
* :func:`accept` / :func:`reject` -- reject restores the original surface from the originals
  sidecar (see :mod:`elc.deid.originals`) and puts the exact term on the project allow-list.
* :func:`add_span`, :func:`add_name` -- replace what was missed with a tag from the project's
  pseudonymiser (names are kept in the project only as keyed hashes; the clear name goes to the
  sidecar).
* :func:`allow` -- a term the analysis needs; by default its current detections are restored.
* :func:`deidentify_pending` -- de-identify sources imported with ``--no-deidentify``.
* :func:`purge_originals`, :func:`set_keep_originals`, :func:`report`.

Nothing here imports textual; spaCy is loaded only by :func:`deidentify_pending`.

This module holds the decisions and is the one import path for the rest: reading and reports
in :mod:`elc.deid.review_read`, text edits in :mod:`elc.deid.review_edits`, de-identifying
afterwards in :mod:`elc.deid.review_pending`, shared state in :mod:`elc.deid.review_terms`, and
the SQL in :mod:`elc.store.deid_review`.
"""

from __future__ import annotations

from elc.store import database, deid_review as sql, deid_state

from . import originals as orig
from .persons import NameList
from .review_edits import _accept, _apply_edits, _occurrences, _restore
from .review_pending import build_detector, deidentify_pending, pending_sources, place_policy
from .review_read import (ReviewSummary, SourceReview, detections, entities, report, review_summary, risk_of,
                          surface_groups)
from .review_terms import (META_PLACES, STATUSES, Outcome, ReviewError, _add_allow, _add_term, _audit,
                           _checkpoint, _entry_matches, _ids, _meta_set, _name_entries, _name_entry, _norm,
                           _pseudonymiser, _remove_allow, _remove_name, _reviewer, _rows, _save_names,
                           _source_text, _unkey_names, _write, is_person_tag)
from .types import LABELS, Detection


# ---------------------------------------------------------------------------- decisions
def accept(project, reviewer: str, detection_ids) -> Outcome:
    """Confirm replacements. A rejected detection is replaced again with its tag (and its exact
    allow-list entry is dropped unless another rejection still needs it)."""
    reviewer, ids = _reviewer(reviewer), _ids(detection_ids)
    ts = database.now()
    with _write(project) as conn:
        again, sources = _accept(project, conn, reviewer, ids, ts)
    if again:
        _checkpoint(project)
    return Outcome("accept", ids, sources,
                   f"accepted {len(ids)} detection(s)" + (f", {again} replaced again" if again else ""))


def reject(project, reviewer: str, detection_ids) -> Outcome:
    """Undo wrong replacements: the original surface is restored from the sidecar and the exact
    term is put on the project allow-list (and taken off the project's names), so a re-import
    leaves it as it is. Refused, with nothing changed, if any original is not available."""
    reviewer, ids = _reviewer(reviewer), _ids(detection_ids)
    ts = database.now()
    with _write(project) as conn:
        rows = _rows(conn, ids)
        restored = _restore(project, conn, [rows[i] for i in ids], reviewer, ts)
        new_terms = []
        for i in ids:
            term = restored.get(i)
            if term is None:
                continue
            if _add_allow(conn, term, True, reviewer, ts):
                new_terms.append(term)
            _remove_name(conn, term)
        sql.set_status(conn, ids, "rejected", reviewer, ts)
        for i in ids:
            _audit(conn, reviewer, "reject", i, {"from": rows[i]["status"], "label": rows[i]["label"],
                                                 "replacement": rows[i]["replacement"],
                                                 "term": restored.get(i)}, ts)
    return Outcome("reject", ids, sorted({rows[i]["source_id"] for i in ids}),
                   f"rejected {len(ids)} detection(s); {len(restored)} restored"
                   + (f"; allowed from now on: {', '.join(sorted(set(new_terms)))}" if new_terms else ""))


def add_span(project, reviewer: str, source_id: int, start: int, end: int, label: str = "PERSON") -> Outcome:
    """Replace a missed identifier at ``start:end`` of a source's stored text with a tag from the
    project's pseudonymiser (its original goes to the sidecar)."""
    reviewer = _reviewer(reviewer)
    label = str(label).upper()
    if label not in LABELS:
        raise ReviewError(f"unknown label '{label}' (one of {', '.join(LABELS)})")
    ts = database.now()
    with _write(project) as conn:
        text = _source_text(conn, int(source_id))
        start, end = int(start), int(end)
        if not 0 <= start < end <= len(text):
            raise ReviewError(f"source {source_id}: {start}..{end} is not a span of its text (0..{len(text)})")
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        surface = text[start:end]
        if not surface or "\n\n" in surface:
            raise ReviewError(f"source {source_id}: {start}..{end} is empty or crosses a turn")
        for r in sql.overlapping(conn, int(source_id), start, end):
            if r.status == "rejected":
                raise ReviewError(f"source {source_id}: {start}..{end} overlaps detection {r.id}, which was rejected; "
                                  f"accept it to replace it again")
            raise ReviewError(f"source {source_id}: {start}..{end} overlaps detection {r.id}, already replaced")
        pseudo = _pseudonymiser(conn)
        tag = pseudo.tag(Detection(start, end, label, surface, "rule"), text)
        (did,) = _apply_edits(conn, project, int(source_id), [(start, end, label, tag)], status="added",
                              detector="review", reviewer=reviewer, ts=ts)
        deid_state.save_pseudonyms(conn, pseudo.to_dict())
        _audit(conn, reviewer, "add_span", did, {"source_id": int(source_id), "label": label, "replacement": tag,
                                                 "start": start}, ts)
    _checkpoint(project)
    return Outcome("add_span", [did], [int(source_id)], f"replaced with {tag} (detection {did})")


def add_name(project, reviewer: str, name: str, label: str = "PERSON") -> Outcome:
    """Add a name the detector must always catch, then replace its remaining occurrences in every
    source. The project keeps only a keyed hash of the name (``deid_extra_names``, read by the
    import); the clear name goes to the sidecar when originals are kept."""
    reviewer = _reviewer(reviewer)
    name = " ".join(str(name or "").split())
    label = str(label).upper()
    if not name:
        raise ReviewError("the name is empty")
    if label not in LABELS:
        raise ReviewError(f"unknown label '{label}' (one of {', '.join(LABELS)})")
    ts = database.now()
    with _write(project) as conn:
        entry = _name_entry(conn, name, label)
        entries = [e for e in _name_entries(conn) if not _entry_matches(e, name)]
        _save_names(conn, entries + [entry])
        _add_term(conn, f"#{entry['hash']}", "name", reviewer, ts)
        orig.stage_name(project, conn, entry["hash"], name, label, reviewer)
        unallowed = _remove_allow(conn, name)
        matcher = NameList([(name, label)])
        pseudo = _pseudonymiser(conn)
        created, again, sources = [], [], []
        for sid, text in sql.source_texts(conn):
            found, rejected_here = _occurrences(conn, matcher, sid, text)
            again.extend(rejected_here)
            if not found:
                continue
            tags = pseudo.tags(text, found)
            created.extend(_apply_edits(conn, project, sid, [(f.start, f.end, f.label, t) for f, t in zip(found, tags)],
                                        status="added", detector="review", reviewer=reviewer, ts=ts))
            sources.append(int(sid))
        deid_state.save_pseudonyms(conn, pseudo.to_dict())
        if again:
            _accept(project, conn, reviewer, sorted(set(again)), ts, via="add_name")
        _audit(conn, reviewer, "add_name", None, {"name_hash": entry["hash"], "label": label, "detections": created,
                                                  "accepted_again": sorted(set(again)),
                                                  "unallowed": len(unallowed)}, ts)
    _checkpoint(project)
    return Outcome("add_name", created + again, sources,
                   f"name added ({label}); {len(created) + len(again)} occurrence(s) replaced in {len(sources)} "
                   f"source(s)")


def allow(project, reviewer: str, term: str, restore: bool = True) -> Outcome:
    """Put a term the analysis needs on the project allow-list (read by every import). With
    ``restore`` its current replacements are undone too, where the originals are kept."""
    reviewer = _reviewer(reviewer)
    term = " ".join(str(term or "").split())
    if not term:
        raise ReviewError("the term is empty")
    ts = database.now()
    restored: dict[int, str] = {}
    with _write(project) as conn:
        added = _add_allow(conn, term, False, reviewer, ts)
        removed_names = _remove_name(conn, term)
        if restore:
            live = sql.live_detections(conn)
            kept = orig.originals_for(project, [r["id"] for r in live], conn)
            hits = [r for r in live if r["id"] in kept and _norm(kept[r["id"]]) == _norm(term)]
            if hits:
                restored = _restore(project, conn, hits, reviewer, ts)
                sql.set_status(conn, list(restored), "rejected", reviewer, ts)
                for r in hits:
                    _audit(conn, reviewer, "reject", r["id"], {"from": r["status"], "label": r["label"],
                                                               "replacement": r["replacement"], "term": term,
                                                               "via": "allow"}, ts)
        _audit(conn, reviewer, "allow", None, {"term": term, "new": added, "restored": sorted(restored),
                                               "names_removed": removed_names}, ts)
    note = f"allowed '{term}'" + ("" if added else " (already on the allow-list)")
    if restored:
        note += f"; {len(restored)} replacement(s) restored"
    return Outcome("allow", sorted(restored), [], note)


# ---------------------------------------------------------------------------- originals
def set_keep_originals(project, reviewer: str, keep: bool) -> Outcome:
    """Switch keeping originals for future detections on or off (the sidecar is not touched)."""
    reviewer = _reviewer(reviewer)
    if keep and not orig.can_keep(project):
        raise ReviewError("a project behind this kind of database URL cannot keep originals")
    ts = database.now()
    with _write(project) as conn:
        if not keep:
            _unkey_names(conn)
        _meta_set(conn, orig.META_KEEP, bool(keep))
        _audit(conn, reviewer, "keep_originals", None, {"keep": bool(keep)}, ts)
    return Outcome("keep_originals", [], [], f"originals {'kept' if keep else 'no longer kept'} for new detections")


def purge_originals(project, reviewer: str) -> Outcome:
    """Delete the originals sidecar and stop keeping originals; recorded in the audit. After this
    no rejection can restore anything."""
    reviewer = _reviewer(reviewer)
    name = orig.where(project)
    info = orig.status(project)
    ts = database.now()
    with _write(project) as conn:
        _unkey_names(conn)
        _meta_set(conn, orig.META_KEEP, False)
        _meta_set(conn, orig.META_PURGED, {"ts": ts, "reviewer": reviewer, "originals": info.get("originals", 0)})
        _audit(conn, reviewer, "purge", None, {"file": name,
                                               "originals": info.get("originals", 0), "existed": info["exists"]}, ts)
        existed = orig.delete_sidecar(project, conn)  # inside the transaction: a failure leaves no audit row
    done = "emptied" if orig.in_schema(project) else "deleted"
    return Outcome("purge", [], [], (f"{done} {name} ({info.get('originals', 0)} originals)" if existed
                                     else "no originals file to delete") + "; originals are no longer kept")


# ---------------------------------------------------------------------------- de-identify afterwards


def set_place_policy(project, reviewer: str, policy: str) -> Outcome:
    """Choose what later de-identification does with places and organisations. Stored text is
    not changed: re-import (or review) to apply it to sources already imported."""
    from .detector import PLACE_POLICIES

    reviewer = _reviewer(reviewer)
    if policy not in PLACE_POLICIES:
        raise ReviewError(f"unknown place policy '{policy}'; choose one of {', '.join(PLACE_POLICIES)}")
    ts = database.now()
    with _write(project) as conn:
        _meta_set(conn, META_PLACES, policy)
        _audit(conn, reviewer, "place_policy", None, {"policy": policy}, ts)
    return Outcome("place_policy", [], [], f"places and organisations: {policy} (applies to later imports)")


def accept_source(project, reviewer: str, source_id: int) -> Outcome:
    """Mark one source reviewed: accept every detection of it still in status ``auto``."""
    from elc.store.deid_progress import unreviewed_ids

    reviewer = _reviewer(reviewer)
    with project.engine.connect() as conn:
        _source_text(conn, int(source_id))
        ids = unreviewed_ids(conn, int(source_id))
    if not ids:
        return Outcome("accept", [], [int(source_id)], f"source {source_id}: nothing left to review")
    out = accept(project, reviewer, ids)
    return Outcome("accept", out.detection_ids, [int(source_id)],
                   f"source {source_id} reviewed: accepted {len(ids)} remaining detection(s)")

__all__ = [
    "Outcome", "ReviewError", "ReviewSummary", "STATUSES", "SourceReview", "accept", "accept_source", "add_name",
    "add_span", "allow", "build_detector", "deidentify_pending", "detections", "entities", "is_person_tag",
    "pending_sources", "place_policy", "purge_originals", "reject", "report", "review_summary", "risk_of",
    "set_keep_originals", "set_place_policy",
    "surface_groups",
]
