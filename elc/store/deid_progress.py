"""Read-only queries for the progress of de-identification review (how many detections each
source still has in status ``auto``, i.e. not yet reviewed)."""

from __future__ import annotations

from sqlalchemy import func, select

from . import schema as s


def status_counts_by_source(conn) -> list[dict]:
    """One row per source: ``source_id, name, participant_id`` and the number of detections per
    status (``auto, accepted, rejected, added``); sources without detections are included with
    zeros, so the rows cover every source of the project."""
    d, src = s.deid_detections, s.sources
    counts = conn.execute(
        select(d.c.source_id, d.c.status, func.count()).group_by(d.c.source_id, d.c.status)).fetchall()
    per: dict[int, dict[str, int]] = {}
    for sid, status, n in counts:
        per.setdefault(int(sid), {})[str(status)] = int(n)
    out = []
    for sid, name, participant in conn.execute(
            select(src.c.id, src.c.name, src.c.participant_id).order_by(src.c.id)).fetchall():
        c = per.get(int(sid), {})
        out.append({"source_id": int(sid), "name": name, "participant_id": participant,
                    **{st: c.get(st, 0) for st in ("auto", "accepted", "rejected", "added")}})
    return out


def unreviewed_ids(conn, source_id: int | None = None) -> list[int]:
    """Ids of the detections still in status ``auto`` (of one source, or of all)."""
    d = s.deid_detections
    stmt = select(d.c.id).where(d.c.status == "auto")
    if source_id is not None:
        stmt = stmt.where(d.c.source_id == int(source_id))
    return [int(r[0]) for r in conn.execute(stmt.order_by(d.c.id)).fetchall()]
