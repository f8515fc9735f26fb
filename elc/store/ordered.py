"""A change's ordered text rows (requirements, KPI measures) made to match a new list."""

from __future__ import annotations

from sqlalchemy import Table, select

from elc.store import database


def reorder_by_text(conn, table: Table, text_column: str, change_id: int, texts: list[str], by: str = "") -> list[int]:
    """Make ``texts`` the change's rows of ``table``, in order, in the caller's transaction.

    A row whose text is unchanged keeps its id and every other field (a requirement's party, a
    KPI's baseline); new texts are inserted. Returns the ids of the rows no longer named, for the
    caller to delete or keep as its table requires."""
    text_col = table.c[text_column]
    old = {r[text_column]: r for r in conn.execute(select(table).where(table.c.change_id == change_id)).mappings()}
    keep: set[int] = set()
    now = database.now()
    for position, text in enumerate(texts):
        if text in old and old[text]["id"] not in keep:
            keep.add(old[text]["id"])
            conn.execute(table.update().where(table.c.id == old[text]["id"]).values(position=position))
        else:
            conn.execute(table.insert().values({table.c.change_id: change_id, table.c.position: position,
                                                text_col: text, table.c.updated_by: by,
                                                table.c.updated_at: now}))
    return [int(r["id"]) for r in old.values() if r["id"] not in keep]
