"""Programme fields the scrutiny committee asks about that no interview can answer: the options
the programme considered and the fit with the council's priorities. Kept in the project's meta
record; set with ``elc programme`` or a changes file's top-level ``programme:`` mapping."""

from __future__ import annotations

META_KEY = "programme_fields"
FIELDS = {"options_considered": "Options considered", "council_priorities": "Fit with the council's priorities"}


def programme_fields(project) -> dict:
    got = project.meta_get(META_KEY, {}) or {}
    return {k: str(got.get(k) or "") for k in FIELDS}


def set_programme_fields(project, conn=None, **values) -> dict:
    got = programme_fields(project)
    for key, value in values.items():
        if key not in FIELDS:
            raise KeyError(key)
        if value is not None:
            got[key] = " ".join(str(value).split())
    project.meta_set(META_KEY, got, conn)
    return got


__all__ = ["FIELDS", "programme_fields", "set_programme_fields"]
