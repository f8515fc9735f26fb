"""The SQL of codebook edits, one statement per function, run inside the caller's transaction
(:class:`elc.coding.codebook.Codebook` holds the write transaction and the rules)."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from elc.store import database, schema as s


def log_edit(conn, coder: str, action: str, code_id: int, payload: dict) -> None:
    conn.execute(s.codebook_log.insert().values(ts=database.now(), coder=coder, action=action,
                                                code_id=code_id, payload=json.dumps(payload)))


def edits_by(conn, coder: str) -> list:
    """``coder``'s codebook log rows (mappings), oldest first."""
    return conn.execute(select(s.codebook_log).where(s.codebook_log.c.coder == coder)
                        .order_by(s.codebook_log.c.id)).mappings().all()


def code_row(conn, code_id: int):
    """The code's row (a mapping), or None."""
    return conn.execute(select(s.codes).where(s.codes.c.id == code_id)).mappings().first()


def live_code_named(conn, name: str) -> int | None:
    """Id of a live (not archived) code with this name, case-insensitive, or None."""
    clash = conn.execute(select(s.codes.c.id).where(
        (func.lower(s.codes.c.name) == name.lower()) & (s.codes.c.archived == 0))).first()
    return clash[0] if clash else None


def next_position(conn) -> int:
    return (conn.execute(select(func.max(s.codes.c.position))).scalar() or 0) + 1


def insert_code(conn, **values) -> int:
    return conn.execute(s.codes.insert().values(**values)).inserted_primary_key[0]


def update_code(conn, code_id: int, **values) -> None:
    conn.execute(s.codes.update().where(s.codes.c.id == code_id).values(**values))


def parent_of(conn, code_id: int) -> int | None:
    return conn.execute(select(s.codes.c.parent_id).where(s.codes.c.id == code_id)).scalar()


def coding_ids_of(conn, code_id: int) -> list[int]:
    """Every coding (active or not) of the code."""
    return [r[0] for r in conn.execute(select(s.codings.c.id).where(s.codings.c.code_id == code_id))]


def children_of(conn, code_id: int) -> list[int]:
    return [r[0] for r in conn.execute(select(s.codes.c.id).where(s.codes.c.parent_id == code_id))]


def repoint_codings(conn, from_code: int, to_code: int) -> None:
    conn.execute(s.codings.update().where(s.codings.c.code_id == from_code).values(code_id=to_code))


def reparent_children(conn, from_code: int, to_code: int) -> None:
    conn.execute(s.codes.update().where(s.codes.c.parent_id == from_code).values(parent_id=to_code))


def active_codings(conn, code_id: int) -> int:
    return conn.execute(select(func.count()).select_from(s.codings).where(
        (s.codings.c.code_id == code_id) & (s.codings.c.active == 1))).scalar()


def restore_codings(conn, coding_ids: list[int], now_on: int, back_to: int) -> None:
    """Point the given codings back at ``back_to`` where they are still on ``now_on``."""
    conn.execute(s.codings.update().where(s.codings.c.id.in_(coding_ids) & (s.codings.c.code_id == now_on))
                 .values(code_id=back_to))


def set_parents(conn, code_ids: list[int], parent_id: int) -> None:
    conn.execute(s.codes.update().where(s.codes.c.id.in_(code_ids)).values(parent_id=parent_id))
