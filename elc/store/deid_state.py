"""The project's de-identification state (pseudonym map, added names, allow-list), read as one,
and the pseudonym key.

Imports build their detector and pseudonymiser from this state outside the write lock (the
slow part), then compare :func:`token` inside their write transaction: if another process
changed the state meanwhile, they build again on the current state before storing, so two
imports never give one tag to two people and a name added mid-import reaches every source.

The pseudonym key (the HMAC salt that hashes names in the map) is kept out of the project file,
in the owner-only originals sidecar (:mod:`elc.store.sidecar`), or on PostgreSQL in the
reviewers-only ``elc_originals`` schema (:mod:`elc.store.originals_pg`): someone holding only the
``.elc`` (or a coder's role) cannot test a list of names against the hashes. It survives an originals purge (so tags stay
consistent) and is replaced with the project (``--force``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from elc.errors import ProjectError
from elc.store import originals_pg, schema as s, sidecar

PSEUDONYMS = "deid_pseudonyms"
NAMES = "deid_extra_names"
ALLOW = "deid_allow_list"
KEYS = (PSEUDONYMS, NAMES, ALLOW)


@dataclass
class DeidState:
    token: str
    pseudonyms: dict = field(default_factory=dict)
    names: list = field(default_factory=list)
    allow: list = field(default_factory=list)


def _raw(conn) -> dict[str, str]:
    rows = conn.execute(select(s.meta.c.key, s.meta.c.value).where(s.meta.c.key.in_(KEYS))).fetchall()
    return {k: v for k, v in rows}


def _token(raw: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps([raw.get(k) for k in KEYS]).encode("utf-8")).hexdigest()


def token(conn) -> str:
    """A digest of the state: equal tokens mean nothing changed."""
    return _token(_raw(conn))


def read(conn) -> DeidState:
    raw = _raw(conn)
    return DeidState(
        token=_token(raw),
        pseudonyms=json.loads(raw[PSEUDONYMS]) if raw.get(PSEUDONYMS) else {},
        names=names_with_key(conn, list(json.loads(raw[NAMES]) or []) if raw.get(NAMES) else []),
        allow=list(json.loads(raw[ALLOW]) or []) if raw.get(ALLOW) else [],
    )


# ---------------------------------------------------------------------------- the pseudonym key
def _keeps(conn) -> bool:
    keep = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "deid_keep_originals")).scalar()
    return keep is None or bool(json.loads(keep))


def key_path(conn) -> Path | None:
    """Where the key is kept: the owner-only originals sidecar while the project keeps originals
    (the default); None (the key stays in the database) for a server database or a project that
    keeps no originals. After a purge the old key is gone: people mentioned in later imports get
    new tags (numbers are never reused)."""
    return sidecar.path_for(conn) if _keeps(conn) else None


class _FileKey:
    def __init__(self, conn, path: Path):
        self.conn, self.path, self.where = conn, path, str(path)
        self.hint = f"copy {path.name} back beside the project (it is kept apart from the .elc on purpose)"

    def read(self) -> str | None:
        return sidecar.read_key(self.path, sidecar.project_identity(self.conn))

    def write(self, key: str) -> str:
        return sidecar.write_key(self.path, sidecar.project_identity(self.conn), key)


class _SchemaKey:
    """The key in the ``elc_originals`` schema of a PostgreSQL project. Written inside the
    caller's write transaction, else in a short one of its own (as the sidecar file commits
    on its own)."""

    def __init__(self, conn):
        self.conn, self.where = conn, originals_pg.WHERE
        self.hint = f"restore {originals_pg.WHERE} from a backup"

    def read(self) -> str | None:
        return originals_pg.read_key(self.conn)

    def write(self, key: str) -> str:
        if self.conn.in_transaction() and self.conn.get_execution_options().get("elc_write"):
            return originals_pg.write_key(self.conn, key)
        originals_pg.check(self.conn, write=True)
        with self.conn.engine.connect() as c, c.begin():
            return originals_pg.write_key(c, key)


def key_store(conn):
    """Where the key is kept, or None where it stays in the database (no originals kept, or a
    server database other than PostgreSQL)."""
    if not _keeps(conn):
        return None
    if originals_pg.is_pg(conn):
        return _SchemaKey(conn)
    path = sidecar.path_for(conn)
    return _FileKey(conn, path) if path is not None else None


def with_key(conn, state: dict | None) -> dict:
    """The stored pseudonym state with its key (``salt``) put back from where it is kept."""
    state = dict(state or {})
    store = key_store(conn)
    if store is None:
        return state
    key = store.read()
    legacy = state.get("salt")
    if key is None:
        if legacy:
            key = store.write(str(legacy))
        elif state.get("people"):
            raise ProjectError(
                f"{store.where}: the pseudonym key is missing, so people already tagged cannot be recognised; "
                f"{store.hint}")
        else:
            key = store.write(secrets.token_hex(16))
    state["salt"] = key
    state.setdefault("version", 2)
    return state


def without_key(conn, state: dict) -> dict:
    """What goes into the project file: the state without its key (kept in the key file)."""
    if key_store(conn) is None:
        return state
    return {k: v for k, v in state.items() if k != "salt"}


def save_pseudonyms(conn, state: dict) -> None:
    """Store the pseudonym map (``Pseudonymiser.to_dict()``) inside the caller's transaction."""
    conn.execute(s.meta.delete().where(s.meta.c.key == PSEUDONYMS))
    conn.execute(s.meta.insert().values(key=PSEUDONYMS, value=json.dumps(without_key(conn, state))))


def migrate_key(engine) -> None:
    """Older projects kept the key in the project file: move it to the key file."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        raw = conn.execute(select(s.meta.c.value).where(s.meta.c.key == PSEUDONYMS)).scalar()
    if not raw or '"salt"' not in raw:
        return
    with engine.begin() as conn:
        raw = conn.execute(select(s.meta.c.value).where(s.meta.c.key == PSEUDONYMS)).scalar()
        state = json.loads(raw) if raw else {}
        if not isinstance(state, dict) or not state.get("salt"):
            return
        path = key_path(conn)
        if path is None:  # a project that keeps no originals keeps its key in the project file
            return
        key = sidecar.write_key(path, sidecar.project_identity(conn), str(state["salt"]))
        if key != state["salt"]:
            raise ProjectError(f"{path}: holds a different pseudonym key than the project; move one of them away")
        save_pseudonyms(conn, state)


# ---------------------------------------------------------------------------- added names
def name_key(conn) -> str | None:
    """The key that hashes reviewers' added names: the pseudonym key, so it is kept in the key
    file too (None where the key stays in the database: then each entry keeps its own salt)."""
    if key_store(conn) is None:
        return None
    raw = conn.execute(select(s.meta.c.value).where(s.meta.c.key == PSEUDONYMS)).scalar()
    return str(with_key(conn, json.loads(raw) if raw else {})["salt"])


def names_with_key(conn, names: list) -> list:
    """Added-name entries as the detector needs them: keyed entries get the key back."""
    if not any(isinstance(e, dict) and e.get("keyed") for e in names):
        return names
    key = name_key(conn)
    if key is None:
        raise ProjectError("added names are hashed with the pseudonym key, which this project no longer keeps")
    return [{**e, "salt": key} if isinstance(e, dict) and e.get("keyed") else e for e in names]


def names_for_file(names: list) -> list:
    """What goes into the project file: keyed entries without their key."""
    return [{k: v for k, v in e.items() if k != "salt"} if isinstance(e, dict) and e.get("keyed") else e
            for e in names]
