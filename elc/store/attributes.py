"""Participant attributes for equality and group breakdowns (area, age band, sex, ethnicity,
disability, service used), stored in each participant's ``attributes`` record.

Only these keys are breakdown attributes; values are short category labels. A value that looks
like an identifier (an email, a long run of digits) is refused, so nothing personal rides in on
an attribute. Imports from a CSV are all-or-nothing.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from elc.errors import ElcError, ImportFileError
from elc.store import schema as s

ATTRIBUTES = ("area", "age_band", "sex", "ethnicity", "disability", "service")
ALIASES = {"age": "age_band", "age band": "age_band", "gender": "sex", "service_used": "service",
           "service used": "service", "locality": "area"}
MAX_VALUE = 40
_IDENTIFYING = re.compile(r"@|\d{5,}|\d[\d ]{8,}\d|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)


class AttributeValueError(ElcError):
    """An attribute name or value is invalid, or names an unknown participant."""


def attribute_key(name: str) -> str | None:
    """The canonical attribute key for ``name`` (any case, aliases allowed), or None."""
    low = str(name).strip().lower().replace("-", "_")
    low = ALIASES.get(low, ALIASES.get(low.replace("_", " "), low))
    return low if low in ATTRIBUTES else None


def check_value(key: str, value) -> str | None:
    """A clean value (None to clear); raises on values that are too long or look identifying."""
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        return None
    if len(text) > MAX_VALUE:
        raise AttributeValueError(f"{key} value '{text[:20]}…' is longer than {MAX_VALUE} characters "
                              "(attributes are short categories)")
    if _IDENTIFYING.search(text):
        raise AttributeValueError(f"{key} value looks like an identifier (email, phone, number or postcode); "
                              "attributes are categories only")
    return text


def participant_attributes(project) -> pd.DataFrame:
    """One row per participant: ``participant_id``, ``community`` and one column per attribute."""
    p, c = s.participants, s.communities
    with project.engine.connect() as conn:
        rows = conn.execute(select(p.c.id, c.c.key, p.c.attributes)
                            .select_from(p.outerjoin(c, p.c.community_id == c.c.id)).order_by(p.c.id)).fetchall()
    out = []
    for pid, comm, raw in rows:
        try:
            attrs = json.loads(raw or "{}")
        except ValueError:
            attrs = {}
        rec = {"participant_id": pid, "community": comm}
        for k, v in (attrs.items() if isinstance(attrs, dict) else []):
            key = attribute_key(k)
            if key and v not in (None, ""):
                rec[key] = str(v)
        out.append(rec)
    df = pd.DataFrame(out, columns=["participant_id", "community", *ATTRIBUTES])
    return df.astype(object).where(df.notna(), None)


def _apply(conn, pid: str, values: dict[str, str | None]) -> None:
    raw = conn.execute(select(s.participants.c.attributes).where(s.participants.c.id == pid)).scalar()
    try:
        attrs = json.loads(raw or "{}")
    except ValueError:
        attrs = {}
    attrs = attrs if isinstance(attrs, dict) else {}
    for key, value in values.items():
        for k in [k for k in attrs if attribute_key(k) == key]:
            attrs.pop(k)
        if value is not None:
            attrs[key] = value
    conn.execute(s.participants.update().where(s.participants.c.id == pid).values(attributes=json.dumps(attrs)))


def set_attributes(project, participant: str, values: dict) -> dict:
    """Set (or, with an empty value, clear) attributes of one participant; returns what was set."""
    clean = {}
    for name, value in values.items():
        key = attribute_key(name)
        if key is None:
            raise AttributeValueError(f"unknown attribute '{name}' (known: {', '.join(ATTRIBUTES)})")
        clean[key] = check_value(key, value)
    with project.engine.begin() as conn:
        known = conn.execute(select(s.participants.c.id).where(s.participants.c.id == participant)).scalar()
        if known is None:
            raise AttributeValueError(f"no participant '{participant}' in {project.location}")
        _apply(conn, participant, clean)
    return clean


def import_attributes_csv(project, path: str | Path) -> int:
    """Read a CSV with a ``participant`` column and attribute columns; all rows or none. Returns rows applied."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            rows = list(reader)
    except FileNotFoundError:
        raise ImportFileError(path, "no such file") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportFileError(path, f"is not a readable UTF-8 CSV ({exc.__class__.__name__})") from None
    pcol = next((h for h in header if h and h.strip().lower() in ("participant", "participant_id", "id")), None)
    if pcol is None:
        raise ImportFileError(path, "needs a 'participant' column")
    cols = {}
    for h in header:
        if h == pcol or not h:
            continue
        key = attribute_key(h)
        if key is None:
            raise ImportFileError(path, f"column '{h}' is not a breakdown attribute "
                                        f"(known: {', '.join(ATTRIBUTES)}); remove it")
        cols[h] = key
    with project.engine.connect() as conn:
        known = {r[0] for r in conn.execute(select(s.participants.c.id))}
    plan = []
    for line, row in enumerate(rows, 2):
        pid = (row.get(pcol) or "").strip()
        if not pid:
            continue
        if pid not in known:
            raise ImportFileError(path, f"line {line}: no participant '{pid}' in the project")
        try:
            plan.append((pid, {key: check_value(key, row.get(h)) for h, key in cols.items()}))
        except AttributeValueError as exc:
            raise ImportFileError(path, f"line {line}: {exc}") from None
    with project.engine.begin() as conn:
        for pid, values in plan:
            _apply(conn, pid, values)
    return len(plan)


__all__ = ["ATTRIBUTES", "attribute_key", "check_value", "participant_attributes", "set_attributes",
           "import_attributes_csv", "AttributeValueError"]
