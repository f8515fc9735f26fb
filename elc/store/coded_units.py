"""Coded units: what researchers coded (a response, a turn, a passage, a sentence).

Suggestions learn from and are evaluated on the unit the researchers coded, so the unit is
recorded where it is known: per import of a coded table (``import``) and per coding
(``coding``). The table lives beside the core schema and is created on first write, so
projects made before it need no migration; a project without it has no recorded units
(readers then derive a coding's unit from its span).

Also here: the SQL of ``elc import-coded``: find an earlier import by content hash, and write a
file's codes-to-be codings in one transaction (deduplicated, logged like any coding).
"""

from __future__ import annotations

import json

from sqlalchemy import Column, Integer, MetaData, String, Table, and_, select

from elc.store import database, schema as s

UNITS = ("response", "turn", "passage", "sentence")

_meta = MetaData()
unit_records = Table(
    "unit_records", _meta,
    Column("kind", String(16), primary_key=True),  # import | coding
    Column("ref", Integer, primary_key=True),       # imports.id or codings.id
    Column("unit", String(16), nullable=False),
)


def _ensure(conn) -> None:
    unit_records.create(conn, checkfirst=True)


def _has_table(conn) -> bool:
    from sqlalchemy import inspect

    return inspect(conn).has_table("unit_records")


def import_by_hash(project, digest: str) -> tuple[int, str] | None:
    """``(import id, imported_at)`` of the import with this content hash, or None."""
    with project.engine.connect() as conn:
        row = conn.execute(select(s.imports.c.id, s.imports.c.imported_at)
                           .where(s.imports.c.file_hash == digest)).first()
    return (int(row[0]), str(row[1])) if row else None


def import_turns(project, import_id: int) -> list[list[tuple[int, int, int, int]]]:
    """Participant turns of one import: per source (in id order) a list of
    ``(source_id, turn_id, body_start, body_end)`` in position order (body: the turn's
    sentences, without the speaker label)."""
    g, src = s.segments, s.sources
    with project.engine.connect() as conn:
        rows = conn.execute(
            select(g.c.id, g.c.source_id, g.c.kind, g.c.parent_id, g.c.position, g.c.start, g.c.end, g.c.speaker)
            .select_from(g.join(src, g.c.source_id == src.c.id))
            .where(and_(src.c.import_id == import_id, g.c.role == "participant"))
            .order_by(src.c.id, g.c.position)).all()
    bodies: dict[int, list[int]] = {}
    for r in rows:
        if r.kind == "sentence" and r.parent_id is not None:
            b = bodies.setdefault(r.parent_id, [r.start, r.end])
            b[0], b[1] = min(b[0], r.start), max(b[1], r.end)
    out: dict[int, list] = {}
    for r in rows:
        if r.kind == "turn":  # a turn without sentences (e.g. only "-"): its text after the label
            body = bodies.get(r.id) or [min(r.start + len(r.speaker or "") + 2, r.end), r.end]
            out.setdefault(r.source_id, []).append((r.source_id, r.id, *body))
    return [out[k] for k in sorted(out)]


def record_import_unit(conn, import_id: int, unit: str) -> None:
    _ensure(conn)
    conn.execute(unit_records.delete().where(and_(unit_records.c.kind == "import",
                                                  unit_records.c.ref == import_id)))
    conn.execute(unit_records.insert().values(kind="import", ref=import_id, unit=unit))


def write_codings(project, rows: list[tuple], unit: str, import_id: int | None = None,
                  origin: str = "import") -> int:
    """Insert ``(source_id, start, end, code_id, valence, coder, memo)`` codings in ONE transaction,
    skipping ones already there (so a re-run after a kill completes the file), each logged as an
    ``apply`` action and recorded with its ``unit``; the import's unit is recorded too.
    Returns the number of codings added."""
    k = s.codings
    with project.engine.begin() as conn:
        _ensure(conn)
        sources = sorted({int(r[0]) for r in rows})
        have = set()
        for i in range(0, len(sources), 500):
            have |= {tuple(x) for x in conn.execute(
                select(k.c.source_id, k.c.start, k.c.end, k.c.code_id, k.c.coder)
                .where(and_(k.c.source_id.in_(sources[i:i + 500]), k.c.active == 1)))}
        ts = database.now()
        added = 0
        for source_id, start, end, code_id, valence, coder, memo in rows:
            key = (int(source_id), int(start), int(end), int(code_id), coder)
            if key in have:
                continue
            have.add(key)
            cid = conn.execute(k.insert().values(
                source_id=key[0], start=key[1], end=key[2], code_id=key[3], valence=valence, coder=coder,
                memo=memo, origin=origin, created_at=ts, updated_at=ts, active=1)).inserted_primary_key[0]
            conn.execute(s.coding_actions.insert().values(
                ts=ts, coder=coder, action="apply", coding_id=cid, before=json.dumps({"active": 0}),
                after=json.dumps({"active": 1, "valence": valence, "memo": memo, "code_id": key[3],
                                  "origin": origin})))
            conn.execute(unit_records.insert().values(kind="coding", ref=int(cid), unit=unit))
            added += 1
        if import_id is not None:
            record_import_unit(conn, import_id, unit)
    return added


def record_coding_units(project, coding_ids: list[int], unit: str) -> None:
    """Record the unit of codings made one by one (e.g. sentence-anchored coding tables)."""
    if not coding_ids:
        return
    with project.engine.begin() as conn:
        _ensure(conn)
        ids = sorted(set(int(c) for c in coding_ids))
        for i in range(0, len(ids), 500):
            conn.execute(unit_records.delete().where(and_(unit_records.c.kind == "coding",
                                                          unit_records.c.ref.in_(ids[i:i + 500]))))
        conn.execute(unit_records.insert(), [{"kind": "coding", "ref": c, "unit": unit} for c in ids])


def recorded_units(project, kind: str) -> dict[int, str]:
    """``{ref: unit}`` for ``kind`` "import" or "coding" (empty for projects without records)."""
    with project.engine.connect() as conn:
        if not _has_table(conn):
            return {}
        return {int(r): str(u) for r, u in conn.execute(
            select(unit_records.c.ref, unit_records.c.unit).where(unit_records.c.kind == kind))}


def source_imports(project) -> dict[int, int]:
    """``{source_id: import_id}``."""
    with project.engine.connect() as conn:
        return {int(a): int(b) for a, b in conn.execute(select(s.sources.c.id, s.sources.c.import_id))
                if b is not None}
