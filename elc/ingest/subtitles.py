"""WebVTT and SRT captions: cues merged into speaker turns, timings kept on the turn.

Teams writes ``<v Name>`` voice tags, Zoom ``Name: text`` inside the cue; both may span lines.
"""

from __future__ import annotations

import io
from pathlib import Path

from elc.domain import RawTranscript
from elc.errors import ImportFileError
from elc.ingest.base import ImportOptions, decode
from elc.ingest.layouts import Parsed, to_transcript
from elc.ingest.layouts.cues import VOICE, cue_text, merge


def _transcript(path: Path, cues: list, raws: list[str], kind: str) -> RawTranscript:
    turns = merge(cues)
    if not turns:
        raise ImportFileError(path, "contains no captions")
    if any(VOICE.search(r) for r in raws[:50]):
        layout = f"teams-{kind}"
    elif any(c[0] for c in cues):
        layout = f"zoom-{kind}" if kind == "vtt" else f"labelled-{kind}"
    else:
        layout = kind
    return to_transcript(path.name, Parsed(layout, turns))


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
        cues, raws = [], []
        for cap in captions.captions:
            raw = getattr(cap, "raw_text", None) or cap.text
            speaker, body = cue_text(raw)
            cues.append((speaker, body, cap.start_in_seconds, cap.end_in_seconds))
            raws.append(raw)
        return [_transcript(path, cues, raws, "vtt")]


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
            speaker, body = cue_text(sub.content)
            cues.append((speaker, body, sub.start.total_seconds(), sub.end.total_seconds()))
        return [_transcript(path, cues, [s.content for s in subs[:50]], "srt")]
