"""Typed interview notes: no speaker labels at all, so one participant turn, marked as notes."""

from __future__ import annotations

from elc.domain import Turn
from elc.ingest.layouts.types import Parsed


def score(lines: list[str]) -> int:
    return 0  # the fallback: chosen only when no other layout finds a turn


def _title(lines: list[str]) -> int:
    """Index after a short first line standing alone (a title), else 0."""
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    if len(filled) < 2:
        return 0
    first = lines[filled[0]].strip()
    alone = filled[0] + 1 < len(lines) and not lines[filled[0] + 1].strip()
    if alone and len(first.split()) <= 12 and first[-1:] not in ".?!":
        return filled[0] + 1
    return 0


def parse(lines: list[str]) -> Parsed:
    start = _title(lines)
    text = " ".join(ln.strip() for ln in lines[start:] if ln.strip())
    return Parsed("notes", [Turn(None, text)] if text else [], preamble=lines[:start], notes=True)
