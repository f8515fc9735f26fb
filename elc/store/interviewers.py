"""The project's interviewers, remembered across imports by a salted hash of each name.

Names are never stored: a label in a later file is hashed the same way and compared. The salt is
per project, so the keys say nothing outside it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

SALT = "interviewer_salt"
KEYS = "interviewer_keys"


def _normalise(name: str) -> str:
    return " ".join(name.casefold().split())


def name_key(salt: str, name: str) -> str:
    return hashlib.sha256(f"{salt}\x00{_normalise(name)}".encode("utf-8")).hexdigest()


def interviewer_keys(project) -> tuple[str | None, set[str]]:
    """(salt, keys) of the remembered interviewers; (None, empty) when none were ever given."""
    return project.meta_get(SALT), set(project.meta_get(KEYS, []) or [])


def remember_interviewers(project, names: Iterable[str], conn=None) -> int:
    """Add ``names`` to the project's interviewers; returns how many were new."""
    names = [n for n in names if n and n.strip()]
    if not names:
        return 0
    salt, keys = interviewer_keys(project)
    if salt is None:
        salt = secrets.token_hex(16)
        project.meta_set(SALT, salt, conn)
    new = {name_key(salt, n) for n in names} - keys
    if new:
        project.meta_set(KEYS, sorted(keys | new), conn)
    return len(new)


def is_remembered(salt: str | None, keys: set[str], label: str | None) -> bool:
    return bool(salt and label and keys and name_key(salt, label) in keys)
