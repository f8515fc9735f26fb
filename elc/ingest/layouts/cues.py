"""Caption cues (``00:00:03.120 --> 00:00:05.450``) as WebVTT/SRT files hold them, or as Teams
and Zoom transcripts pasted or exported into .txt/.docx. Speakers come from ``<v Name>`` voice
tags (Teams), ``Name:`` inside the cue (Zoom), or a name line above the cue text (older Teams
downloads); consecutive cues of one speaker merge into one turn, timings kept."""

from __future__ import annotations

import re

from elc.domain import Turn
from elc.ingest.base import parse_timestamp, split_label
from elc.ingest.layouts.speaker_line import _name_ok
from elc.ingest.layouts.types import Parsed

VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>(.*?)(?:</v>|$)", re.S)
TAG = re.compile(r"</?[^>]+>")
CTS = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
ARROW = re.compile(rf"^\s*(?P<a>{CTS})\s*-->\s*(?P<b>{CTS})")
CUE_ID = re.compile(r"^\s*(\d+|[0-9a-f]{8}-[0-9a-f-]{27,}(/\d+-\d+)?)\s*$", re.I)
NAME_LINE = re.compile(r"^[^\W\d_][\w.,'’ -]{0,40}$")  # checked further by _name_ok


def cue_text(raw: str) -> tuple[str | None, str]:
    """Speaker and text of one cue: ``<v Name>`` voice tag, else a ``Name:`` label."""
    raw = raw.replace("\n", " ").strip()
    m = VOICE.search(raw)
    if m:
        return m.group(1).strip(), TAG.sub("", m.group(2)).strip()
    label, rest, _ = split_label(TAG.sub("", raw))
    return label, rest


def merge(cues: list[tuple[str | None, str, float, float]]) -> list[Turn]:
    """Consecutive cues of one speaker (or with no speaker of their own) become one turn."""
    turns: list[Turn] = []
    cur_speaker: str | None = None
    parts: list[str] = []
    start: float | None = None
    end: float | None = None
    for speaker, text, s, e in cues:
        if speaker is None:
            speaker = cur_speaker
        if speaker != cur_speaker and parts:
            turns.append(Turn(cur_speaker, " ".join(parts), start, end))
            parts, start = [], None
        cur_speaker = speaker
        if text:
            parts.append(text)
            start = s if start is None else start
            end = e
    if parts:
        turns.append(Turn(cur_speaker, " ".join(parts), start, end))
    return turns


def score(lines: list[str]) -> int:
    """Two per cue: its timing line and (often) a ``Name:`` label that the labelled layout would
    also count, so cues win over labels when both read the same lines."""
    n = sum(1 for ln in lines if ARROW.match(ln))
    return 2 * n if n >= 2 else 0


def parse(lines: list[str]) -> Parsed:
    timings = [(i, m) for i, ln in enumerate(lines) if (m := ARROW.match(ln))]  # (line index, its timing)
    cues = []
    voice_tags = named_lines = labels = 0
    for k, (i, m) in enumerate(timings):
        stop = timings[k + 1][0] if k + 1 < len(timings) else len(lines)
        body: list[str] = []
        for ln in lines[i + 1:stop]:
            if not ln.strip():
                if body:
                    break
                continue
            body.append(ln.strip())
        if body and k + 1 < len(timings) and CUE_ID.match(body[-1]) and stop == i + 1 + len(body):
            body.pop()  # the next cue's identifier
        raw = "\n".join(body)
        speaker, text = cue_text(raw)
        if VOICE.search(raw):
            voice_tags += 1
        elif speaker is not None:
            labels += 1
        elif len(body) >= 2 and NAME_LINE.match(body[0]) and _name_ok(body[0]):
            speaker, text = body[0].strip(), " ".join(body[1:])  # older Teams: a name line above the text
            named_lines += 1
        cues.append((speaker, text, parse_timestamp(m.group("a")), parse_timestamp(m.group("b"))))
    preamble = [ln for ln in lines[:timings[0][0]] if ln.strip() and not ln.strip().startswith("WEBVTT")
                and not CUE_ID.match(ln)] if timings else []
    layout = "teams-cues" if voice_tags or named_lines >= labels and named_lines else "zoom-cues"
    return Parsed(layout, merge(cues), preamble=preamble)
