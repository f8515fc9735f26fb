"""What a layout parse yields: turns, the layout's name and the header kept as metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

from elc.domain import Turn


@dataclass
class Header:
    """Lines that are about the transcript, not part of it. ``speakers`` and ``title`` can hold
    names: the pipeline replaces or de-identifies them before anything is stored."""

    title: str | None = None
    keywords: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)  # the header's SPEAKERS list, as written
    transcribed_by: str | None = None
    lines: list[str] = field(default_factory=list)  # other header lines (dates, durations)
    events: int = 0  # "X started transcription" lines dropped

    def merge_preamble(self, preamble: list[str]) -> "Header":
        """Lines before the first turn: the first is the title, the rest are kept as header lines."""
        rest = [ln.strip() for ln in preamble if ln.strip()]
        if rest and self.title is None:
            self.title, rest = rest[0], rest[1:]
        self.lines.extend(rest)
        return self

    @property
    def empty(self) -> bool:
        return not (self.title or self.keywords or self.speakers or self.transcribed_by or self.lines)


@dataclass
class Parsed:
    layout: str
    turns: list[Turn]
    preamble: list[str] = field(default_factory=list)  # lines before the first turn
    header: Header = field(default_factory=Header)
    notes: bool = False  # typed notes: no speakers at all
    hint: str | None = None  # when at most one turn was found: what the file's lines look like

    @property
    def timestamps(self) -> bool:
        return any(t.ts_start is not None for t in self.turns)
