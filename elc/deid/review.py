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
"""

from __future__ import annotations

import json
import re
import secrets
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select

from elc.errors import ElcError
from elc.store import database, deid_state, schema as s
from elc.store.revise import replace_spans

from . import originals as orig
from .allowlist import DEFAULT_ALLOW_LIST
from .persons import NameList, hashed_name_entry, name_hash
from .pseudonymiser import TYPED_TAGS, Pseudonymiser
from .types import LABELS, Detection

STATUSES = ("auto", "accepted", "rejected", "added")
META_NAMES = "deid_extra_names"
META_ALLOW = "deid_allow_list"
META_PSEUDONYMS = "deid_pseudonyms"
META_NAME_SALT = "deid_name_salt"
META_PLACES = "deid_places"
_TYPED = frozenset(TYPED_TAGS.values()) | {"[redacted]"}
_TAG_NUMBER = re.compile(r"^\[(.*?)(?: (\d+))?\]$")
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class ReviewError(ElcError):
    """A review decision that cannot be made (unknown id, overlapping span, no original...)."""


@dataclass
class Outcome:
    """What a review call did: the detections it changed or created, and a one-line summary."""

    action: str
    detection_ids: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    message: str = ""

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------- shared helpers
def _reviewer(reviewer: str | None) -> str:
    name = " ".join(str(reviewer or "").split())
    if not name:
        raise ReviewError("a reviewer name is needed (pass --reviewer NAME or set $ELC_CODER)")
    return name


def _ids(detection_ids) -> list[int]:
    if isinstance(detection_ids, (int, str)):
        detection_ids = [detection_ids]
    out = []
    for x in detection_ids:
        try:
            out.append(int(x))
        except (TypeError, ValueError):
            raise ReviewError(f"'{x}' is not a detection id (a whole number)") from None
    if not out:
        raise ReviewError("no detection ids given")
    return sorted(set(out))


def _meta(conn, key: str, default=None):
    row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).first()
    return json.loads(row[0]) if row else default


def _meta_set(conn, key: str, value) -> None:
    conn.execute(s.meta.delete().where(s.meta.c.key == key))
    conn.execute(s.meta.insert().values(key=key, value=json.dumps(value)))


def _audit(conn, reviewer: str, action: str, detection_id: int | None, payload: dict, ts: str) -> None:
    conn.execute(s.deid_audit.insert().values(ts=ts, reviewer=reviewer, action=action, detection_id=detection_id,
                                              payload=json.dumps(payload, sort_keys=True)))


def _norm(term: str) -> str:
    return " ".join(str(term).replace("’", "'").casefold().split())


@contextmanager
def _write(project):
    """One transaction on the project (freed pages are zeroed by the store's secure_delete, so
    replaced text leaves no trace)."""
    with project.write() as conn:
        yield conn


def _checkpoint(project) -> None:
    """Fold the WAL into the project file so replaced text is not left in the log (best effort)."""
    project.checkpoint()


def _rows(conn, ids: list[int]) -> dict[int, dict]:
    d = s.deid_detections
    rows = {int(r["id"]): dict(r) for r in conn.execute(select(d).where(d.c.id.in_(ids))).mappings()}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise ReviewError(f"no detection with id {', '.join(map(str, missing))} in this project")
    return rows


def _source_text(conn, source_id: int) -> str:
    text = conn.execute(select(s.sources.c.text).where(s.sources.c.id == source_id)).scalar()
    if text is None:
        raise ReviewError(f"no source with id {source_id} in this project")
    return text


def is_person_tag(tag: str) -> bool:
    """People get numbered tags ("[Driver 2]"); other identifiers share typed ones ("[place]")."""
    return tag not in _TYPED


def _entity(tag: str, original: str | None) -> str:
    if is_person_tag(tag) or not original:
        return tag
    return f"{tag} {_norm(original)}"


def _tag_sort_key(tag: str):
    m = _TAG_NUMBER.match(tag or "")
    if not m:
        return (1, tag or "", 0)
    return (0 if m.group(2) else 1, m.group(1), int(m.group(2) or 0))


def _pseudonymiser(conn) -> Pseudonymiser:
    return Pseudonymiser.from_dict(deid_state.with_key(conn, _meta(conn, META_PSEUDONYMS, {}) or {}))


def _name_salt(conn) -> str:
    salt = _meta(conn, META_NAME_SALT)
    if not salt:
        salt = secrets.token_hex(16)
        _meta_set(conn, META_NAME_SALT, salt)
    return salt


def _add_term(conn, term: str, kind: str, reviewer: str, ts: str) -> None:
    t = s.deid_terms
    exists = conn.execute(select(t.c.id).where((t.c.term == term) & (t.c.kind == kind))).first()
    if not exists:
        conn.execute(t.insert().values(term=term, kind=kind, added_by=reviewer, ts=ts))


def _drop_term(conn, term: str, kind: str) -> None:
    conn.execute(s.deid_terms.delete().where((s.deid_terms.c.term == term) & (s.deid_terms.c.kind == kind)))


def _allow_terms(conn) -> list[str]:
    return [str(x) for x in (_meta(conn, META_ALLOW, []) or [])]


def _add_allow(conn, term: str, exact: bool, reviewer: str, ts: str) -> bool:
    """Put ``term`` on the project allow-list (``=term`` for an exact one); True if new."""
    entry = f"={term}" if exact else term
    terms = _allow_terms(conn)
    if any(_norm(x) == _norm(entry) for x in terms):
        return False
    _meta_set(conn, META_ALLOW, terms + [entry])
    _add_term(conn, entry, "allow", reviewer, ts)
    return True


def _remove_allow(conn, term: str) -> list[str]:
    """Take every project allow-list entry for ``term`` (exact or not) off; returns them."""
    key = _norm(term)
    terms = _allow_terms(conn)
    gone = [x for x in terms if _norm(x.removeprefix("=")) == key]
    if gone:
        _meta_set(conn, META_ALLOW, [x for x in terms if x not in gone])
        for x in gone:
            _drop_term(conn, x, "allow")
    return gone


def _name_entries(conn) -> list:
    """Added names with their hashing key (kept in the key file, not the project, when it can be)."""
    return deid_state.names_with_key(conn, list(_meta(conn, META_NAMES, []) or []))


def _save_names(conn, entries: list) -> None:
    _meta_set(conn, META_NAMES, deid_state.names_for_file(entries))


def _unkey_names(conn) -> None:
    """Before the key file stops being kept: added names keep their key as a salt in the project
    (as in a project that never kept originals), so they are still recognised."""
    entries = _name_entries(conn)
    if any(isinstance(e, dict) and e.get("keyed") for e in entries):
        _meta_set(conn, META_NAMES, [{k: v for k, v in e.items() if k != "keyed"} if isinstance(e, dict) else e
                                     for e in entries])


def _name_entry(conn, name: str, label: str) -> dict:
    """A new added-name entry: hashed with the pseudonym key from the key file where the project
    keeps one (the project file then holds no salt to test a list of names against), else with
    the project's own salt."""
    key = deid_state.name_key(conn)
    if key is None:
        return hashed_name_entry(name, label, _name_salt(conn))
    return {**hashed_name_entry(name, label, key), "keyed": True}


