"""The SQL behind high-impact changes: rows, code/theme links, and their writes inside a caller's
transaction (so a workshop record can create, amend and merge changes all at once or not at all).

:mod:`elc.insights.changes` is the API; nothing outside ``elc.store`` talks SQL (issue 11).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from elc.store import database, schema as s
from elc.store.kpis import replace_measures, unlink_change_kpis
from elc.store.requirements import delete_requirements, replace_requirements
from elc.store.workshop import delete_change_records


@dataclass(frozen=True)
class ChangeRow:
    id: int
    position: int
    title: str
    rationale: str
    owner: str


@dataclass(frozen=True)
class Link:
    change_id: int
    kind: str  # code | theme
    ref: str  # code id as text, or a theme label


def change_rows(project, conn=None) -> list[ChangeRow]:
    """Every change in list order (``conn``: read inside the caller's transaction)."""
    stmt = select(s.changes).order_by(s.changes.c.position, s.changes.c.id)
    if conn is not None:
        rows = conn.execute(stmt).mappings().all()
    else:
        with project.engine.connect() as c:
            rows = c.execute(stmt).mappings().all()
    return [ChangeRow(int(r["id"]), int(r["position"]), r["title"], r["rationale"] or "", r["owner"] or "")
            for r in rows]


def links(project, conn=None) -> list[Link]:
    stmt = select(s.change_links).order_by(s.change_links.c.id)
    if conn is not None:
        rows = conn.execute(stmt).mappings().all()
    else:
        with project.engine.connect() as c:
            rows = c.execute(stmt).mappings().all()
    return [Link(int(r["change_id"]), r["kind"], r["ref"]) for r in rows]


def insert_change(conn, title: str, rationale: str = "", owner: str = "", measures=(), by: str = "") -> int:
    """Append a change at the end of the list; returns its id."""
    position = conn.execute(select(func.coalesce(func.max(s.changes.c.position), -1))).scalar() + 1
    cid = int(conn.execute(s.changes.insert().values(
        position=position, title=title, rationale=rationale, owner=owner, measures="[]",
        created_at=database.now())).inserted_primary_key[0])
    replace_measures(conn, cid, list(measures), by)
    return cid


def update_row(conn, cid: int, **values) -> None:
    """Set title/rationale/owner of a change."""
    if values:
        conn.execute(s.changes.update().where(s.changes.c.id == int(cid)).values(**values))


def set_measures(conn, cid: int, measures: list[str], by: str = "") -> None:
    replace_measures(conn, cid, list(measures), by)


def set_requirements(conn, cid: int, texts: list[str], by: str = "") -> None:
    replace_requirements(conn, cid, list(texts), by)


def link(conn, cid: int, code_ids, themes) -> int:
    """Add code/theme links a change does not have yet; returns how many were new."""
    existing = {(r.kind, r.ref) for r in conn.execute(
        select(s.change_links.c.kind, s.change_links.c.ref).where(s.change_links.c.change_id == cid))}
    new = [("code", str(c)) for c in code_ids] + [("theme", t) for t in themes]
    added = 0
    for kind, ref in new:
        if (kind, ref) not in existing:
            conn.execute(s.change_links.insert().values(change_id=cid, kind=kind, ref=ref))
            existing.add((kind, ref))
            added += 1
    return added


def unlink(conn, cid: int, refs: list[tuple[str, str]]) -> int:
    removed = 0
    for kind, ref in refs:
        removed += conn.execute(s.change_links.delete().where(
            (s.change_links.c.change_id == cid) & (s.change_links.c.kind == kind)
            & (s.change_links.c.ref == ref))).rowcount
    return removed


def clear_links(conn, cid: int) -> None:
    conn.execute(s.change_links.delete().where(s.change_links.c.change_id == cid))


def unite_links(conn, source: int, target: int) -> int:
    """A merge: the target gains every code/theme link of the source; returns how many were new."""
    rows = conn.execute(select(s.change_links.c.kind, s.change_links.c.ref)
                        .where(s.change_links.c.change_id == int(source))).all()
    return link(conn, int(target), [r.ref for r in rows if r.kind == "code"],
                [r.ref for r in rows if r.kind == "theme"])


def delete_change(conn, cid: int) -> None:
    """Delete a change with its links, requirements, KPIs (those without returns) and decisions."""
    clear_links(conn, cid)
    delete_requirements(conn, cid)
    unlink_change_kpis(conn, cid)
    delete_change_records(conn, cid)
    conn.execute(s.changes.delete().where(s.changes.c.id == cid))
