"""The SQL of de-identification review (:mod:`elc.deid.review`): detections, review terms, the
audit, and the segment copies kept in step with revised text.

Every writer runs on the caller's connection, inside the one write transaction a review call
holds (nothing is half-done on error); readers that open their own connection take ``project``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from elc.store import originals, schema as s


# ---------------------------------------------------------------------------- meta and audit
def meta_value(conn, key: str, default=None):
    row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).first()
    return json.loads(row[0]) if row else default


def set_meta(conn, key: str, value) -> None:
    conn.execute(s.meta.delete().where(s.meta.c.key == key))
    conn.execute(s.meta.insert().values(key=key, value=json.dumps(value)))


def audit(conn, reviewer: str, action: str, detection_id: int | None, payload: dict, ts: str) -> None:
    conn.execute(s.deid_audit.insert().values(ts=ts, reviewer=reviewer, action=action, detection_id=detection_id,
                                              payload=json.dumps(payload, sort_keys=True)))


def audit_actions(conn) -> list[str]:
    """The action of every audit row."""
    return [r[0] for r in conn.execute(select(s.deid_audit.c.action)).fetchall()]


def add_term(conn, term: str, kind: str, reviewer: str, ts: str) -> None:
    """Record a review term (``allow`` or ``name``) unless it is there already."""
    t = s.deid_terms
    exists = conn.execute(select(t.c.id).where((t.c.term == term) & (t.c.kind == kind))).first()
    if not exists:
        conn.execute(t.insert().values(term=term, kind=kind, added_by=reviewer, ts=ts))


def drop_term(conn, term: str, kind: str) -> None:
    conn.execute(s.deid_terms.delete().where((s.deid_terms.c.term == term) & (s.deid_terms.c.kind == kind)))


# ---------------------------------------------------------------------------- sources and segments
def source_text(conn, source_id: int) -> str | None:
    return conn.execute(select(s.sources.c.text).where(s.sources.c.id == source_id)).scalar()


def source_texts(conn) -> list[tuple[int, str]]:
    """``(id, text)`` of every source, in id order."""
    return [tuple(r) for r in conn.execute(select(s.sources.c.id, s.sources.c.text).order_by(s.sources.c.id))
            .fetchall()]


def pending_sources(project) -> list[dict]:
    """Sources stored without de-identification: ``id, name, participant_id``."""
    with project.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(s.sources.c.id, s.sources.c.name, s.sources.c.participant_id)
                                              .where(s.sources.c.deidentified == 0).order_by(s.sources.c.id))
                .mappings()]


def is_deidentified(conn, source_id: int) -> bool:
    return bool(conn.execute(select(s.sources.c.deidentified).where(s.sources.c.id == source_id)).scalar())


def mark_deidentified(conn, source_id: int) -> None:
    conn.execute(s.sources.update().where(s.sources.c.id == source_id).values(deidentified=1))


def turn_spans(conn, source_id: int) -> list[tuple]:
    """``(start, end, speaker)`` of a source's turns, in text order."""
    g = s.segments
    return conn.execute(select(g.c.start, g.c.end, g.c.speaker)
                        .where((g.c.source_id == source_id) & (g.c.kind == "turn"))
                        .order_by(g.c.start)).fetchall()


def segments_of(conn, source_id: int) -> list:
    """A source's segments (mappings with ``id, kind, parent_id, start, end, speaker, role,
    question, lemmas``), by start, turns before their sentences."""
    g = s.segments
    return conn.execute(select(g.c.id, g.c.kind, g.c.parent_id, g.c.start, g.c.end, g.c.speaker, g.c.role,
                               g.c.question, g.c.lemmas)
                        .where(g.c.source_id == source_id).order_by(g.c.start, g.c.kind.desc())).mappings().all()


def update_segment(conn, segment_id: int, values: dict) -> None:
    conn.execute(s.segments.update().where(s.segments.c.id == segment_id).values(**values))


# ---------------------------------------------------------------------------- detections
def detection_rows(conn, ids: list[int]) -> dict[int, dict]:
    """The full rows of those of ``ids`` that exist, by id."""
    d = s.deid_detections
    return {int(r["id"]): dict(r) for r in conn.execute(select(d).where(d.c.id.in_(ids))).mappings()}


