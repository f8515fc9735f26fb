"""The originals of a PostgreSQL project: the schema ``elc_originals`` in the project's database.

It holds what the SQLite sidecar (:mod:`elc.store.sidecar`) holds: the original per detection,
the clear names reviewers added, and the info rows (project identity, pseudonym key). The
project's creator makes it with every privilege revoked from PUBLIC, so only roles granted on it
(reviewers) read it; coders get the public schema only. Reads and writes run on the project's own
connection, inside its transaction: an original is stored, restored or purged together with the
detection it belongs to.

Privileges are checked before any statement touches the schema, so a role without the grant gets
one :class:`OriginalsError` line and its transaction is not left aborted.
"""

from __future__ import annotations

from sqlalchemy import text

from elc.store.sidecar import KEY, OriginalsError, project_identity

NAME = "elc_originals"
WHERE = f"the {NAME} schema"
TABLES = ("info", "originals", "names")
_DDL = (
    f"CREATE SCHEMA IF NOT EXISTS {NAME}",
    f"REVOKE ALL ON SCHEMA {NAME} FROM PUBLIC",
    f"CREATE TABLE IF NOT EXISTS {NAME}.info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    (f"CREATE TABLE IF NOT EXISTS {NAME}.originals ("
     " detection_id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, label TEXT NOT NULL,"
     " replacement TEXT NOT NULL, original TEXT NOT NULL, stamp TEXT NOT NULL, ts TEXT NOT NULL)"),
    (f"CREATE TABLE IF NOT EXISTS {NAME}.names ("
     " key TEXT PRIMARY KEY, name TEXT NOT NULL, label TEXT NOT NULL, added_by TEXT NOT NULL, ts TEXT NOT NULL)"),
    f"REVOKE ALL ON ALL TABLES IN SCHEMA {NAME} FROM PUBLIC",
)


def is_pg(conn) -> bool:
    return conn.dialect.name == "postgresql"


def exists(conn) -> bool:
    return bool(conn.execute(text("SELECT to_regnamespace(:n) IS NOT NULL"), {"n": NAME}).scalar())


def create(conn) -> None:
    """Create the schema and its tables (the project's creator, at ``elc new``), closed to PUBLIC."""
    for stmt in _DDL:
        conn.exec_driver_sql(stmt)


def ensure(engine) -> None:
    """Create the schema for a project made before it existed, if this role may (best effort)."""
    with engine.connect() as conn:
        if exists(conn) or not conn.execute(
                text("SELECT has_database_privilege(current_database(), 'CREATE')")).scalar():
            return
    with engine.begin() as conn:
        create(conn)


def check(conn, write: bool = False) -> None:
    """Raise one OriginalsError line unless this role may read (and, with ``write``, change) them."""
    if not exists(conn):
        raise OriginalsError(f"{WHERE} does not exist in this database; open the project once as its creator "
                             "to create it")
    privs = ["SELECT", "INSERT", "UPDATE", "DELETE"] if write else ["SELECT"]
    ok = conn.execute(text(  # one privilege per call: a list is true if any one is held; tables
        # are looked up only with USAGE on the schema (the lookup itself is refused without it)
        "SELECT CASE WHEN has_schema_privilege(:n, 'USAGE') THEN (SELECT bool_and(has_table_privilege("
        ":n || '.' || t, p)) FROM unnest(CAST(:tables AS text[])) AS t, unnest(CAST(:privs AS text[])) AS p) "
        "ELSE false END"),
        {"n": NAME, "privs": privs, "tables": list(TABLES)}).scalar()
    if not ok:
        raise OriginalsError(f"{WHERE}: your database role may not {'change' if write else 'read'} the originals "
                             f"(ask the project's owner for a grant on {NAME} to review)")


