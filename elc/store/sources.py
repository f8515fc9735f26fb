"""The SQL of an import's write: participants, sources and segments in bulk, inside the caller's
write transaction (one per file: a refused file leaves the project unchanged).

The import record itself is :func:`elc.store.refi.add_import`; an earlier import of the same
bytes is :func:`elc.store.coded_units.import_by_hash`.
"""

from __future__ import annotations

from sqlalchemy import select

from elc.store import schema as s


def _chunks(values: list, size: int = 500):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _insert_returning_ids(conn, table, rows: list[dict]) -> list[int]:
    """Bulk insert (one round trip per batch on SQLite and PostgreSQL), ids in row order."""
    if not rows:
        return []
    res = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
    return [r[0] for r in res]


def participant_communities(conn, ids: list[str]) -> dict[str, int | None]:
    """Community id (or None) of each of ``ids`` already in the project."""
    existing: dict[str, int | None] = {}
    for chunk in _chunks(list(ids)):
        existing.update(conn.execute(select(s.participants.c.id, s.participants.c.community_id)
                                     .where(s.participants.c.id.in_(chunk))).fetchall())
    return existing


def add_participants(conn, rows: list[dict]) -> None:
    """Insert participant rows (id, community_id, attributes JSON, created_at); nothing when empty."""
    if rows:
        conn.execute(s.participants.insert(), rows)


def set_participant_community(conn, participant_id: str, community_id: int) -> None:
    conn.execute(s.participants.update().where(s.participants.c.id == participant_id)
                 .values(community_id=community_id))


def any_source_with_hash(conn, hashes: list[str]) -> bool:
    """Whether a source with any of these content hashes is already in the project."""
    for chunk in _chunks(hashes):
        if conn.execute(select(s.sources.c.id).where(s.sources.c.content_hash.in_(chunk))).first():
            return True
    return False


def add_sources(conn, rows: list[dict]) -> list[int]:
    """Insert source rows; their ids in row order."""
    return _insert_returning_ids(conn, s.sources, rows)


def add_turns(conn, rows: list[dict]) -> list[int]:
    """Insert turn segments; their ids in row order (the parents of the sentences)."""
    return _insert_returning_ids(conn, s.segments, rows)


def add_sentences(conn, rows: list[dict]) -> None:
    """Insert sentence segments in batches of 5,000."""
    for chunk in _chunks(rows, 5000):
        conn.execute(s.segments.insert(), chunk)
