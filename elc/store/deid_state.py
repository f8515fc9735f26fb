"""The project's de-identification state (pseudonym map, added names, allow-list), read as one.

Imports build their detector and pseudonymiser from this state outside the write lock (the
slow part), then compare :func:`token` inside their write transaction: if another process
changed the state meanwhile, they build again on the current state before storing, so two
imports never give one tag to two people and a name added mid-import reaches every source.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select

from elc.store import schema as s

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
        names=list(json.loads(raw[NAMES]) or []) if raw.get(NAMES) else [],
        allow=list(json.loads(raw[ALLOW]) or []) if raw.get(ALLOW) else [],
    )
