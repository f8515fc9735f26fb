"""The owner-only SQLite file beside a project, ``<project>.originals``: what each replacement
hid (the originals, written by :mod:`elc.store.originals`) and the pseudonym key.

Both are secrets the project file must not hold, so they live in a file created with 0600
permissions; the file names the project it belongs to (its ``created_at``) and refuses another.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import select

from elc.errors import ElcError
from elc.store import schema as s

SUFFIX = ".originals"
KEY = "pseudonym_key"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS originals ("
    " detection_id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, label TEXT NOT NULL,"
    " replacement TEXT NOT NULL, original TEXT NOT NULL, stamp TEXT NOT NULL, ts TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS names ("
    " key TEXT PRIMARY KEY, name TEXT NOT NULL, label TEXT NOT NULL, added_by TEXT NOT NULL,"
    " ts TEXT NOT NULL)",
)


class OriginalsError(ElcError):
    """The originals sidecar is missing, purged, foreign or unreadable."""


def path_for(conn) -> Path | None:
    """The sidecar of the project behind ``conn``, or None for a server database."""
    if conn.dialect.name != "sqlite":
        return None
    db = conn.engine.url.database
    if not db or db == ":memory:":
        return None
    return Path(db + SUFFIX)


def project_identity(conn) -> str:
    return str(conn.execute(select(s.meta.c.value).where(s.meta.c.key == "created_at")).scalar() or "")


def create_private(path: Path) -> None:
    """Create an empty file only the owner can read (0600), whatever the umask."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)


def open_sidecar(path: Path, identity: str, create: bool) -> sqlite3.Connection:
    """Open the sidecar, checking it belongs to the project created at ``identity``."""
    if not path.exists():
        if not create:
            raise OriginalsError(f"{path}: no originals file")
        create_private(path)
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        db.execute("PRAGMA secure_delete=ON")
        for stmt in SCHEMA:
            db.execute(stmt)
        row = db.execute("SELECT value FROM info WHERE key='project'").fetchone()
        if row is None:
            db.execute("INSERT OR IGNORE INTO info(key, value) VALUES ('project', ?)", (identity,))
            row = db.execute("SELECT value FROM info WHERE key='project'").fetchone()
        if row[0] != identity:
            db.close()
            raise OriginalsError(
                f"{path}: holds the originals of a different project (one created {row[0][:19]}); "
                "move it away or delete it")
    except sqlite3.DatabaseError as exc:
        raise OriginalsError(f"{path}: cannot be read as an originals file ({exc})") from None
    return db


def read_key(path: Path, identity: str) -> str | None:
    if not path.exists():
        return None
    db = open_sidecar(path, identity, create=False)
    try:
        row = db.execute("SELECT value FROM info WHERE key=?", (KEY,)).fetchone()
    finally:
        db.close()
    return row[0] if row else None


def write_key(path: Path, identity: str, key: str) -> str:
    """Keep ``key`` unless the sidecar has one already (another process was first); returns the kept key."""
    db = open_sidecar(path, identity, create=True)
    try:
        db.execute("INSERT OR IGNORE INTO info(key, value) VALUES (?, ?)", (KEY, key))
        return db.execute("SELECT value FROM info WHERE key=?", (KEY,)).fetchone()[0]
    finally:
        db.close()


def remove(location) -> bool:
    """Delete the sidecar beside ``location`` (and any journal); True if there was one."""
    path = Path(str(location) + SUFFIX)
    existed = path.exists()
    for extra in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)
    return existed
