"""The SQL of coding actions (apply, change, undo, redo), one statement per function, run inside
the caller's transaction (:class:`elc.coding.actions.CodingSession` holds the write transaction
and the rules), and the coder's action log."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import and_, select

from elc.store import database, schema as s


def log_action(conn, coder: str, action: str, coding_id: int | None, before: dict, after: dict,
               target: int | None = None) -> int:
    return conn.execute(s.coding_actions.insert().values(
        ts=database.now(), coder=coder, action=action, coding_id=coding_id,
        before=json.dumps(before), after=json.dumps(after), target_action=target)).inserted_primary_key[0]


def coding_row(conn, coding_id: int):
    """The coding's row (a mapping), or None."""
    return conn.execute(select(s.codings).where(s.codings.c.id == coding_id)).mappings().first()


def code_state(conn, code_id: int):
    """``(id, archived)`` of the code, or None."""
    return conn.execute(select(s.codes.c.id, s.codes.c.archived).where(s.codes.c.id == code_id)).first()


def active_coding_at(conn, source_id: int, start: int, end: int, code_id: int, coder: str) -> int | None:
    """Id of ``coder``'s active coding of exactly this span with this code, or None."""
    dup = conn.execute(select(s.codings.c.id).where(and_(
        s.codings.c.source_id == source_id, s.codings.c.start == start, s.codings.c.end == end,
        s.codings.c.code_id == code_id, s.codings.c.coder == coder, s.codings.c.active == 1))).first()
    return int(dup[0]) if dup else None


def insert_coding(conn, **values) -> int:
    return conn.execute(s.codings.insert().values(**values)).inserted_primary_key[0]


def update_coding(conn, coding_id: int, **values) -> None:
    """Set ``values`` on the coding and stamp ``updated_at``."""
    conn.execute(s.codings.update().where(s.codings.c.id == coding_id)
                 .values(updated_at=database.now(), **values))


def actions_by(conn, coder: str) -> list:
    """``coder``'s coding action rows (mappings), oldest first."""
    return conn.execute(select(s.coding_actions).where(s.coding_actions.c.coder == coder)
                        .order_by(s.coding_actions.c.id)).mappings().all()


def history(project, coder: str) -> pd.DataFrame:
    """``coder``'s coding action log as a DataFrame, oldest first."""
    return project._frame(select(s.coding_actions).where(s.coding_actions.c.coder == coder)
                          .order_by(s.coding_actions.c.id))
