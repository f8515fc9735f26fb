"""The workbench's records: small immutable views the widgets render quickly, and their helpers.

No Textual import here, so the controllers and these records are testable without a terminal.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

VALENCE_GLYPH = {"working-well": "▲", "to-improve": "▼", "neutral": "●"}
OTHER_GLYPH = {"working-well": "△", "to-improve": "▽", "neutral": "○"}
VALENCE_LABEL = {"working-well": "working well", "to-improve": "to improve", "neutral": "neutral"}
PROGRESS = ("all", "uncoded", "in progress", "done")
PROGRESS_GLYPH = {"uncoded": "○", "in progress": "◐", "done": "●"}
WORD = re.compile(r"\S+")


# --------------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class Turn:
    id: int
    index: int
    start: int
    end: int
    body_start: int  # after "Speaker: "
    speaker: str
    role: str
    first: int  # index of its first sentence in SourceDoc.sentences
    last: int  # one past its last sentence
    ts_start: float | None


@dataclass(frozen=True, slots=True)
class Sentence:
    id: int
    index: int
    turn: int  # index into SourceDoc.turns
    start: int
    end: int
    speaker: str
    role: str
    question: str


@dataclass
class SourceDoc:
    id: int
    name: str
    participant_id: str | None
    community: str | None
    family: str | None
    text: str
    turns: list[Turn]
    sentences: list[Sentence]
    starts: list[int] = field(default_factory=list)

    def __post_init__(self):
        self.starts = [x.start for x in self.sentences]

    @property
    def label(self) -> str:
        return self.participant_id or self.name

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence containing (or nearest before) a character offset."""
        if not self.sentences:
            return 0
        i = bisect.bisect_right(self.starts, offset) - 1
        return max(0, min(i, len(self.sentences) - 1))

    def words(self, start: int, end: int) -> list[tuple[int, int]]:
        """Word spans (non-space runs) within [start, end)."""
        return [(m.start(), m.end()) for m in WORD.finditer(self.text, start, end)]


@dataclass(frozen=True, slots=True)
class CodingView:
    id: int
    source_id: int
    start: int
    end: int
    code_id: int
    valence: str
    coder: str
    memo: str
    origin: str
    own: bool

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class CodeView:
    id: int
    name: str
    kind: str
    family: str | None
    parent_id: int | None
    position: int
    colour: str
    definition: str
    keywords: tuple[str, ...]
    depth: int = 0
    count: int = 0
    number: int | None = None  # 1-9 shortcut in the codebook pane


@dataclass(frozen=True, slots=True)
class SourceRow:
    id: int
    name: str
    label: str
    participant_id: str | None
    community: str | None
    family: str | None
    n_segments: int
    n_coded: int

    @property
    def share(self) -> float:
        return self.n_coded / self.n_segments if self.n_segments else 0.0

    @property
    def status(self) -> str:
        if not self.n_segments or not self.n_coded:
            return "uncoded"
        return "done" if self.n_coded >= self.n_segments else "in progress"


@dataclass(frozen=True, slots=True)
class SearchHit:
    source_id: int
    label: str
    community: str | None
    speaker: str
    start: int  # the match
    end: int
    seg_start: int  # the sentence around it
    seg_end: int
    before: str
    match: str
    after: str


@dataclass(frozen=True, slots=True)
class Passage:
    coding_id: int
    source_id: int
    participant_id: str | None
    label: str
    community: str | None
    start: int
    end: int
    code_id: int
    code: str
    valence: str
    coder: str
    memo: str
    text: str


@dataclass(frozen=True)
class CodingEvent:
    """What the app tells the ``on_coding`` hook after every committed change."""

    action: str  # apply remove valence memo resize undo redo accept reject
    coder: str
    coding_id: int | None = None
    source_id: int | None = None
    code_id: int | None = None
    segment_id: int | None = None


def _none(x):
    try:
        import pandas as pd

        return None if pd.isna(x) else x
    except (TypeError, ValueError):
        return x



def _overlapping(segments: list[tuple[int, int, int]], spans: list[tuple[int, int]]) -> set[int]:
    """Ids of the (start, end, id) segments, sorted by start, that overlap any of the spans."""
    out: set[int] = set()
    if not segments or not spans:
        return out
    starts = [a for a, _, _ in segments]
    for a, b in spans:
        i = max(0, bisect.bisect_right(starts, a) - 1)
        while i < len(segments) and segments[i][0] < b:
            if segments[i][1] > a:
                out.add(segments[i][2])
            i += 1
    return out


def _one_per_span(passages: list[Passage]) -> list[Passage]:
    """One passage per coded span and code, naming every coder who coded it (the first one's valence
    and memo, the viewer's own first): double coding must not show a sentence twice."""
    out: list[Passage] = []
    seen: dict[tuple[int, int, int, int], int] = {}
    for p in passages:
        key = (p.source_id, p.start, p.end, p.code_id)
        if key in seen:
            i = seen[key]
            out[i] = _replace(out[i], coder=f"{out[i].coder} + {p.coder}")
        else:
            seen[key] = len(out)
            out.append(p)
    return out


def _replace(obj, **changes):
    from dataclasses import replace

    return replace(obj, **changes)


def fuzzy_codes(codes: Iterable[CodeView], query: str, limit: int = 60) -> list[tuple[CodeView, float]]:
    """Codes for a picker query, best first (see :mod:`elc.tui.codesearch` for the tiers)."""
    from elc.tui.codesearch import rank_codes

    return [(m.code, m.score) for m in rank_codes(codes, query, limit)]

