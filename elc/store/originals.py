"""The originals sidecar: what each replacement hid, kept beside the project only if it says so.

The project file holds de-identified text only. So that a reviewer can undo a wrong replacement,
the original surface of every stored detection is written to a separate SQLite file beside the
project, ``<project>.originals`` (created with 0600 permissions), in the same import or review
step that stored the detection. The project decides (meta key ``deid_keep_originals``, true
unless set); ``purge`` deletes the sidecar, after which nothing can be restored.

Writes are staged on the project's SQLAlchemy connection and written to the sidecar when that
connection commits, just before the project's own commit: if the sidecar cannot be written the
project transaction fails too, so no detection is ever stored without its original when
originals are kept. Rows carry the source's import stamp, so a row left by a project commit that
failed after the sidecar's is recognised as stale and never used.

A PostgreSQL project keeps the same rows in its ``elc_originals`` schema, readable only by
roles granted on it (see :mod:`elc.store.originals_pg`); they are written on the project's own
connection, in the same transaction. Other database URLs keep no originals.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterable, Mapping
from contextlib import closing
from pathlib import Path

from sqlalchemy import event, func, select

from elc.store import database, originals_pg, schema as s, sidecar

SUFFIX = ".originals"
META_KEEP = "deid_keep_originals"
META_PURGED = "deid_originals_purged"
_SCHEMA = sidecar.SCHEMA
OriginalsError = sidecar.OriginalsError


# ---------------------------------------------------------------------------- where and whether
def sidecar_path(project) -> Path | None:
    """``<project file>.originals``, or ``None`` for a project behind a database URL."""
    if database.is_url(project.location):
        return None
    return Path(str(project.location) + SUFFIX)


def in_schema(project) -> bool:
    """Whether the project keeps its originals in a PostgreSQL schema (not a sidecar file)."""
    return database.is_url(project.location) and project.engine.dialect.name == "postgresql"


def can_keep(project) -> bool:
    return in_schema(project) or sidecar_path(project) is not None


def where(project) -> str | None:
    """Where the originals are kept, as messages show it."""
    if in_schema(project):
        return originals_pg.WHERE
    path = sidecar_path(project)
    return path.name if path else None


def _meta(conn, key: str, default=None):
    import json

    row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).first()
    return json.loads(row[0]) if row else default


def keeps_originals(project, conn=None) -> bool:
    """Whether new detections get their originals kept (meta ``deid_keep_originals``, default
    true) and the project can keep them (a file, or a PostgreSQL database)."""
    if not can_keep(project):
        return False
    if conn is not None:
        return bool(_meta(conn, META_KEEP, True))
    return bool(project.meta_get(META_KEEP, True))


_project_identity = sidecar.project_identity
_create_private = sidecar.create_private
_open = sidecar.open_sidecar


# ---------------------------------------------------------------------------- staged writes
class _Pending:
    def __init__(self, project) -> None:
        self.project = project
        self.rows: list[tuple] = []
        self.names: list[tuple] = []
        self.identity: str | None = None


_PENDING: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _pending(project, conn) -> _Pending:
    pend = _PENDING.get(conn)
    if pend is None:
        pend = _Pending(project)
        pend.identity = _project_identity(conn)
        _PENDING[conn] = pend
        event.listen(conn, "commit", _flush)
        event.listen(conn, "rollback", _discard)
    return pend


def _discard(conn) -> None:
    pend = _PENDING.get(conn)
    if pend is not None:
        pend.rows.clear()
        pend.names.clear()


def _flush(conn) -> None:
    """Write what this connection staged to the sidecar (called as the project commits)."""
    pend = _PENDING.get(conn)
    if pend is None or not (pend.rows or pend.names):
        return
    path = sidecar_path(pend.project)
    assert path is not None  # only a project file (never a database URL) stages rows for its sidecar
    rows, names = list(pend.rows), list(pend.names)
    pend.rows.clear()
    pend.names.clear()
    try:
        with closing(_open(path, pend.identity or "", create=True)) as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO originals(detection_id, source_id, label, replacement, "
                           "original, stamp, ts) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            db.executemany("INSERT OR REPLACE INTO names(key, name, label, added_by, ts) VALUES (?, ?, ?, ?, ?)",
                           names)
            db.execute("COMMIT")
    except sqlite3.Error as exc:
        raise OriginalsError(f"{path}: the originals could not be written ({exc}); nothing was changed") from None


def stage(project, conn, rows: Iterable[Mapping]) -> int:
    """Stage originals for detections stored on ``conn``; they are written when it commits
    (on PostgreSQL: at once, in the same transaction).

    Each row: ``detection_id``, ``source_id``, ``label``, ``replacement``, ``original``. Does
    nothing (and returns 0) when the project does not keep originals.
    """
    rows = list(rows)
    if not rows or not keeps_originals(project, conn):
        return 0
    stamps: dict[int, str] = {}
    ts = database.now()
    out = []
    for r in rows:
        sid = int(r["source_id"])
        if sid not in stamps:
            stamps[sid] = _stamp(conn, sid)
        out.append((int(r["detection_id"]), sid, r["label"], r["replacement"], r["original"], stamps[sid], ts))
    if in_schema(project):
        originals_pg.write(conn, out, [])
    else:
        _pending(project, conn).rows.extend(out)
    return len(rows)


def stage_name(project, conn, key: str, name: str, label: str, added_by: str) -> None:
    """Keep the clear text of a name a reviewer added (the project file holds only its hash)."""
    if not keeps_originals(project, conn):
        return
    row = (key, name, label, added_by, database.now())
    if in_schema(project):
        originals_pg.write(conn, [], [row])
    else:
        _pending(project, conn).names.append(row)


def _stamp(conn, source_id: int) -> str:
    return str(conn.execute(select(s.sources.c.imported_at).where(s.sources.c.id == source_id)).scalar() or "")


# ---------------------------------------------------------------------------- the import hook
def store_detections(project, conn, source_id: int, detections: list[dict]) -> None:
    """Insert a source's detection rows and stage their originals (the import's hook).

    ``detections`` are the dicts ``build_source`` makes; an ``_original`` key (the replaced
    surface) goes to the sidecar, never to the project. Keys starting with ``_`` are dropped.
    """
    if not detections:
        return
    before = conn.execute(select(func.max(s.deid_detections.c.id))).scalar() or 0
    conn.execute(s.deid_detections.insert(), [
        {**{k: v for k, v in d.items() if not k.startswith("_")}, "source_id": source_id} for d in detections])
    if not any("_original" in d for d in detections):
        return
    ids = [r[0] for r in conn.execute(
        select(s.deid_detections.c.id).where((s.deid_detections.c.source_id == source_id)
                                             & (s.deid_detections.c.id > before))
        .order_by(s.deid_detections.c.id))]
    stage(project, conn, [
        {"detection_id": i, "source_id": source_id, "label": d["label"], "replacement": d["replacement"],
         "original": d["_original"]}
        for i, d in zip(ids, detections) if d.get("_original") is not None])


# ---------------------------------------------------------------------------- reads
def originals_for(project, detection_ids: Iterable[int], conn=None) -> dict[int, str]:
    """The kept original of each detection that has one (stale or foreign rows are ignored)."""
    ids = sorted({int(i) for i in detection_ids})
    path = sidecar_path(project)
    schema = in_schema(project)
    if not ids or not (schema or (path is not None and path.exists())):
        return {}

    def read(c) -> dict[int, str]:
        rows = c.execute(select(s.deid_detections.c.id, s.deid_detections.c.source_id,
                                s.sources.c.imported_at)
                         .select_from(s.deid_detections.join(s.sources,
                                                             s.deid_detections.c.source_id == s.sources.c.id))
                         .where(s.deid_detections.c.id.in_(ids))).fetchall()
        expected = {int(r[0]): (int(r[1]), str(r[2])) for r in rows}
        out: dict[int, str] = {}
        for did, sid, original, stamp in _kept_rows(c, ids):
            if expected.get(int(did)) == (int(sid), str(stamp)):
                out[int(did)] = original
        return out

    def _kept_rows(c, ids):
        if schema:
            yield from originals_pg.originals(c, ids)
            return
        with closing(_open(path, _project_identity(c), create=False)) as db:
            for chunk in range(0, len(ids), 500):
                part = ids[chunk:chunk + 500]
                q = ",".join("?" * len(part))
                yield from db.execute(
                    f"SELECT detection_id, source_id, original, stamp FROM originals WHERE detection_id IN ({q})",
                    part)

    if conn is not None:
        return read(conn)
    with project.engine.connect() as c:
        return read(c)


def kept_names(project) -> list[dict]:
    """Names reviewers added, in clear, from the sidecar (empty when there is none)."""
    if in_schema(project):
        with project.engine.connect() as c:
            return [{"key": k, "name": n, "label": lb, "added_by": a, "ts": t}
                    for k, n, lb, a, t in originals_pg.names(c)]
    path = sidecar_path(project)
    if path is None or not path.exists():
        return []
    with project.engine.connect() as c:
        identity = _project_identity(c)
    with closing(_open(path, identity, create=False)) as db:
        return [{"key": k, "name": n, "label": lb, "added_by": a, "ts": t}
                for k, n, lb, a, t in db.execute("SELECT key, name, label, added_by, ts FROM names ORDER BY ts")]


def status(project) -> dict:
    """Whether originals are kept, where, how many, and when they were purged (if they were)."""
    if in_schema(project):
        return _schema_status(project)
    path = sidecar_path(project)
    info = {"keep": keeps_originals(project), "path": str(path) if path else None,
            "exists": bool(path and path.exists()), "originals": 0,
            "purged": project.meta_get(META_PURGED)}
    if info["exists"] and path is not None:
        try:
            with project.engine.connect() as c:
                identity = _project_identity(c)
            with closing(_open(path, identity, create=False)) as db:
                info["originals"] = int(db.execute("SELECT count(*) FROM originals").fetchone()[0])
                info["mode"] = oct(path.stat().st_mode & 0o777)
        except OriginalsError as exc:
            info["error"] = str(exc)
    return info


def _schema_status(project) -> dict:
    info = {"keep": keeps_originals(project), "path": originals_pg.NAME, "schema": True, "exists": False,
            "originals": 0, "purged": project.meta_get(META_PURGED)}
    with project.engine.connect() as c:
        try:
            info["exists"] = originals_pg.holds_any(c)
            if info["exists"]:
                info["originals"] = originals_pg.count(c)
        except OriginalsError as exc:
            info["error"] = str(exc)
    return info


def why_missing(project) -> str:
    """One clause explaining why an original is not available, for error messages."""
    if not can_keep(project):
        return "a project behind this kind of database URL keeps no originals"
    name = where(project)
    purged = project.meta_get(META_PURGED)
    if purged:
        return (f"the originals were purged on {str(purged.get('ts', ''))[:10]} by {purged.get('reviewer', '?')} "
                f"({name} was {'emptied' if in_schema(project) else 'deleted'}), so nothing can be restored")
    if not keeps_originals(project):
        return "this project does not keep originals (deid_keep_originals is off)"
    if in_schema(project):
        return f"{name} has no original for it"
    path = sidecar_path(project)
    if path is None or not path.exists():
        return f"{name} is missing"
    return f"{name} has no original for it"


# ---------------------------------------------------------------------------- deletion
def delete_sidecar(project, conn=None) -> bool:
    """Delete the sidecar (and any journal left beside it); True if there was one. The pseudonym
    key goes with it: people mentioned in later imports get new tags (see
    :func:`elc.store.deid_state.with_key`). On PostgreSQL the schema's rows are deleted, on
    ``conn`` (the caller's transaction) when given."""
    if in_schema(project):
        if conn is not None:
            return originals_pg.purge(conn)
        with project.engine.begin() as c:
            return originals_pg.purge(c)
    if sidecar_path(project) is None:
        return False
    return remove_sidecar(project.location)


def move_sidecar(old_location, new_location) -> bool:
    """Move the sidecar of a project file that is being moved or renamed (e.g. a project built
    under a temporary name); True if there was one to move."""
    old, new = Path(str(old_location) + SUFFIX), Path(str(new_location) + SUFFIX)
    if not old.exists():
        return False
    os.replace(old, new)
    return True


def remove_sidecar(location) -> bool:
    """Delete the sidecar beside ``location`` (a project file being replaced); True if there was one."""
    return sidecar.remove(location)


__all__ = [
    "META_KEEP", "META_PURGED", "OriginalsError", "SUFFIX", "can_keep", "delete_sidecar", "in_schema",
    "keeps_originals", "kept_names", "move_sidecar", "originals_for", "remove_sidecar", "sidecar_path", "stage",
    "stage_name", "status", "store_detections", "where", "why_missing",
]
