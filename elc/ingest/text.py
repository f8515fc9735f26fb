"""Plain-text transcripts with speaker labels (``Interviewer:``, ``P07:``, optional timestamps)."""

from __future__ import annotations

from pathlib import Path

from elc.domain import RawTranscript
from elc.errors import ImportFileError
from elc.ingest.base import ImportOptions, decode, turns_from_lines


class TextImporter:
    suffixes = (".txt", ".text", ".md")

    def read(self, path: Path, options: ImportOptions) -> list[RawTranscript]:
        text = decode(path, path.read_bytes(), options.encoding)
        turns = turns_from_lines(text.splitlines())
        if not turns:
            raise ImportFileError(path, "contains no transcript text")
        return [RawTranscript(name=path.name, turns=turns)]
