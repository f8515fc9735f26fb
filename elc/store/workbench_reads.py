"""Lean reads the coding workbench needs: plain row tuples, one query each (the workbench keeps
its own caches and redraws from them)."""

from __future__ import annotations

from sqlalchemy import and_, func, select

from elc.store import schema as s


def progress_spans(project, coder: str) -> tuple[list, list]:
    """From one snapshot: participant sentences ``(source_id, start, end, id)`` in source order, and
    ``coder``'s active coding spans ``(source_id, start, end)`` (the unit of progress)."""
    g, k = s.segments, s.codings
    with project.engine.connect() as conn:
        segs = conn.execute(select(g.c.source_id, g.c.start, g.c.end, g.c.id).where(
            and_(g.c.kind == "sentence", g.c.role == "participant")).order_by(g.c.source_id, g.c.start)).all()
        own = conn.execute(select(k.c.source_id, k.c.start, k.c.end).where(
            and_(k.c.coder == coder, k.c.active == 1))).all()
    return segs, own


def source_segments(project, source_id: int) -> list:
    """A source's segments: ``(id, kind, start, end, speaker, role, question, ts_start, parent_id)``."""
    g = s.segments
    with project.engine.connect() as conn:
        return conn.execute(select(g.c.id, g.c.kind, g.c.start, g.c.end, g.c.speaker, g.c.role, g.c.question,
                                   g.c.ts_start, g.c.parent_id).where(g.c.source_id == source_id)).all()


def source_codings(project, source_id: int) -> list:
    """A source's active codings (rows with ``id, start, end, code_id, valence, coder, memo, origin``),
    by start then id."""
    k = s.codings
    stmt = (select(k.c.id, k.c.start, k.c.end, k.c.code_id, k.c.valence, k.c.coder, k.c.memo, k.c.origin)
            .where(and_(k.c.source_id == source_id, k.c.active == 1)).order_by(k.c.start, k.c.id))
    with project.engine.connect() as conn:
        return conn.execute(stmt).all()


def code_counts(project, coder: str | None = None) -> dict[int, int]:
    """Active codings per code id (only ``coder``'s when given)."""
    k = s.codings
    stmt = select(k.c.code_id, func.count()).where(k.c.active == 1).group_by(k.c.code_id)
    if coder is not None:
        stmt = stmt.where(k.c.coder == coder)
    with project.engine.connect() as conn:
        return {int(a): int(b) for a, b in conn.execute(stmt)}


def coding_location(project, coding_id: int) -> tuple[int, int, int, int] | None:
    """``(source_id, start, end, code_id)`` of a coding, active or not, or None."""
    k = s.codings
    with project.engine.connect() as conn:
        r = conn.execute(select(k.c.source_id, k.c.start, k.c.end, k.c.code_id)
                         .where(k.c.id == coding_id)).first()
    return tuple(r) if r else None