def insert_detection(conn, **values) -> int:
    return int(conn.execute(s.deid_detections.insert().values(**values)).inserted_primary_key[0])


def set_status(conn, ids: list[int], status: str, reviewer: str, ts: str) -> None:
    d = s.deid_detections
    conn.execute(d.update().where(d.c.id.in_(ids)).values(status=status, reviewer=reviewer, reviewed_at=ts))


def rejected_spans(conn) -> list[tuple]:
    """``(id, source_id, start, end)`` of every rejected detection."""
    d = s.deid_detections
    return conn.execute(select(d.c.id, d.c.source_id, d.c.start, d.c.end).where(d.c.status == "rejected")).fetchall()


def overlapping(conn, source_id: int, start: int, end: int) -> list:
    """Detections of a source overlapping ``start:end`` (rows with ``id, start, end, status``)."""
    d = s.deid_detections
    return conn.execute(select(d.c.id, d.c.start, d.c.end, d.c.status)
                        .where((d.c.source_id == source_id) & (d.c.start < end) & (d.c.end > start))).fetchall()


def detections_in(conn, source_id: int) -> list:
    """Every detection of a source (rows with ``id, start, end, status``)."""
    d = s.deid_detections
    return conn.execute(select(d.c.id, d.c.start, d.c.end, d.c.status).where(d.c.source_id == source_id)).fetchall()


def detection_spans(conn, source_id: int) -> list[tuple]:
    """``(start, end)`` of every detection of a source."""
    d = s.deid_detections
    return conn.execute(select(d.c.start, d.c.end).where(d.c.source_id == source_id)).fetchall()


def live_detections(conn) -> list[dict]:
    """Full rows of every detection not rejected."""
    d = s.deid_detections
    return [dict(r) for r in conn.execute(select(d).where(d.c.status != "rejected")).mappings()]


def detection_labels(conn) -> list:
    """Every detection as a row with ``label, entity_key, replacement, status``."""
    d = s.deid_detections
    return conn.execute(select(d.c.label, d.c.entity_key, d.c.replacement, d.c.status)).fetchall()


@dataclass
class DetectionContext:
    """Detections with what a reviewer needs around them, read from one snapshot."""

    rows: list[dict] = field(default_factory=list)  # id, source_id, source, participant_id, community, ...
    texts: dict[int, str] = field(default_factory=dict)  # source id -> stored text
    sentences: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    turns: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    originals: dict[int, str] = field(default_factory=dict)  # detection id -> kept original


def detection_context(project, status: list[str] | None, source_id: int | None,
                      with_originals: bool) -> DetectionContext:
    """Detections (only those in ``status`` / of ``source_id`` when given) with their source and
    participant, the texts of their sources, the sentence and turn spans of those sources, and
    (``with_originals``) the kept originals."""
    d, src, p, c = s.deid_detections, s.sources, s.participants, s.communities
    stmt = (select(d.c.id, d.c.source_id, src.c.name.label("source"), src.c.participant_id,
                   c.c.key.label("community"), d.c.start, d.c.end, d.c.label, d.c.replacement, d.c.entity_key,
                   d.c.detector, d.c.status, d.c.reviewer, d.c.reviewed_at)
            .select_from(d.join(src, d.c.source_id == src.c.id)
                         .outerjoin(p, src.c.participant_id == p.c.id)
                         .outerjoin(c, p.c.community_id == c.c.id)))
    if status is not None:
        stmt = stmt.where(d.c.status.in_(status))
    if source_id is not None:
        stmt = stmt.where(d.c.source_id == int(source_id))
    out = DetectionContext()
    with project.engine.connect() as conn:
        out.rows = [dict(r) for r in conn.execute(stmt).mappings()]
        if not out.rows:
            return out
        sids = sorted({r["source_id"] for r in out.rows})
        out.texts = dict(conn.execute(select(src.c.id, src.c.text).where(src.c.id.in_(sids))).fetchall())
        g = s.segments
        for sid, kind, a, b in conn.execute(select(g.c.source_id, g.c.kind, g.c.start, g.c.end)
                                            .where(g.c.source_id.in_(sids)).order_by(g.c.source_id, g.c.start)):
            (out.sentences if kind == "sentence" else out.turns)[sid].append((a, b))
        if with_originals:
            out.originals = originals.originals_for(project, [r["id"] for r in out.rows], conn)
    return out
