"""Store functions of the REFI-QDA exchange: the reads export needs, the writes an import makes."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from elc.store.kpis import replace_measures
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
                        "measures": [str(m) for m in conn.execute(
                            select(s.kpis.c.measure).where(s.kpis.c.change_id == ch["id"])
                            .order_by(s.kpis.c.position, s.kpis.c.id)).scalars()], "links": [(k, r) for k, r in links]})
    return out


def code_guids(engine) -> dict[int, str]:
    """code id -> the GUID the code had in the tool it was imported from."""
    with engine.connect() as conn:
        row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "code_guids")).first()
    try:
        data = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    return {int(k): str(v) for k, v in data.items() if str(k).isdigit()} if isinstance(data, dict) else {}


# ----------------------------------------------------------------------------- loading (one transaction)
def live_codes(conn) -> list[tuple[int, str, int | None]]:
    """(id, name, parent id) of every live code."""
    rows = conn.execute(select(s.codes.c.id, s.codes.c.name, s.codes.c.parent_id).where(s.codes.c.archived == 0))
    return [(int(i), str(n), None if p is None else int(p)) for i, n, p in rows]


def last_code_position(conn) -> int:
    position = conn.execute(select(func.max(s.codes.c.position))).scalar()
    return -1 if position is None else int(position)


def add_code(conn, ts: str, coder: str, origin: str, **values) -> int:
    """Insert a code and its codebook-log entry; returns the new id."""
    cid = int(conn.execute(s.codes.insert().values(created_at=ts, archived=0, **values)).inserted_primary_key[0])
    conn.execute(s.codebook_log.insert().values(ts=ts, coder=coder, action="import", code_id=cid, payload=json.dumps(
        {"name": values["name"], "kind": values["kind"], "from": origin})))
    return cid


def add_participant(conn, pid: str, community_id: int | None, attributes: dict, ts: str) -> None:
    conn.execute(s.participants.insert().values(id=pid, community_id=community_id,
                                                attributes=json.dumps(attributes, default=str), created_at=ts))


def add_import(conn, file_name: str, file_hash: str, fmt: str, ts: str, n_sources: int) -> int:
    return int(conn.execute(s.imports.insert().values(file_name=file_name, file_hash=file_hash, format=fmt,
                                                      imported_at=ts, n_sources=n_sources)).inserted_primary_key[0])


def add_source(conn, **values) -> int:
    return int(conn.execute(s.sources.insert().values(**values)).inserted_primary_key[0])


def add_segments(conn, source_id: int, turns: list[dict]) -> None:
    """Turn segments, each with its sentences (``turn["_sentences"]``) as children."""
    for turn in turns:
        sentences = turn.pop("_sentences")
        turn_id = conn.execute(s.segments.insert().values(source_id=source_id, **turn)).inserted_primary_key[0]
        if sentences:
            conn.execute(s.segments.insert(), [{**x, "source_id": source_id, "parent_id": turn_id} for x in sentences])


def add_coding(conn, ts: str, file_name: str, **values) -> int:
    """Insert an active coding and the "import" action that made it."""
    cid = int(conn.execute(s.codings.insert().values(active=1, **values)).inserted_primary_key[0])
    conn.execute(s.coding_actions.insert().values(
        ts=ts, coder=values["coder"], action="import", coding_id=cid, before=json.dumps({"active": 0}),
        after=json.dumps({"active": 1, "valence": values["valence"], "memo": values["memo"],
                          "code_id": values["code_id"], "origin": values["origin"], "from": file_name})))
    return cid


def add_change(conn, position: int, title: str, rationale: str, owner: str, measures: list[str], ts: str,
               links: list[tuple[str, str]]) -> int:
    change_id = int(conn.execute(s.changes.insert().values(
        position=position, title=title, rationale=rationale, owner=owner, measures="[]",
        created_at=ts)).inserted_primary_key[0])
    replace_measures(conn, change_id, list(measures))
    for kind, ref in links:
        conn.execute(s.change_links.insert().values(change_id=change_id, kind=kind, ref=ref))
    return change_id


def meta_exists(conn, key: str) -> bool:
    return conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).first() is not None


def checkpoint(engine) -> None:
    """Fold the write-ahead log into the database file (SQLite), before the file is moved."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def source_metadata(engine) -> dict[int, dict]:
    """source id -> its metadata (an imported source's GUID in the tool it came from, its memo...)."""
    with engine.connect() as conn:
        rows = conn.execute(select(s.sources.c.id, s.sources.c.metadata)).all()
    out = {}
    for sid, raw in rows:
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            data = {}
        out[int(sid)] = data if isinstance(data, dict) else {}
    return out
