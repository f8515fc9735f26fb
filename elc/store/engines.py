"""One engine per project per process, and the checks made before the first one exists.

Every :class:`~elc.store.project.Project` opened on the same file in one process shares one
SQLAlchemy engine (and so one connection pool): a workbench's background refit, a theme run
and the foreground all go through it. The file is inspected (header, integrity, schema version)
through SQLite itself and only while no engine of this process holds it: closing a plain file
descriptor of a database drops every POSIX lock the process holds on it, after which another
process may delete the shared WAL under the feet of the open connections.
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from elc.errors import ProjectError
from elc.store import database

_LOCK = threading.RLock()


@dataclass
class _Entry:
    engine: Engine
    users: int
    inode: tuple[int, int] | None


_ENTRIES: dict[str, _Entry] = {}


def _forget_after_fork() -> None:  # a forked child must not use the parent's connections
    for entry in _ENTRIES.values():
        entry.engine.dispose(close=False)
    _ENTRIES.clear()


@atexit.register
def _close_all() -> None:
    """At exit, fold each open project's WAL into its file so the file alone is the project."""
    with _LOCK:
        entries = list(_ENTRIES.values())
        _ENTRIES.clear()
    for entry in entries:
        database.checkpoint(entry.engine)
        entry.engine.dispose()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def key_for(target: str | Path) -> str:
    return str(target) if database.is_url(target) else os.path.realpath(target)


def _inode(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino



def _reason(exc: Exception) -> str:
    """SQLite's own words, or what a decoding error means here: damaged text in the file."""
    if isinstance(exc, UnicodeDecodeError):
        return "damaged: its schema holds bytes that are not text"
    return str(exc)

def check_file(path: Path, where: str) -> None:
    """Refuse, in one line, a file that is not a healthy, writable elc project.

    Uses a SQLite connection (never plain file I/O) that only reads, so a damaged or foreign file
    is left exactly as it was."""
    if not path.exists():
        raise ProjectError(f"{where}: no such project (create one with 'elc new {where} --guide FILE')")
    if path.is_dir():
        raise ProjectError(f"{where}: is a folder, not an elc project file")
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(path, os.R_OK):
        raise ProjectError(f"{where}: cannot be read (check its permissions)")
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
        which = "file" if not os.access(path, os.W_OK) else f"folder {folder}"
        raise ProjectError(f"{where}: the project is read-only (elc needs to write to the {which}); "
                           "copy it somewhere writable or change its permissions")
    if path.stat().st_size == 0:
        raise ProjectError(f"{where}: is empty, not an elc project database")
    try:  # read-write but only reading: as the last connection it removes the -wal/-shm it used
        db = sqlite3.connect(path, timeout=database.BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise ProjectError(f"{where}: cannot be opened as an elc project ({exc})") from None
    # a damaged page can hold bytes that are not UTF-8: read them replaced, so the checks below
    # refuse the file in one line instead of raising a decoding error
    db.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise ProjectError(f"{where}: not an elc project database ({_reason(exc)})") from None
        if "meta" not in tables:
            raise ProjectError(f"{where}: not an elc project database (no meta table)")
        try:
            problems = [r[0] for r in db.execute("PRAGMA quick_check(3)")]
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            problems = [_reason(exc)]
        if problems != ["ok"]:
            found = " ".join("; ".join(problems).replace("*** in database main ***", "").split())
            raise ProjectError(f"{where}: the project database is damaged ({found[:200]}); "
                               "nothing was changed; restore a backup copy")
        try:
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise ProjectError(f"{where}: not a valid elc project ({exc})") from None
        if row is None:
            raise ProjectError(f"{where}: not a valid elc project (no schema_version)")
        database.parse_version(row[0], where)
    finally:
        db.close()


def acquire(target: str | Path) -> Engine:
    """The process's engine for ``target``, created (after :func:`check_file`) on first use."""
    where = str(target)
    key = key_for(target)
    with _LOCK:
        entry = _ENTRIES.get(key)
        inode = None if database.is_url(target) else _inode(key)
        if entry is not None and entry.inode != inode:  # the file was replaced: a new database
            _ENTRIES.pop(key)
            entry = None
        if entry is not None:
            entry.users += 1
            return entry.engine
        if not database.is_url(target):
            check_file(Path(target), where)
        engine = database.make_engine(target)
        _ENTRIES[key] = _Entry(engine, 1, inode)
        return engine


def register(target: str | Path, engine: Engine) -> None:
    """Adopt an engine made for a new project so later opens share it."""
    key = key_for(target)
    with _LOCK:
        inode = None if database.is_url(target) else _inode(key)
        entry = _ENTRIES.get(key)
        if entry is not None and entry.engine is engine:
            entry.users += 1
            return
        _ENTRIES[key] = _Entry(engine, 1, inode)


def release(engine: Engine) -> bool:
    """One user fewer; the last one disposes the engine. True when it was disposed."""
    with _LOCK:
        for key, entry in list(_ENTRIES.items()):
            if entry.engine is engine:
                entry.users -= 1
                if entry.users > 0:
                    return False
                _ENTRIES.pop(key)
                break
    engine.dispose()
    return True


def holds(target: str | Path) -> bool:
    """Whether this process has an engine open on ``target``."""
    with _LOCK:
        return key_for(target) in _ENTRIES
