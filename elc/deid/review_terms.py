"""Shared pieces of de-identification review: the outcome and error types, reviewer and id
checks, and the project's review state held in ``meta`` (allow-list, added names, pseudonyms).

Functions with a leading underscore are the review package's own helpers (used by
:mod:`elc.deid.review`, :mod:`elc.deid.review_edits` and :mod:`elc.deid.review_pending`); the
SQL is in :mod:`elc.store.deid_review`.
"""

from __future__ import annotations

import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field

from elc.errors import ElcError
from elc.store import deid_review as sql, deid_state

from .persons import hashed_name_entry, name_hash
from .pseudonymiser import TYPED_TAGS, Pseudonymiser

STATUSES = ("auto", "accepted", "rejected", "added")
META_NAMES = "deid_extra_names"
META_ALLOW = "deid_allow_list"
META_PSEUDONYMS = "deid_pseudonyms"
META_NAME_SALT = "deid_name_salt"
META_PLACES = "deid_places"
_TYPED = frozenset(TYPED_TAGS.values()) | {"[redacted]"}
_TAG_NUMBER = re.compile(r"^\[(.*?)(?: (\d+))?\]$")
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class ReviewError(ElcError):
    """A review decision that cannot be made (unknown id, overlapping span, no original...)."""


@dataclass
class Outcome:
    """What a review call did: the detections it changed or created, and a one-line summary."""

    action: str
    detection_ids: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    message: str = ""

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------- shared helpers
def _reviewer(reviewer: str | None) -> str:
    name = " ".join(str(reviewer or "").split())
    if not name:
        raise ReviewError("a reviewer name is needed (pass --reviewer NAME or set $ELC_CODER)")
    return name


def _ids(detection_ids) -> list[int]:
    if isinstance(detection_ids, (int, str)):
        detection_ids = [detection_ids]
    out = []
    for x in detection_ids:
        try:
            out.append(int(x))
        except (TypeError, ValueError):
            raise ReviewError(f"'{x}' is not a detection id (a whole number)") from None
    if not out:
        raise ReviewError("no detection ids given")
    return sorted(set(out))

_meta = sql.meta_value
_meta_set = sql.set_meta
_audit = sql.audit
_add_term = sql.add_term
_drop_term = sql.drop_term


def _norm(term: str) -> str:
    return " ".join(str(term).replace("’", "'").casefold().split())


@contextmanager
def _write(project):
    """One transaction on the project (freed pages are zeroed by the store's secure_delete, so
    replaced text leaves no trace)."""
    with project.write() as conn:
        yield conn


def _checkpoint(project) -> None:
    """Fold the WAL into the project file so replaced text is not left in the log (best effort)."""
    project.checkpoint()


def _rows(conn, ids: list[int]) -> dict[int, dict]:
    rows = sql.detection_rows(conn, ids)
    missing = [i for i in ids if i not in rows]
    if missing:
        raise ReviewError(f"no detection with id {', '.join(map(str, missing))} in this project")
    return rows


def _source_text(conn, source_id: int) -> str:
    text = sql.source_text(conn, source_id)
    if text is None:
        raise ReviewError(f"no source with id {source_id} in this project")
    return text


def is_person_tag(tag: str) -> bool:
    """People get numbered tags ("[Driver 2]"); other identifiers share typed ones ("[place]")."""
    return tag not in _TYPED


def _entity(tag: str, original: str | None) -> str:
    if is_person_tag(tag) or not original:
        return tag
    return f"{tag} {_norm(original)}"


def _tag_sort_key(tag: str):
    m = _TAG_NUMBER.match(tag or "")
    if not m:
        return (1, tag or "", 0)
    return (0 if m.group(2) else 1, m.group(1), int(m.group(2) or 0))


def _pseudonymiser(conn) -> Pseudonymiser:
    return Pseudonymiser.from_dict(deid_state.with_key(conn, _meta(conn, META_PSEUDONYMS, {}) or {}))


def _name_salt(conn) -> str:
    salt = _meta(conn, META_NAME_SALT)
    if not salt:
        salt = secrets.token_hex(16)
        _meta_set(conn, META_NAME_SALT, salt)
    return salt


def _allow_terms(conn) -> list[str]:
    return [str(x) for x in (_meta(conn, META_ALLOW, []) or [])]


def _add_allow(conn, term: str, exact: bool, reviewer: str, ts: str) -> bool:
    """Put ``term`` on the project allow-list (``=term`` for an exact one); True if new."""
    entry = f"={term}" if exact else term
    terms = _allow_terms(conn)
    if any(_norm(x) == _norm(entry) for x in terms):
        return False
    _meta_set(conn, META_ALLOW, terms + [entry])
    _add_term(conn, entry, "allow", reviewer, ts)
    return True


def _remove_allow(conn, term: str) -> list[str]:
    """Take every project allow-list entry for ``term`` (exact or not) off; returns them."""
    key = _norm(term)
    terms = _allow_terms(conn)
    gone = [x for x in terms if _norm(x.removeprefix("=")) == key]
    if gone:
        _meta_set(conn, META_ALLOW, [x for x in terms if x not in gone])
        for x in gone:
            _drop_term(conn, x, "allow")
    return gone


def _name_entries(conn) -> list:
    """Added names with their hashing key (kept in the key file, not the project, when it can be)."""
    return deid_state.names_with_key(conn, list(_meta(conn, META_NAMES, []) or []))


def _save_names(conn, entries: list) -> None:
    _meta_set(conn, META_NAMES, deid_state.names_for_file(entries))


def _unkey_names(conn) -> None:
    """Before the key file stops being kept: added names keep their key as a salt in the project
    (as in a project that never kept originals), so they are still recognised."""
    entries = _name_entries(conn)
    if any(isinstance(e, dict) and e.get("keyed") for e in entries):
        _meta_set(conn, META_NAMES, [{k: v for k, v in e.items() if k != "keyed"} if isinstance(e, dict) else e
                                     for e in entries])


def _name_entry(conn, name: str, label: str) -> dict:
    """A new added-name entry: hashed with the pseudonym key from the key file where the project
    keeps one (the project file then holds no salt to test a list of names against), else with
    the project's own salt."""
    key = deid_state.name_key(conn)
    if key is None:
        return hashed_name_entry(name, label, _name_salt(conn))
    return {**hashed_name_entry(name, label, key), "keyed": True}


def _entry_matches(entry, name: str) -> bool:
    if isinstance(entry, dict) and "hash" in entry:
        return entry["hash"] == name_hash(name, str(entry.get("salt", "")))
    if isinstance(entry, dict):
        return _norm(entry.get("name", "")) == _norm(name)
    if isinstance(entry, (list, tuple)):
        return bool(entry) and _norm(entry[0]) == _norm(name)
    return _norm(entry) == _norm(name)


def _remove_name(conn, name: str) -> int:
    entries = _name_entries(conn)
    keep = [e for e in entries if not _entry_matches(e, name)]
    for e in entries:
        if e not in keep and isinstance(e, dict) and "hash" in e:
            _drop_term(conn, f"#{e['hash']}", "name")
    if len(keep) != len(entries):
        _save_names(conn, keep)
    return len(entries) - len(keep)
