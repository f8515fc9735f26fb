"""CSV/XLSX responses: one response per row, columns mapped to participant, community, question, text.

Rows of one participant become one source, question and answer as turns. Without a participant
column each row is its own respondent (``R00001``...), as in free-text survey exports.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from elc.domain import RawTranscript, Turn
from elc.errors import ImportFileError
from elc.ingest.base import ImportOptions, decode

GUESSES = {
    "text": ("text", "response", "answer", "comment", "comments", "feedback", "transcript", "free text", "verbatim"),
    "participant": ("participant", "participant_id", "participant id", "respondent", "respondent_id", "pid", "id"),
    "community": ("community", "group", "stakeholder", "stakeholder group", "community of interest"),
    "question": ("question", "prompt", "item"),
    "date": ("date", "interview_date", "response date"),
}
MAX_ROWS = 500_000


def _pick(header: list[str], role: str, options: ImportOptions, path: Path) -> int | None:
    lowered = [h.strip().lower() for h in header]
    wanted = options.columns.get(role)
    if wanted:
        if wanted.strip().lower() not in lowered:
            raise ImportFileError(path, f"has no column '{wanted}' (columns: {', '.join(header)})")
        return lowered.index(wanted.strip().lower())
    for guess in GUESSES[role]:
        if guess in lowered:
            return lowered.index(guess)
    return None


def _rows_csv(path: Path, options: ImportOptions) -> list[list[str]]:
    text = decode(path, path.read_bytes(), options.encoding)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise ImportFileError(path, f"is malformed CSV ({exc})") from None


def _rows_xlsx(path: Path, options: ImportOptions) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise ImportFileError(path, "is not a valid .xlsx file (not a zip archive; is it an old .xls?)")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        raise ImportFileError(path, f"is a corrupt .xlsx file ({exc.__class__.__name__})") from None
    return rows


def read_table(path: Path, options: ImportOptions) -> tuple[list[str], list[list[str]]]:
    rows = _rows_xlsx(path, options) if path.suffix.lower() in (".xlsx", ".xlsm") else _rows_csv(path, options)
    rows = [r for r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise ImportFileError(path, "is empty")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(path, f"has more than {MAX_ROWS:,} rows; split it")
    return [str(h) for h in rows[0]], rows[1:]


class TabularImporter:
    suffixes = (".csv", ".tsv", ".xlsx", ".xlsm")

    def read(self, path: Path, options: ImportOptions) -> list[RawTranscript]:
        header, body = read_table(path, options)
        col = {role: _pick(header, role, options, path) for role in GUESSES}
        if col["text"] is None:
            raise ImportFileError(
                path, f"has no text column (looked for {', '.join(GUESSES['text'][:5])}...; "
                      f"name one with --text-column; columns: {', '.join(header)})")

        def cell(row, role):
            i = col[role]
            return str(row[i]).strip() if i is not None and i < len(row) else ""

        groups: dict[str, RawTranscript] = {}
        for n, row in enumerate(body, start=1):
            text = cell(row, "text")
            if not text:
                continue
            pid = cell(row, "participant") or options.participant or f"R{n:05d}"
            tr = groups.get(pid)
            if tr is None:
                tr = groups[pid] = RawTranscript(
                    name=f"{path.name}#{pid}", turns=[], participant=pid,
                    community=cell(row, "community") or None,
                    metadata={"interview_date": cell(row, "date") or None, "method": "written response"})
            question = cell(row, "question")
            if question:
                tr.turns.append(Turn("Question", question))
            tr.turns.append(Turn(pid, text))
        if not groups:
            raise ImportFileError(path, "has no rows with text")
        return list(groups.values())
