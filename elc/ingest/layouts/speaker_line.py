"""A line holding only a speaker and a timestamp, the turn's text on the lines below.

Name first (``Jane Doe  0:03``: Otter-style services, Teams' Word/text download) or timestamp
first (``00:00:05 Speaker 1``: Word's Transcribe). ``m:ss``, ``mm:ss`` and ``h:mm:ss``.
"""

from __future__ import annotations

import re

from elc.domain import Turn
from elc.ingest.base import parse_timestamp
from elc.ingest.layouts.types import Parsed

TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
NAME = r"[^\W\d_][\w.,'’ -]{0,40}?"
NAME_FIRST = re.compile(rf"^\s*\[?(?P<name>{NAME})\]?\s+[\[(]?(?P<ts>{TS})[\])]?\s*$")
TS_FIRST = re.compile(rf"^\s*[\[(]?(?P<ts>{TS})[\])]?\s*[-–]?\s+\[?(?P<name>{NAME})\]?\s*$")
PARTICLES = {"de", "van", "von", "der", "da", "di", "du", "le", "la", "bin", "al", "el", "ap", "of"}


def _name_ok(name: str) -> bool:
    """A speaker, not a sentence: at most five words, capitalised (or digits), no end punctuation."""
    words = name.replace(",", " ").split()
    if not words or len(words) > 5 or name.rstrip()[-1:] in ".?!:;":
        return False
    return words[0][:1].isupper() and all(w[:1].isupper() or w.isdigit() or w.lower() in PARTICLES
                                          for w in words)


def header(line: str) -> tuple[str, float, str] | None:
    """``(name, seconds, "name-first" | "ts-first")`` when ``line`` is a speaker-and-timestamp line."""
    if len(line) > 80:
        return None
    for form, rx in (("name-first", NAME_FIRST), ("ts-first", TS_FIRST)):
        m = rx.match(line)
        if m and _name_ok(m.group("name")):
            return m.group("name").strip().rstrip(","), parse_timestamp(m.group("ts")), form
    return None


def _headers(lines: list[str]) -> list[tuple[int, tuple[str, float, str]]]:
    """Speaker lines followed by text (a speaker line straight after another is text, not a turn)."""
    found = []
    for i, line in enumerate(lines):
        h = header(line)
        if h is None:
            continue
        nxt = next((ln for ln in lines[i + 1:i + 4] if ln.strip()), None)
        if nxt is not None and header(nxt) is None:
            found.append((i, h))
    return found


def score(lines: list[str]) -> int:
    found = _headers(lines)
    return len(found) if len(found) >= 2 else 0


def parse(lines: list[str]) -> Parsed:
    found = _headers(lines)
    turns: list[Turn] = []
    forms = {"name-first": 0, "ts-first": 0}
    for k, (i, (name, ts, form)) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else len(lines)
        text = " ".join(ln.strip() for ln in lines[i + 1:end] if ln.strip())
        forms[form] += 1
        if text:
            turns.append(Turn(name, text, ts))
    preamble = lines[:found[0][0]] if found else list(lines)
    layout = "otter-style" if forms["name-first"] >= forms["ts-first"] else "word-transcribe"
    return Parsed(layout, turns, preamble=preamble)
