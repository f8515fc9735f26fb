"""Word transcripts: paragraphs (and table rows) as lines, in any layout plain text can have."""

from __future__ import annotations

import zipfile
from pathlib import Path

from elc.domain import RawTranscript
from elc.errors import ImportFileError
from elc.ingest.base import ImportOptions
from elc.ingest.layouts import parse_lines, to_transcript
from elc.ingest.limits import check_zip

MAX_UNCOMPRESSED = 200 * 1024 * 1024


class DocxImporter:
    suffixes = (".docx",)

    def read(self, path: Path, options: ImportOptions) -> list[RawTranscript]:
        import docx  # python-docx

        if not zipfile.is_zipfile(path):
            raise ImportFileError(path, "is not a valid .docx file (not a zip archive; is it an old .doc?)")
        check_zip(path, "docx")  # declared and actual unpacked sizes (elc.ingest.limits)
        try:
            with zipfile.ZipFile(path) as zf:
                if "word/document.xml" not in zf.namelist():
                    raise ImportFileError(path, "is not a Word document (no word/document.xml)")
            document = docx.Document(str(path))
        except ImportFileError:
            raise
        except Exception as exc:  # python-docx raises many kinds on corrupt files
            raise ImportFileError(path, f"is a corrupt .docx file ({exc.__class__.__name__})") from None
        lines: list[str] = []
        for para in document.paragraphs:
            lines.extend(para.text.splitlines() or [""])
        for table in document.tables:  # some transcribers put speaker | text in a table
            for row in table.rows:
                cells = [c.text.strip() for c in row.cells]
                if len(cells) >= 2 and cells[0] and len(cells[0]) <= 30:
                    lines.append(f"{cells[0].rstrip(':')}: {' '.join(cells[1:])}")
                else:
                    lines.append(" ".join(cells))
        del document
        parsed = parse_lines(lines)
        if not parsed.turns:
            raise ImportFileError(path, "contains no transcript text")
        return [to_transcript(path.name, parsed)]
