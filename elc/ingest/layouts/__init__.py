"""Transcript layouts: which shape a text or Word transcript has, and its turns.

Each layout family lives in its own module and offers ``score(lines)`` (how many lines start a
turn in that layout; 0 when it does not apply) and ``parse(lines) -> Parsed``. :func:`parse_lines`
strips header and footer lines common to every family (keywords, speaker lists, "transcribed by",
meeting-tool events), picks the family with the highest score (registry order breaks ties) and
falls back to typed notes when no family recognises a single turn.
"""

from __future__ import annotations

from elc.ingest.layouts import cues, labelled, notes, speaker_line
from elc.ingest.layouts.header import split_header
from elc.ingest.layouts.types import Header, Parsed

# registry order breaks ties: the long-standing ``Name: text`` form first
REGISTRY = (labelled, speaker_line, cues)


def detect(lines: list[str]):
    """The layout module for ``lines`` (``notes`` when none recognises a turn)."""
    best, best_score = notes, 0
    for family in REGISTRY:
        s = family.score(lines)
        if s > best_score:
            best, best_score = family, s
    return best


def parse_lines(lines: list[str]) -> Parsed:
    """Header metadata, layout and turns of one transcript given as lines of text."""
    body, header = split_header(lines)
    family = detect(body)
    parsed = family.parse(body)
    parsed.header = header.merge_preamble(parsed.preamble)
    parsed.preamble = []
    if len(parsed.turns) <= 1:
        from elc.ingest.checks import likely_layout

        parsed.hint = likely_layout(body)
    if family is speaker_line and header.events and parsed.layout == "otter-style":
        parsed.layout = "teams-transcript"  # Teams' Word/text download: same lines, transcription events
    return parsed


def to_transcript(name: str, parsed: Parsed):
    """A RawTranscript carrying the layout (stored) and the parse itself (``_parsed``: never stored,
    its header may hold names)."""
    from elc.domain import RawTranscript

    meta = {"layout": parsed.layout, "_parsed": parsed}
    if parsed.notes:
        meta["method"] = "notes"
    return RawTranscript(name=name, turns=parsed.turns, metadata=meta)


__all__ = ["Header", "Parsed", "REGISTRY", "detect", "parse_lines", "to_transcript"]
