"""Revise a source's stored text in place, keeping every offset that points into it valid.

Text is immutable for analysis; the one sanctioned exception is de-identification review
(a newly found identifier is replaced, or a wrong replacement restored). Each edit shifts the
segments, codings and detections after it; spans that contain an edit grow or shrink with it.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right

from sqlalchemy import select

from elc.errors import ElcError
from elc.store import schema as s


class _Shift:
    def __init__(self, edits: list[tuple[int, int, str]]):
        self.edits = edits
        self.starts = [e[0] for e in edits]
        self.deltas = []
        total = 0
        for a, b, new in edits:
            total += len(new) - (b - a)
            self.deltas.append(total)

    def start(self, x: int) -> int:
        """New position of a span start: inside an edit, snap to the edit's start."""
        i = bisect_right(self.starts, x) - 1
        if i < 0:
            return x
        a, b, new = self.edits[i]
        before = self.deltas[i - 1] if i else 0
        if x < b:
            return a + before
        return x + self.deltas[i]

    def end(self, x: int) -> int:
        """New position of a span end: inside an edit, snap to the edit's new end."""
        i = bisect_right(self.starts, x - 1) - 1 if x > 0 else -1
        if i < 0:
            return x
        a, b, new = self.edits[i]
        before = self.deltas[i - 1] if i else 0
        if x <= b:
            return a + before + len(new)
        return x + self.deltas[i]


def replace_spans(conn, source_id: int, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping ``(start, end, replacement)`` edits to a source; returns the new text."""
    text = conn.execute(select(s.sources.c.text).where(s.sources.c.id == source_id)).scalar()
    if text is None:
        raise ElcError(f"no source with id {source_id}")
    edits = sorted(edits)
    for (a, b, _), nxt in zip(edits, edits[1:] + [None]):
        if not (0 <= a <= b <= len(text)) or (nxt and nxt[0] < b):
            raise ElcError(f"source {source_id}: edits overlap or fall outside the text")
    parts, pos = [], 0
    for a, b, new in edits:
        parts.append(text[pos:a])
        parts.append(new)
        pos = b
    parts.append(text[pos:])
    new_text = "".join(parts)
    shift = _Shift(edits)
    for table in (s.segments, s.codings, s.deid_detections):
        rows = conn.execute(select(table.c.id, table.c.start, table.c.end)
                            .where(table.c.source_id == source_id)).fetchall()
        for rid, a, b in rows:
            na, nb = shift.start(a), shift.end(b)
            if (na, nb) != (a, b):
                conn.execute(table.update().where(table.c.id == rid).values(start=na, end=max(na, nb)))
    conn.execute(s.sources.update().where(s.sources.c.id == source_id).values(
        text=new_text, content_hash=hashlib.sha256(new_text.encode("utf-8")).hexdigest()))
    return new_text
