"""Engine creation, SQLite pragmas, transactions and forward migrations.

SQLite is the default (one file per project, WAL mode, foreign keys on). Any SQLAlchemy URL
(e.g. ``postgresql+psycopg://...``) works too, for teams sharing a server.

Concurrency on SQLite (several workbenches, CLI verbs and API scripts on one file):

* ``engine.begin()`` takes the write lock at once (``BEGIN IMMEDIATE``), so everything a write
  transaction reads is current and two read-modify-write transactions never interleave; plain
  ``engine.connect()`` reads run in a deferred transaction (a consistent snapshot, no lock).
* A writer waits up to :data:`BUSY_TIMEOUT_MS` for another writer, then fails with one
  :class:`ProjectError` line; the transaction is rolled back and nothing is half-written.
* Engines are shared, one per project file per process (:mod:`elc.store.engines`), and the
  database file is never opened with plain file I/O while a connection may be open (closing any
  descriptor of a file drops all of the process's POSIX locks on it; SQLite's "How To Corrupt
  An SQLite Database File", section 2.2).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event, inspect, select
from sqlalchemy.exc import DatabaseError, OperationalError

from elc.errors import ProjectError
from elc.store import schema

# version -> function(connection) upgrading from version-1. Append, never edit.
MIGRATIONS: dict[int, Callable] = {}


def _add_memos(conn) -> None:
    """2: memos on the project, interviews, participants and codes (a new table, no data to move)."""
    schema.memos.create(conn, checkfirst=True)


MIGRATIONS[2] = _add_memos


def _add_workshop_and_measures(conn) -> None:
    """3: the workshop record, requirements and KPIs as tables. Requirements move out of the
    ``change_requirements`` meta value and each change's ``measures`` list becomes KPI records
    (only the measure text is known; every other KPI field starts missing)."""
    import json

    for table in schema.SCHEMA_3_TABLES:
        table.create(conn, checkfirst=True)
    stamp = now()
    row = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "change_requirements")).first()
    reqs = json.loads(row[0]) if row else {}
    known = {int(i) for i in conn.execute(select(schema.changes.c.id)).scalars()}
    for cid, texts in (reqs or {}).items():
        if int(cid) in known:
            for position, text in enumerate(texts):
                conn.execute(schema.requirements.insert().values(
                    change_id=int(cid), position=position, text=text, updated_at=stamp))
    conn.execute(schema.meta.delete().where(schema.meta.c.key == "change_requirements"))
    for cid, measures in conn.execute(select(schema.changes.c.id, schema.changes.c.measures)).all():
        for position, text in enumerate(json.loads(measures or "[]")):
            conn.execute(schema.kpis.insert().values(change_id=int(cid), position=position, measure=text,
                                                     updated_at=stamp))
        conn.execute(schema.changes.update().where(schema.changes.c.id == cid).values(measures="[]"))


MIGRATIONS[3] = _add_workshop_and_measures

BUSY_TIMEOUT_MS = int(os.environ.get("ELC_BUSY_TIMEOUT_MS", "30000") or 30000)
_PRAGMAS = (
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",  # first: the others may need to wait for a lock
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",  # a commit the user was told about survives a crash or power cut
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",  # freed pages are zeroed: replaced identifiers leave no trace
)
_WRITE = "elc_write"


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")


def inserted_id(result: CursorResult) -> int:
    """The primary key a one-row INSERT created."""
    key = result.inserted_primary_key
    if key is None:  # SQLAlchemy gives none for anything but a single-row INSERT
        raise ValueError("inserted_id: the statement was not a single-row INSERT")
    return int(key[0])


def read_rows(project, table, order_by: tuple, **equal) -> list:
    """Rows of ``table`` (mappings) in ``order_by`` order, where each named integer column
    equals its value; a value of None filters nothing (``workshop_id=None``: every workshop)."""
    stmt = select(table).order_by(*order_by)
    for column, value in equal.items():
        if value is not None:
            stmt = stmt.where(table.c[column] == int(value))
    with project.engine.connect() as conn:
        return list(conn.execute(stmt).mappings().all())


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def shown(target: str | Path) -> str:
    """``target`` as messages show it: a database URL without its password."""
    if not is_url(target):
        return str(target)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(str(target)).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return str(target).split("://", 1)[0] + "://..."


class _WriteEngine(Engine):
    """An engine whose ``begin()`` starts a write transaction: ``BEGIN IMMEDIATE`` on SQLite, a
    transaction-scoped advisory lock on PostgreSQL (one elc writer at a time, as on SQLite)."""

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn


def _message(exc: BaseException, where: str) -> str | None:
    """A one-line explanation of a SQLite failure a user can act on, else None (a bug)."""
    text = str(getattr(exc, "orig", exc) or exc)
    low = text.lower()
    if "database is locked" in low or "database is busy" in low or "database table is locked" in low:
        return (f"{where}: another process kept the project busy for over {BUSY_TIMEOUT_MS / 1000:g} s; "
                "nothing was changed, try again")
    if "readonly" in low or "read-only" in low:
        return f"{where}: the project is read-only (check the permissions of the file and its folder)"
    if "malformed" in low or "not a database" in low or "disk i/o" in low or "corrupt" in low:
        return f"{where}: the project database is damaged ({text}); restore a backup copy"
    return None


PG_WRITE_LOCK = 0x656C63  # "elc": the advisory lock key every elc write transaction takes


def make_engine(target: str | Path) -> Engine:
    if is_url(target):
        engine = create_engine(str(target), future=True, pool_pre_ping=True)
        shown = engine.url.render_as_string(hide_password=True)

        @event.listens_for(engine, "handle_error")
        def _server_line(context):
            exc = context.original_exception
            if context.connection is None or context.is_disconnect:  # could not connect / lost
                first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
                raise ProjectError(f"{shown}: cannot reach the database server ({first})") from None

        if engine.dialect.name == "postgresql":
            engine.__class__ = _WriteEngine

            @event.listens_for(engine, "begin")
            def _lock(conn):
                if conn.get_execution_options().get(_WRITE, False):
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
        return engine
    where = str(target)
    engine = create_engine(f"sqlite:///{Path(target)}", future=True)
    engine.__class__ = _WriteEngine

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # elc issues BEGIN itself (see _begin)
        cur = dbapi_conn.cursor()
        for pragma in _PRAGMAS:
            cur.execute(pragma)
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _one_line(context):
        msg = _message(context.original_exception, where)
        if msg is not None:
            raise ProjectError(msg) from None

    return engine


def checkpoint(engine: Engine) -> bool:
    """Fold the WAL into the database file so the file alone is the whole project (SQLite only).

    Runs outside any transaction; returns False when a reader elsewhere kept part of the WAL
    (it is folded in by a later checkpoint, nothing is lost)."""
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None  # an open pool connection always has its DBAPI connection
        busy, _, _ = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy
    except Exception:  # noqa: BLE001 - best effort: a busy or read-only file keeps its WAL
        return False
    finally:
        raw.close()


def initialise(engine: Engine) -> None:
    with engine.begin() as conn:
        schema.metadata.create_all(conn)
        conn.execute(schema.meta.insert(), [
            {"key": "schema_version", "value": str(schema.SCHEMA_VERSION)},
            {"key": "created_at", "value": now()},
        ])


_VERSION = re.compile(r"[0-9]{1,6}")


def parse_version(value, where: str) -> int:
    """The stored schema version as an int, or one ProjectError line for an odd value."""
    text = str(value).strip() if value is not None else ""
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = text[1:-1]
    if not _VERSION.fullmatch(text) or int(text) < 1:
        shown = str(value)[:40]
        raise ProjectError(f"{where}: not a valid elc project (schema_version is '{shown}', expected a "
                           "whole number from 1)")
    return int(text)


def check_and_migrate(engine: Engine, where: str) -> None:
    try:
        names = set(inspect(engine).get_table_names())
    except (DatabaseError, OperationalError) as exc:
        raise ProjectError(f"{where}: not an elc project database ({exc.orig})") from None
    if "meta" not in names:
        raise ProjectError(f"{where}: not an elc project database (no meta table)")
    with engine.connect() as conn:
        row = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).first()
    if row is None:
        raise ProjectError(f"{where}: not a valid elc project (no schema_version)")
    version = parse_version(row[0], where)
    if version > schema.SCHEMA_VERSION:
        raise ProjectError(
            f"{where}: made by a newer elc (schema {version}, this elc reads up to "
            f"{schema.SCHEMA_VERSION}); upgrade elc")
    if version == schema.SCHEMA_VERSION:
        return
    with engine.begin() as conn:
        row = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).first()
        version = parse_version(row[0] if row is not None else None, where)  # another process may have migrated meanwhile
        for target in range(version + 1, schema.SCHEMA_VERSION + 1):
            MIGRATIONS[target](conn)
        if version < schema.SCHEMA_VERSION:
            conn.execute(schema.meta.update().where(schema.meta.c.key == "schema_version")
                         .values(value=str(schema.SCHEMA_VERSION)))
