"""Engine creation, SQLite pragmas and forward migrations.

SQLite is the default (one file per project, WAL mode, foreign keys on). Any SQLAlchemy URL
(e.g. ``postgresql+psycopg://...``) works too, for teams sharing a server.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.exc import DatabaseError, OperationalError

from elc.errors import ProjectError
from elc.store import schema

# version -> function(connection) upgrading from version-1. Append, never edit.
MIGRATIONS: dict[int, Callable] = {}


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def make_engine(target: str | Path) -> Engine:
    if is_url(target):
        return create_engine(str(target), future=True)
    engine = create_engine(f"sqlite:///{Path(target)}", future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()

    return engine


def initialise(engine: Engine) -> None:
    with engine.begin() as conn:
        schema.metadata.create_all(conn)
        conn.execute(schema.meta.insert(), [
            {"key": "schema_version", "value": str(schema.SCHEMA_VERSION)},
            {"key": "created_at", "value": now()},
        ])


# Tables added after a project may have been made, created on open if missing (no data to move).
ADDITIVE_TABLES = ("memos",)


def ensure_tables(conn, existing: set[str]) -> None:
    for name in ADDITIVE_TABLES:
        if name not in existing:
            schema.metadata.tables[name].create(conn, checkfirst=True)


def check_and_migrate(engine: Engine, where: str) -> None:
    try:
        names = set(inspect(engine).get_table_names())
    except (DatabaseError, OperationalError) as exc:
        raise ProjectError(f"{where}: not an elc project database ({exc.orig})") from None
    if "meta" not in names:
        raise ProjectError(f"{where}: not an elc project database (no meta table)")
    with engine.begin() as conn:
        row = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).first()
        version = int(row[0]) if row else 0
        if version > schema.SCHEMA_VERSION:
            raise ProjectError(
                f"{where}: made by a newer elc (schema {version}, this elc reads up to "
                f"{schema.SCHEMA_VERSION}); upgrade elc")
        for target in range(version + 1, schema.SCHEMA_VERSION + 1):
            MIGRATIONS[target](conn)
        ensure_tables(conn, names)
        if version < schema.SCHEMA_VERSION:
            conn.execute(schema.meta.update().where(schema.meta.c.key == "schema_version")
                         .values(value=str(schema.SCHEMA_VERSION)))
