"""Replace detections in a text and map offsets from the original text to the new one."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .merge import merge_detections
from .pseudonymiser import Pseudonymiser
from .types import Detection


@dataclass(frozen=True)
class Replacement:
    """One substitution: ``original`` at ``start:end`` became ``replacement`` at
    ``new_start:new_end`` in the de-identified text."""

    start: int
    end: int
    new_start: int
    new_end: int
    label: str
    original: str
    replacement: str

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def apply(
    text: str,
    detections: Iterable[Detection],
    pseudonymiser: Pseudonymiser | None = None,
) -> tuple[str, list[Replacement]]:
    """Return ``(new_text, replacements)`` with every detection replaced by its tag.

    Overlapping detections are merged first. ``pseudonymiser`` carries the project's mapping
    (a throwaway one is used when ``None``).
    """
    pseudo = pseudonymiser if pseudonymiser is not None else Pseudonymiser()
    dets = merge_detections(
        [d for d in detections if 0 <= d.start < d.end <= len(text)], text
    )
    tags = pseudo.tags(text, dets)
    parts: list[str] = []
    reps: list[Replacement] = []
    pos = 0
    new_pos = 0
    for det, tag in zip(dets, tags):
        chunk = text[pos:det.start]
        parts.append(chunk)
        new_pos += len(chunk)
        parts.append(tag)
        reps.append(Replacement(det.start, det.end, new_pos, new_pos + len(tag), det.label,
                                text[det.start:det.end], tag))
        new_pos += len(tag)
        pos = det.end
    parts.append(text[pos:])
    return "".join(parts), reps


class OffsetMap:
    """Maps offsets of the original text into the de-identified text (build once, query often)."""

    def __init__(self, replacements: Sequence[Replacement]):
        self._reps = sorted(replacements, key=lambda r: r.start)
        self._starts = [r.start for r in self._reps]

    def offset(self, offset: int, snap: str = "nearest") -> int:
        """New offset for ``offset``. Inside a replaced region it snaps to the region's start
        (``snap="start"``), end (``"end"``) or the nearer edge (``"nearest"``, ties to end)."""
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return offset
        r = self._reps[i]
        if offset == r.start:
            return r.new_start
        if offset >= r.end:
            return r.new_end + (offset - r.end)
        if snap == "start":
            return r.new_start
        if snap == "end":
            return r.new_end
        return r.new_start if offset - r.start < r.end - offset else r.new_end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """New ``(start, end)`` for a span. A span lying within one replaced region becomes the
        whole tag; otherwise both edges snap to the nearer edge of any region they fall in, so
        adjacent spans (sentences, turns) stay adjacent."""
        i = bisect_right(self._starts, start) - 1
        if i >= 0:
            r = self._reps[i]
            if r.start <= start and end <= r.end and (start < end or r.start < start < r.end):
                return r.new_start, r.new_end
        s, e = self.offset(start), self.offset(end)
        return s, max(s, e)


def map_offset(replacements: Sequence[Replacement], offset: int, snap: str = "nearest") -> int:
    """Map one original offset into the de-identified text (see ``OffsetMap.offset``)."""
    return OffsetMap(replacements).offset(offset, snap)


def map_span(replacements: Sequence[Replacement], start: int, end: int) -> tuple[int, int]:
    """Map an original ``(start, end)`` span into the de-identified text (see ``OffsetMap.span``)."""
    return OffsetMap(replacements).span(start, end)
