"""The project's interviewers, remembered across imports by a salted hash of each name.

Names are never stored: a label in a later file is hashed the same way and compared. The salt is
per project, so the keys say nothing outside it. Keys keep the order they were added in, which
numbers interviewers named in a manifest ("Interviewer 2") the same way in every import.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable

from sqlalchemy import select

from elc.store import schema as s

SALT = "interviewer_salt"
KEYS = "interviewer_keys"


def _normalise(name: str) -> str:
    return " ".join(name.casefold().split())


def name_key(salt: str, name: str) -> str:
    return hashlib.sha256(f"{salt}\x00{_normalise(name)}".encode("utf-8")).hexdigest()


def _get(conn, key: str, default):
    row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).first()
    return json.loads(row[0]) if row else default


def _put(conn, key: str, value) -> None:
    conn.execute(s.meta.delete().where(s.meta.c.key == key))
    conn.execute(s.meta.insert().values(key=key, value=json.dumps(value)))


def interviewer_keys(project, conn=None) -> tuple[str | None, list[str]]:
    """(salt, keys in the order added) of the remembered interviewers; (None, []) when none."""
    if conn is not None:
        return _get(conn, SALT, None), list(_get(conn, KEYS, []) or [])
    with project.engine.connect() as c:
        return interviewer_keys(project, c)


def _remember(conn, names: list[str]) -> list[str]:
    salt = _get(conn, SALT, None)
    if salt is None:
        salt = secrets.token_hex(16)
        _put(conn, SALT, salt)
    keys = list(_get(conn, KEYS, []) or [])
    wanted = [name_key(salt, n) for n in names]
    new = [k for k in dict.fromkeys(wanted) if k not in keys]
    if new:
        _put(conn, KEYS, keys + new)
    return keys + new


def remember_interviewers(project, names: Iterable[str], conn=None) -> int:
    """Add ``names`` to the project's interviewers (in the caller's transaction if ``conn``);
    returns how many were new."""
    names = [n for n in names if n and n.strip()]
    if not names:
        return 0
    if conn is None:
        with project.engine.begin() as c:
            return remember_interviewers(project, names, c)
    before = len(_get(conn, KEYS, []) or [])
    return len(_remember(conn, names)) - before


def interviewer_code(conn, name: str) -> str:
    """``Interviewer N`` for a named interviewer (remembered if new), stable within the project."""
    keys = _remember(conn, [name])
    return f"Interviewer {keys.index(name_key(_get(conn, SALT, None), name)) + 1}"


def is_remembered(salt: str | None, keys: Iterable[str], label: str | None) -> bool:
    return bool(salt and label and name_key(salt, label) in set(keys))
