"""Plain-text transcripts in any recognised layout (see :mod:`elc.ingest.layouts`)."""

from __future__ import annotations

from pathlib import Path

from elc.domain import RawTranscript
from elc.errors import ImportFileError
from elc.ingest.base import ImportOptions, decode
from elc.ingest.layouts import parse_lines, to_transcript


class TextImporter:
    suffixes = (".txt", ".text", ".md")

    def read(self, path: Path, options: ImportOptions) -> list[RawTranscript]:
        text = decode(path, path.read_bytes(), options.encoding)
        parsed = parse_lines(text.splitlines())
        del text
        if not parsed.turns:
            raise ImportFileError(path, "contains no transcript text")
        return [to_transcript(path.name, parsed)]
