"""The importer protocol, the suffix registry and checks shared by every format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from elc.domain import RawTranscript

MAX_BYTES = 50 * 1024 * 1024  # a one-hour transcript is ~60 kB; 50 MB is far beyond any real one

# "[00:03:12]", "00:03:12", "(03:12)" before a speaker label
TIMESTAMP = re.compile(r"^\s*[\[(]?(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]?\s*[-–]?\s*")
# A speaker label: up to four words (letters, digits, spaces, dots, apostrophes, hyphens) then ':'.
SPEAKER = re.compile(r"^(?P<label>[A-Za-z][\w .'’/-]{0,30}?)\s*:\s+(?=\S)|^(?P<label2>[A-Za-z][\w .'’/-]{0,30}?)\s*:\s*$")
# "Name (00:01:02): ..." and "Speaker 1 (00:00):" (the timestamp in brackets after the label)
LABEL_TS = re.compile(r"^(?P<label>[A-Za-z][\w .'’/-]{0,30}?)\s*[\[(](?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]\s*:(?:\s+|$)")


@dataclass
class ImportOptions:
    community: str | None = None
    participant: str | None = None
    encoding: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # role -> column name for CSV/XLSX
    interviewers: tuple[str, ...] = ()  # speaker names to take for the interviewer (--interviewer)
    max_bytes: int = MAX_BYTES


class Importer(Protocol):
    """Reads one file into transcripts. Raises ImportFileError on anything it cannot read."""

    suffixes: tuple[str, ...]

    def read(self, path: Path, options: ImportOptions) -> list[RawTranscript]: ...


def parse_timestamp(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def split_label(line: str) -> tuple[str | None, str, float | None]:
    """``"[00:01:02] P07: Well..."`` -> ("P07", "Well...", 62.0)."""
    ts = None
    m = LABEL_TS.match(line)
    if m and len(m.group("label").split()) <= 4:
        return m.group("label").strip(), line[m.end():].strip(), parse_timestamp(m.group("ts"))
    m = TIMESTAMP.match(line)
    if m and (m.group(0).strip().startswith(("[", "(")) or SPEAKER.match(line[m.end():])):
        ts = parse_timestamp(m.group("ts"))
        line = line[m.end():]
    m = SPEAKER.match(line)
    if m:
        label = (m.group("label") or m.group("label2")).strip()
        if len(label.split()) <= 4 and not label.lower().startswith(("http", "www")):
            return label, line[m.end():].strip(), ts
    return None, line.strip(), ts


def decode(path: Path, data: bytes, encoding: str | None) -> str:
    """Decode text strictly (see elc.ingest.encoding): never returns text holding a NUL."""
    from elc.ingest.encoding import decode_text

    return decode_text(path, data, encoding)


def turns_from_lines(lines: list[str]):
    """Group lines into speaker turns: a labelled line starts a turn, others continue it."""
    from elc.domain import Turn

    turns: list[Turn] = []
    speaker: str | None = None
    parts: list[str] = []
    ts: float | None = None
    for raw in lines:
        if not raw.strip():
            continue
        label, rest, stamp = split_label(raw)
        if label is not None:
            if parts or speaker is not None:
                turns.append(Turn(speaker, " ".join(parts).strip(), ts))
            speaker, parts, ts = label, [rest] if rest else [], stamp
        else:
            parts.append(rest)
    if parts or speaker is not None:
        turns.append(Turn(speaker, " ".join(parts).strip(), ts))
    return [t for t in turns if t.text]
