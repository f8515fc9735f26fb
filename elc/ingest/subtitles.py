"""WebVTT and SRT captions: cues merged into speaker turns, timings kept on the turn."""

from __future__ import annotations

import io
import re
from pathlib import Path

from elc.domain import RawTranscript, Turn
from elc.errors import ImportFileError
from elc.ingest.base import ImportOptions, decode, split_label

VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>(.*?)(?:</v>|$)", re.S)
TAG = re.compile(r"</?[^>]+>")


def _merge(cues: list[tuple[str | None, str, float, float]], path: Path) -> list[Turn]:
    turns: list[Turn] = []
    cur_speaker, parts, start, end = None, [], None, None
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
    if not turns:
        raise ImportFileError(path, "contains no captions")
    return turns


def _cue_text(raw: str) -> tuple[str | None, str]:
    raw = raw.replace("\n", " ").strip()
    m = VOICE.search(raw)
    if m:
        return m.group(1).strip(), TAG.sub("", m.group(2)).strip()
    label, rest, _ = split_label(TAG.sub("", raw))
    return label, rest


class VttImporter:
    suffixes = (".vtt",)

    def read(self, path: Path, options: ImportOptions) -> list[RawTranscript]:
        import webvtt

        text = decode(path, path.read_bytes(), options.encoding)
        if not text.lstrip("\ufeff").startswith("WEBVTT"):
            raise ImportFileError(path, "is not a WebVTT file (it must start with 'WEBVTT')")
        try:
            captions = webvtt.from_buffer(io.StringIO(text)) if hasattr(webvtt, "from_buffer") \
                else webvtt.read_buffer(io.StringIO(text))
        except Exception as exc:  # webvtt-py raises MalformedFileError / MalformedCaptionError
            raise ImportFileError(path, f"is malformed WebVTT ({str(exc).splitlines()[0][:80]})") from None
        cues = []
        for cap in captions:
            raw = getattr(cap, "raw_text", None) or cap.text
            speaker, body = _cue_text(raw)
            cues.append((speaker, body, cap.start_in_seconds, cap.end_in_seconds))
        return [RawTranscript(name=path.name, turns=_merge(cues, path))]


class SrtImporter:
    suffixes = (".srt",)

    def read(self, path: Path, options: ImportOptions) -> list[RawTranscript]:
        import srt

        text = decode(path, path.read_bytes(), options.encoding)
        try:
            subs = list(srt.parse(text))
        except Exception as exc:  # srt.SRTParseError and kin
            raise ImportFileError(path, f"is malformed SRT ({str(exc).splitlines()[0][:80]})") from None
        cues = []
        for sub in subs:
            speaker, body = _cue_text(sub.content)
            cues.append((speaker, body, sub.start.total_seconds(), sub.end.total_seconds()))
        return [RawTranscript(name=path.name, turns=_merge(cues, path))]
