"""Header and footer lines shared by transcription services and meeting tools.

Otter-style exports open with ``SUMMARY KEYWORDS`` / ``SPEAKERS`` blocks and close with
"Transcribed by https://otter.ai"; Teams downloads carry "Name started transcription" lines.
These become :class:`Header` metadata, never participant text.
"""

from __future__ import annotations

import re

from elc.ingest.layouts.types import Header

KEYWORDS = re.compile(r"^\s*(summary\s+)?keywords\s*:?\s*$", re.I)
SPEAKERS = re.compile(r"^\s*speakers\s*:?\s*$", re.I)
TRANSCRIBED_BY = re.compile(r"^\s*transcribed\s+by\s+(?P<by>\S.{0,80})$", re.I)
EVENT = re.compile(r"^\s*\S.{0,60}\s(started|stopped)\s+transcription\s*$", re.I)
MAX_HEADER_LINES = 60  # a header longer than this is text, not a header


def _block(lines: list[str], i: int) -> tuple[list[str], int]:
    """Non-blank lines from ``i`` up to a blank line or the next marker."""
    out = []
    while i < len(lines) and lines[i].strip() and not (KEYWORDS.match(lines[i]) or SPEAKERS.match(lines[i])):
        out.append(lines[i].strip())
        i += 1
    return out, i


def _names(block: list[str]) -> list[str]:
    return [n.strip() for line in block for n in line.split(",") if n.strip()]


def split_header(lines: list[str]) -> tuple[list[str], Header]:
    """(body lines, header): marker blocks at the top, "transcribed by" and transcription events anywhere."""
    header = Header()
    body: list[str] = []
    i = 0
    top = True
    while i < len(lines):
        line = lines[i]
        if top and i < MAX_HEADER_LINES and KEYWORDS.match(line):
            block, i = _block(lines, i + 1)
            header.keywords.extend(_names(block))
            continue
        if top and i < MAX_HEADER_LINES and SPEAKERS.match(line):
            block, i = _block(lines, i + 1)
            header.speakers.extend(_names(block))
            continue
        m = TRANSCRIBED_BY.match(line)
        if m and len(line.split()) <= 12:
            header.transcribed_by = m.group("by").strip()
            i += 1
            continue
        if EVENT.match(line):
            header.events += 1
            i += 1
            continue
        if line.strip() and not (header.keywords or header.speakers):
            top = top and i < MAX_HEADER_LINES
        elif line.strip() and (header.keywords or header.speakers):
            top = False  # markers come first; once text follows them the header is over
        body.append(line)
        i += 1
    return body, header