def _identity(conn, create_row: bool) -> bool:
    """Check the schema belongs to this project (its ``created_at``); False if it holds nothing yet."""
    identity = project_identity(conn)
    row = conn.execute(text(f"SELECT value FROM {NAME}.info WHERE key='project'")).scalar()
    if row is None:
        if not create_row:
            return False
        conn.execute(text(f"INSERT INTO {NAME}.info(key, value) VALUES ('project', :v) ON CONFLICT DO NOTHING"),
                     {"v": identity})
        row = conn.execute(text(f"SELECT value FROM {NAME}.info WHERE key='project'")).scalar()
    if row != identity:
        raise OriginalsError(f"{WHERE}: holds the originals of a different project (one created {row[:19]}); "
                             "empty it or use another database")
    return True


def holds_any(conn) -> bool:
    """Whether the schema holds this project's originals (what an existing sidecar file means)."""
    check(conn)
    return _identity(conn, create_row=False)


def write(conn, rows: list[tuple], names: list[tuple]) -> None:
    """Store originals ``(detection_id, source_id, label, replacement, original, stamp, ts)`` and
    names ``(key, name, label, added_by, ts)``, replacing rows with the same key."""
    if not (rows or names):
        return
    check(conn, write=True)
    _identity(conn, create_row=True)
    if rows:
        conn.execute(text(
            f"INSERT INTO {NAME}.originals(detection_id, source_id, label, replacement, original, stamp, ts) "
            "VALUES (:d, :s, :l, :r, :o, :st, :ts) ON CONFLICT (detection_id) DO UPDATE SET "
            "source_id=EXCLUDED.source_id, label=EXCLUDED.label, replacement=EXCLUDED.replacement, "
            "original=EXCLUDED.original, stamp=EXCLUDED.stamp, ts=EXCLUDED.ts"),
            [dict(zip(("d", "s", "l", "r", "o", "st", "ts"), r)) for r in rows])
    if names:
        conn.execute(text(
            f"INSERT INTO {NAME}.names(key, name, label, added_by, ts) VALUES (:k, :n, :l, :a, :ts) "
            "ON CONFLICT (key) DO UPDATE SET name=EXCLUDED.name, label=EXCLUDED.label, "
            "added_by=EXCLUDED.added_by, ts=EXCLUDED.ts"),
            [dict(zip(("k", "n", "l", "a", "ts"), r)) for r in names])


def originals(conn, ids: list[int]) -> list[tuple]:
    """``(detection_id, source_id, original, stamp)`` of the kept ``ids``."""
    if not holds_any(conn):
        return []
    return [tuple(r) for r in conn.execute(text(
        f"SELECT detection_id, source_id, original, stamp FROM {NAME}.originals "
        "WHERE detection_id = ANY(CAST(:ids AS integer[]))"), {"ids": list(ids)})]


def names(conn) -> list[tuple]:
    if not holds_any(conn):
        return []
    return [tuple(r) for r in conn.execute(text(
        f"SELECT key, name, label, added_by, ts FROM {NAME}.names ORDER BY ts"))]


def count(conn) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {NAME}.originals")).scalar())


def purge(conn) -> bool:
    """Delete every row (originals, names, the key): what deleting the sidecar file does. True if
    there were any. (PostgreSQL reclaims the deleted rows' space at its next vacuum.)"""
    check(conn, write=True)
    had = _identity(conn, create_row=False)
    for table in TABLES:
        conn.execute(text(f"DELETE FROM {NAME}.{table}"))
    return had


def read_key(conn) -> str | None:
    if not holds_any(conn):
        return None
    return conn.execute(text(f"SELECT value FROM {NAME}.info WHERE key=:k"), {"k": KEY}).scalar()


def write_key(conn, key: str) -> str:
    """Keep ``key`` unless one is kept already; returns the kept key."""
    check(conn, write=True)
    _identity(conn, create_row=True)
    conn.execute(text(f"INSERT INTO {NAME}.info(key, value) VALUES (:k, :v) ON CONFLICT DO NOTHING"),
                 {"k": KEY, "v": key})
    return conn.execute(text(f"SELECT value FROM {NAME}.info WHERE key=:k"), {"k": KEY}).scalar()
