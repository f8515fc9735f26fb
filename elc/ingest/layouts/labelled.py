"""``Name: text`` lines, with optional timestamps: ``[00:01:02] Name:``, ``00:01:02 Name:``,
``Name (00:01:02):`` and ``Speaker 1 (00:00):`` (text on the same line or the lines below)."""

from __future__ import annotations

from collections import Counter

from elc.ingest.base import LABEL_TS, split_label, turns_from_lines
from elc.ingest.layouts.types import Parsed


def score(lines: list[str]) -> int:
    """Lines that open a labelled turn; 0 when the "labels" are headings of typed notes (three or
    more, none repeated, none a speaker word: "Booking: ...", "Eligibility: ...")."""
    from elc.ingest.roles import is_generic

    labels = Counter(lab for ln in lines if ln.strip() for lab in [split_label(ln)[0]] if lab is not None)
    if len(labels) >= 3 and max(labels.values()) == 1 and not any(is_generic(lab) for lab in labels):
        return 0
    return sum(labels.values())


def parse(lines: list[str]) -> Parsed:
    first = next((i for i, ln in enumerate(lines) if ln.strip() and split_label(ln)[0] is not None), 0)
    preamble, rest = lines[:first], lines[first:]
    turns = turns_from_lines(rest)
    if any(LABEL_TS.match(ln) for ln in rest[:200] if ln.strip()):
        layout = "name-(timestamp)"
    elif any(t.ts_start is not None for t in turns):
        layout = "timestamped-labels"
    else:
        layout = "labelled"
    return Parsed(layout, turns, preamble=preamble)