def _entry_matches(entry, name: str) -> bool:
    if isinstance(entry, dict) and "hash" in entry:
        return entry["hash"] == name_hash(name, str(entry.get("salt", "")))
    if isinstance(entry, dict):
        return _norm(entry.get("name", "")) == _norm(name)
    if isinstance(entry, (list, tuple)):
        return bool(entry) and _norm(entry[0]) == _norm(name)
    return _norm(entry) == _norm(name)


def _remove_name(conn, name: str) -> int:
    entries = _name_entries(conn)
    keep = [e for e in entries if not _entry_matches(e, name)]
    for e in entries:
        if e not in keep and isinstance(e, dict) and "hash" in e:
            _drop_term(conn, f"#{e['hash']}", "name")
    if len(keep) != len(entries):
        _save_names(conn, keep)
    return len(entries) - len(keep)


def _scrub_derived(conn, source_id: int, edits: Iterable[tuple[int, int, str]]) -> None:
    """Keep the copies a source's segments hold in step with its revised text: the interviewer
    question carried on each segment is re-read from the stored text, and the words an edit
    replaced (``(new_start, new_end, replaced surface)``) are dropped from the lemmas of the
    segments holding it."""
    text = _source_text(conn, source_id)
    g = s.segments
    segs = conn.execute(select(g.c.id, g.c.kind, g.c.parent_id, g.c.start, g.c.end, g.c.speaker, g.c.role,
                               g.c.question, g.c.lemmas)
                        .where(g.c.source_id == source_id).order_by(g.c.start, g.c.kind.desc())).mappings().all()
    edits = [(a, b, {w.casefold() for w in _WORDS.findall(surface) if any(c.isalpha() for c in w)})
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
        values = {}
        turn = seg["id"] if seg["kind"] == "turn" else seg["parent_id"]
        if turn in question_of_turn and question_of_turn[turn] != seg["question"]:
            values["question"] = question_of_turn[turn]
        words = set().union(*(ws for a, b, ws in edits if a < seg["end"] and seg["start"] < b)) if edits else set()
        if words and seg["lemmas"]:
            kept = [w for w in seg["lemmas"].split() if w.casefold() not in words]
            if len(kept) != len(seg["lemmas"].split()):
                values["lemmas"] = " ".join(kept)
        if values:
            conn.execute(g.update().where(g.c.id == seg["id"]).values(**values))


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
        res = conn.execute(s.deid_detections.insert().values(
            source_id=source_id, start=na, end=na + len(tag), label=label, replacement=tag, entity_key=tag,
            detector=found_by, status=status, reviewer=reviewer, reviewed_at=ts if reviewer else None))
        did = int(res.inserted_primary_key[0])
        new_ids.append(did)
        staged.append({"detection_id": did, "source_id": source_id, "label": label, "replacement": tag,
                       "original": text[a:b]})
    orig.stage(project, conn, staged)
    _scrub_derived(conn, source_id, spans)
    return new_ids


# ---------------------------------------------------------------------------- reading
def risk_of(label: str, detector: str, original: str | None) -> float:
    """How likely a detection is to be wrong, in [0, 1]; the review shows the riskiest first.

    Pattern matches on numbers, e-mails and postcodes are nearly always right; the project's own
    names too; a person or place found by the statistical model alone is the least certain, and
    more so when its surface is also an ordinary word ("Grace", "Walker")."""
    from .words import is_common, is_wordy_name

    if detector == "list" or label in ("NHS_NUMBER", "PHONE", "EMAIL", "POSTCODE"):
        base = 0.05
    elif label in ("DOB", "ADDRESS"):
        base = 0.15
    elif detector == "ner":
        base = 0.6
    elif label in ("LOCATION", "ORG"):
        base = 0.4
    else:
        base = 0.3
    if original and label in ("PERSON", "CUSTOM", "LOCATION", "ORG"):
        words = original.split()
        if len(words) == 1 and (is_common(words[0]) or is_wordy_name(words[0])):
            base += 0.3
    return round(min(base, 1.0), 2)


def _surface(label: str, original: str | None, replacement: str) -> str:
    if not original:
        return f"{label} {replacement}"
    from .pseudonymiser import normalise_name

    key = normalise_name(original)[0] if label in ("PERSON", "CUSTOM") else _norm(original)
    return f"{label} {key or _norm(original)}"


def detections(project, status: str | Iterable[str] | None = None, source_id: int | None = None,
               entity: str | None = None, with_originals: bool = True, order_by: str = "entity"):
    """Detections with context, one row each, sorted by entity group then position.

    Columns: ``id, entity, entity_key, label, replacement, status, n`` (occurrences in the entity
    group), ``source_id, source, participant_id, community, start, end, detector, reviewer,
    reviewed_at, sentence`` (the de-identified sentence around it), ``tag_start, tag_end`` (the
    detection's span within ``sentence``) and ``original`` (from the sidecar when kept, else
    ``None``). ``entity`` is the tag for people and tag + original for typed tags. ``risk``
    (see :func:`risk_of`) and ``surface`` (label + the normalised original: one decision covers
    every occurrence of one surface form) help a reviewer finish. ``order_by="risk"`` puts the
    groups holding the riskiest unreviewed detection first.
    """
    import pandas as pd

    d, src, p, c = s.deid_detections, s.sources, s.participants, s.communities
    stmt = (select(d.c.id, d.c.source_id, src.c.name.label("source"), src.c.participant_id,
                   c.c.key.label("community"), d.c.start, d.c.end, d.c.label, d.c.replacement, d.c.entity_key,
                   d.c.detector, d.c.status, d.c.reviewer, d.c.reviewed_at)
            .select_from(d.join(src, d.c.source_id == src.c.id)
                         .outerjoin(p, src.c.participant_id == p.c.id)
                         .outerjoin(c, p.c.community_id == c.c.id)))
    if status is not None:
        wanted = [status] if isinstance(status, str) else list(status)
        stmt = stmt.where(d.c.status.in_(wanted))
    if source_id is not None:
        stmt = stmt.where(d.c.source_id == int(source_id))
    columns = ["id", "entity", "entity_key", "label", "replacement", "status", "n", "source_id", "source",
               "participant_id", "community", "start", "end", "detector", "reviewer", "reviewed_at", "sentence",
               "tag_start", "tag_end", "original", "risk", "surface"]
    with project.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
        if not rows:
            return pd.DataFrame(columns=columns)
        sids = sorted({r["source_id"] for r in rows})
        texts = dict(conn.execute(select(src.c.id, src.c.text).where(src.c.id.in_(sids))).fetchall())
        segs: dict[int, list[tuple[int, int]]] = defaultdict(list)
        turns: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for sid, kind, a, b in conn.execute(select(s.segments.c.source_id, s.segments.c.kind, s.segments.c.start,
                                                   s.segments.c.end).where(s.segments.c.source_id.in_(sids))
                                            .order_by(s.segments.c.source_id, s.segments.c.start)):
            (segs if kind == "sentence" else turns)[sid].append((a, b))
        kept = orig.originals_for(project, [r["id"] for r in rows], conn) if with_originals else {}
    for r in rows:
        text = texts[r["source_id"]]
        a, b = _context(segs[r["source_id"]], r["start"], r["end"]) or \
            _context(turns[r["source_id"]], r["start"], r["end"]) or \
            (max(0, r["start"] - 80), min(len(text), r["end"] + 80))
        a, b = min(a, r["start"]), max(b, r["end"])
        r["sentence"] = text[a:b]
        r["tag_start"], r["tag_end"] = r["start"] - a, r["end"] - a
        r["original"] = kept.get(r["id"])
        if r["status"] == "rejected" and r["original"] is None:
            r["original"] = text[r["start"]:r["end"]]  # restored: the text holds it again
        r["entity"] = _entity(r["entity_key"] or r["replacement"], r["original"])
        r["risk"] = risk_of(r["label"], r["detector"], r["original"])
        r["surface"] = _surface(r["label"], r["original"], r["replacement"])
    df = pd.DataFrame(rows)
    for col in ("participant_id", "community", "reviewer", "reviewed_at", "original"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    df["n"] = df.groupby("entity")["id"].transform("size")
    order = sorted(range(len(df)), key=lambda i: (df.label.iat[i] not in ("PERSON", "CUSTOM"),
                                                  _tag_sort_key(df.entity_key.iat[i]), df.entity.iat[i],
                                                  df.source_id.iat[i], df.start.iat[i]))
    df = df.iloc[order].reset_index(drop=True)
    if order_by == "risk":
        open_risk = df.risk.where(df.status == "auto", -1.0).groupby(df.entity).transform("max")
        df = df.assign(_r=open_risk, _k=range(len(df))).sort_values(
            ["_r", "_k"], ascending=[False, True], kind="stable").drop(columns=["_r", "_k"])
        df = df.reset_index(drop=True)
    if entity is not None:
        df = df[df.entity == entity].reset_index(drop=True)
    return df[columns]


def _context(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    if not spans:
        return None
    i = bisect_right([a for a, _ in spans], start) - 1
    while i >= 0:
        a, b = spans[i]
        if a <= start < b or (a <= start and end <= b):
            return a, b
        if b <= start:
            break
        i -= 1
    return None


def entities(project):
    """One row per entity group: ``entity, entity_key, label, n`` and counts per status."""
    import pandas as pd

    df = detections(project)
    cols = ["entity", "entity_key", "label", "n", *STATUSES]
    if not len(df):
        return pd.DataFrame(columns=cols)
    out = []
    for ent, g in df.groupby("entity", sort=False):
        counts = Counter(g.status)
        out.append({"entity": ent, "entity_key": g.entity_key.iat[0], "label": g.label.iat[0], "n": len(g),
                    **{st: counts.get(st, 0) for st in STATUSES}})
    return pd.DataFrame(out, columns=cols)


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
    d = s.deid_detections
    conn.execute(d.update().where(d.c.id.in_(ids)).values(status="accepted", reviewer=reviewer, reviewed_at=ts))
    if again:
        still = {_norm(_source_text(conn, r[1])[r[2]:r[3]])
                 for r in conn.execute(select(d.c.id, d.c.source_id, d.c.start, d.c.end)
                                       .where(d.c.status == "rejected"))}
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
        d = s.deid_detections
        conn.execute(d.update().where(d.c.id.in_(ids)).values(status="rejected", reviewer=reviewer, reviewed_at=ts))
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
        d = s.deid_detections
        for r in conn.execute(select(d.c.id, d.c.start, d.c.end, d.c.status)
                              .where((d.c.source_id == int(source_id)) & (d.c.start < end) & (d.c.end > start))):
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


def _occurrences(conn, names: NameList, sid: int, text: str) -> tuple[list[Detection], list[int]]:
    """Occurrences of the names in a source, and rejected detections they coincide with."""
    d = s.deid_detections
    existing = conn.execute(select(d.c.id, d.c.start, d.c.end, d.c.status).where(d.c.source_id == sid)).fetchall()
    found, again = [], []
    for det in sorted(names.find(text), key=lambda x: x.start):
        clash = [r for r in existing if r.start < det.end and det.start < r.end]
        if not clash and not any(f.start < det.end and det.start < f.end for f in found):
            found.append(det)
        elif len(clash) == 1 and clash[0].status == "rejected" and \
                (clash[0].start, clash[0].end) == (det.start, det.end):
            again.append(int(clash[0].id))
    return found, again


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
        for sid, text in conn.execute(select(s.sources.c.id, s.sources.c.text).order_by(s.sources.c.id)).fetchall():
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
            d = s.deid_detections
            live = [dict(r) for r in conn.execute(select(d).where(d.c.status != "rejected")).mappings()]
            kept = orig.originals_for(project, [r["id"] for r in live], conn)
            hits = [r for r in live if r["id"] in kept and _norm(kept[r["id"]]) == _norm(term)]
            if hits:
                restored = _restore(project, conn, hits, reviewer, ts)
                conn.execute(d.update().where(d.c.id.in_(list(restored)))
                             .values(status="rejected", reviewer=reviewer, reviewed_at=ts))
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
def place_policy(project) -> str:
    """The project's setting for places and organisations: ``keep``, ``generalise`` (the
    default) or ``tag`` (see :class:`elc.deid.Detector`)."""
    from .detector import DEFAULT_PLACE_POLICY, PLACE_POLICIES

    value = project.meta_get(META_PLACES, None)
    return value if value in PLACE_POLICIES else DEFAULT_PLACE_POLICY


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
    with project.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(s.sources.c.id, s.sources.c.name, s.sources.c.participant_id)
                                              .where(s.sources.c.deidentified == 0).order_by(s.sources.c.id))
                .mappings()]


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
            if conn.execute(select(s.sources.c.deidentified).where(s.sources.c.id == sid)).scalar():
                continue  # another process de-identified it meanwhile: never replace twice
            text = _source_text(conn, sid)
            g = s.segments
            turns = conn.execute(select(g.c.start, g.c.end, g.c.speaker)
                                 .where((g.c.source_id == sid) & (g.c.kind == "turn"))
                                 .order_by(g.c.start)).fetchall()
            bodies = []
            for a, b, speaker in turns or [(0, len(text), None)]:
                prefix = f"{speaker}: " if speaker else ""
                a2 = a + len(prefix) if prefix and text.startswith(prefix, a) else a
                bodies.append((a2, text[a2:b]))
            docs = list(nlp.pipe([body for _, body in bodies])) if getattr(nlp, "pipe", None) else \
                [body for _, body in bodies]
            found = detector.detect_docs(docs)
            d = s.deid_detections
            existing = conn.execute(select(d.c.start, d.c.end).where(d.c.source_id == sid)).fetchall()
            pseudo = _pseudonymiser(conn)
            items = []
            for (offset, body), dets in zip(bodies, found):
                dets = [x for x in dets if not any(offset + x.start < e and st < offset + x.end for st, e in existing)]
                if not dets:
                    continue
                for det, tag in zip(dets, pseudo.tags(body, dets)):
                    items.append((offset + det.start, offset + det.end, det.label, tag, det.source))
            ids = _apply_edits(conn, project, sid, items, status="auto", detector="rule", reviewer=None, ts=ts)
            if not items:
                _scrub_derived(conn, sid, [])
            conn.execute(s.sources.update().where(s.sources.c.id == sid).values(deidentified=1))
            deid_state.save_pseudonyms(conn, pseudo.to_dict())
            _audit(conn, reviewer, "deidentify", None, {"source_id": sid, "detections": len(ids)}, ts)
        created.extend(ids)
        done.append(sid)
        if progress:
            progress(src, k + 1, len(todo))
    _checkpoint(project)
    return Outcome("deidentify", created, done,
                   f"de-identified {len(done)} source(s): {len(created)} identifier(s) replaced")


# ---------------------------------------------------------------------------- review progress
@dataclass(frozen=True)
class SourceReview:
    """One source's review state: reviewed when none of its detections is still ``auto``."""

    source_id: int
    name: str
    participant_id: str | None
    detections: int
    unreviewed: int

    @property
    def reviewed(self) -> bool:
        return self.unreviewed == 0


@dataclass(frozen=True)
class ReviewSummary:
    """How far the project's de-identification review has got (every number recomputable from
    ``deid_detections``): ``unreviewed`` counts detections in status ``auto``."""

    total: int
    unreviewed: int
    accepted: int
    rejected: int
    added: int
    sources: tuple[SourceReview, ...]

    @property
    def reviewed(self) -> int:
        return self.total - self.unreviewed

    @property
    def reviewed_sources(self) -> tuple[SourceReview, ...]:
        """Sources with detections, all of them reviewed."""
        return tuple(x for x in self.sources if x.detections and x.reviewed)

    @property
    def unreviewed_sources(self) -> tuple[SourceReview, ...]:
        return tuple(x for x in self.sources if not x.reviewed)

    @property
    def complete(self) -> bool:
        return self.unreviewed == 0

    def line(self) -> str:
        """One line for an output's footer: "de-identification: 12 of 380 detections not yet
        reviewed (3 of 46 sources reviewed)"."""
        with_dets = [x for x in self.sources if x.detections]
        if not self.total:
            return "de-identification: no detections"
        if self.complete:
            return f"de-identification: all {self.total} detections reviewed"
        return (f"de-identification: {self.unreviewed} of {self.total} detections not yet reviewed "
                f"({len(self.reviewed_sources)} of {len(with_dets)} sources reviewed)")


def review_summary(project) -> ReviewSummary:
    """The review state of ``project`` for writers and reports (see :class:`ReviewSummary`)."""
    from elc.store.deid_progress import status_counts_by_source

    with project.engine.connect() as conn:
        rows = status_counts_by_source(conn)
    sources = tuple(SourceReview(r["source_id"], r["name"], r["participant_id"],
                                 r["auto"] + r["accepted"] + r["rejected"] + r["added"], r["auto"])
                    for r in rows)
    return ReviewSummary(total=sum(x.detections for x in sources),
                         unreviewed=sum(x.unreviewed for x in sources),
                         accepted=sum(r["accepted"] for r in rows), rejected=sum(r["rejected"] for r in rows),
                         added=sum(r["added"] for r in rows), sources=sources)


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


def surface_groups(project, status: str | Iterable[str] | None = "auto"):
    """One row per surface form (``surface, label, n, ids, risk, statuses``), riskiest first:
    a reviewer decides once per group with :func:`accept` or :func:`reject` on its ``ids``."""
    import pandas as pd

    df = detections(project, status=status)
    cols = ["surface", "label", "n", "ids", "risk", "statuses"]
    if not len(df):
        return pd.DataFrame(columns=cols)
    out = []
    for surface, g in df.groupby("surface", sort=False):
        out.append({"surface": surface, "label": g.label.iat[0], "n": len(g), "ids": [int(i) for i in g.id],
                    "risk": float(g.risk.max()), "statuses": dict(Counter(g.status))})
    return pd.DataFrame(out, columns=cols).sort_values(["risk", "n"], ascending=[False, False],
                                                       kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------- report
def report(project) -> dict:
    """Counts per label, per entity (tag), per status; sources not yet de-identified; the state of
    the originals, names and allow-list. Holds no original text (typed tags are counted per tag)."""
    d = s.deid_detections
    with project.engine.connect() as conn:
        rows = conn.execute(select(d.c.label, d.c.entity_key, d.c.replacement, d.c.status)).fetchall()
        names = _name_entries(conn)
        allow_terms = _allow_terms(conn)
        audit = conn.execute(select(s.deid_audit.c.action)).fetchall()
    by_label = Counter(r.label for r in rows)
    by_status = Counter(r.status for r in rows)
    ents: dict[str, dict] = {}
    for r in rows:
        key = r.entity_key or r.replacement
        e = ents.setdefault(key, {"entity": key, "label": r.label, "n": 0, **{st: 0 for st in STATUSES}})
        e["n"] += 1
        e[r.status] = e.get(r.status, 0) + 1
    info = orig.status(project)
    return {
        "detections": len(rows),
        "by_label": dict(sorted(by_label.items())),
        "by_status": {st: by_status.get(st, 0) for st in STATUSES if by_status.get(st, 0)},
        "by_entity": sorted(ents.values(), key=lambda e: (e["label"] not in ("PERSON", "CUSTOM"),
                                                          _tag_sort_key(e["entity"]))),
        "pending_sources": [{"id": int(p["id"]), "name": p["name"], "participant": p["participant_id"]}
                            for p in pending_sources(project)],
        "originals": {k: info.get(k) for k in ("keep", "path", "exists", "originals", "purged", "error")
                      if k in info},
        "names": len(names),
        "allow_list": [t.removeprefix("=") for t in allow_terms],
        "decisions": dict(Counter(a[0] for a in audit)),
        "unreviewed": by_status.get("auto", 0),
        "sources_reviewed": _sources_reviewed(project),
    }


def _sources_reviewed(project) -> dict:
    summary = review_summary(project)
    with_dets = [x for x in summary.sources if x.detections]
    return {"reviewed": len(summary.reviewed_sources), "with_detections": len(with_dets),
            "unreviewed": [{"id": x.source_id, "name": x.name, "unreviewed": x.unreviewed}
                           for x in summary.unreviewed_sources]}


__all__ = [
    "Outcome", "ReviewError", "ReviewSummary", "STATUSES", "SourceReview", "accept", "accept_source", "add_name",
    "add_span", "allow", "build_detector", "deidentify_pending", "detections", "entities", "is_person_tag",
    "pending_sources", "place_policy", "purge_originals", "reject", "report", "review_summary", "risk_of",
    "set_keep_originals", "set_place_policy",
    "surface_groups",
]
