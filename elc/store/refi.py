"""Reads the REFI-QDA exchange needs beyond the Project API (raw meta values, questions, changes)."""

from __future__ import annotations

import json

from sqlalchemy import select

from elc.store import schema as s


def meta_raw(engine, key: str) -> str | None:
    """A meta value as stored (``created_at`` is written as plain text, not JSON)."""
    with engine.connect() as conn:
        row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).first()
    return None if row is None else str(row[0])


def questions(engine) -> list[dict]:
    """The programme's open questions in order: ``{"family", "text"}``."""
    with engine.connect() as conn:
        return [{"family": q.family, "text": q.text}
                for q in conn.execute(select(s.questions).order_by(s.questions.c.position))]


def changes_with_links(engine) -> list[dict]:
    """Changes in order, each with its links as ``[(kind, ref), ...]``."""
    out = []
    with engine.connect() as conn:
        for ch in conn.execute(select(s.changes).order_by(s.changes.c.position)).mappings():
            links = conn.execute(select(s.change_links.c.kind, s.change_links.c.ref)
                                 .where(s.change_links.c.change_id == ch["id"]).order_by(s.change_links.c.id)).all()
            out.append({"title": ch["title"], "rationale": ch["rationale"], "owner": ch["owner"],
                        "measures": json.loads(ch["measures"] or "[]"), "links": [(k, r) for k, r in links]})
    return out
