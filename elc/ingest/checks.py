"""Warnings for input that parses but looks wrong: never silently wrong."""

from __future__ import annotations

import re

from elc.domain import RawTranscript

GIANT_TURN_WORDS = 300
TS_ANYWHERE = re.compile(r"(?<!\d)(?:\d{1,2}:)?\d{1,2}:\d{2}(?!\d)")
LABELISH = re.compile(r"^\s*\S[^:]{0,30}:(\s|$)")


def likely_layout(lines: list[str]) -> str:
    """A guess at what a file that gave one turn really is, from its short lines."""
    short = [ln for ln in lines if ln.strip() and len(ln) <= 80]
    stamped = sum(1 for ln in short if TS_ANYWHERE.search(ln))
    heads = [m.group(0).strip() for ln in lines for m in [LABELISH.match(ln)] if m]
    if stamped >= 3:
        return (f"{stamped} short lines hold timestamps: probably a speaker-and-timestamp layout whose "
                f"speaker names elc did not recognise")
    if len(heads) >= 3 and len(set(heads)) == len(heads):
        return f"{len(heads)} lines start with a heading such as '{heads[0]}', none repeated: typed notes?"
    if len(heads) >= 3:
        return f"{len(heads)} lines start with 'something:': probably labelled turns with unusual labels"
    return "no speaker labels or timestamps found: typed notes, or a layout elc does not know"


def check(path, tr: RawTranscript) -> list[str]:
    """Warnings for one transcript read from ``path`` by a layout-aware importer."""
    parsed = tr.metadata.get("_parsed")
    if parsed is None:  # CSV/XLSX rows: one response per row is expected
        return []
    out = []
    words = sum(len(t.text.split()) for t in tr.turns)
    if len(tr.turns) == 1 and words > GIANT_TURN_WORDS:
        hint = parsed.hint or likely_layout([])
        out.append(f"{path}: read as {parsed.layout} but it gave a single turn of {words:,} words "
                   f"({hint}); check it with --dry-run")
    listed = {" ".join(s.casefold().split()) for s in parsed.header.speakers}
    found = {" ".join(t.speaker.casefold().split()) for t in tr.turns if t.speaker}
    if listed and len(listed) != len(found):
        out.append(f"{path}: its header lists {len(listed)} speaker(s) but {len(found)} were found in the "
                   f"text (read as {parsed.layout}); check it with --dry-run")
    return out
