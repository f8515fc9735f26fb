"""CSV/XLSX responses: one response per row, columns mapped to participant, community, question, text.

Rows of one participant become one source, question and answer as turns. Without a participant
column each row is its own respondent. CSV is parsed as RFC 4180 (quoted fields may hold commas,
quotes and line breaks); the delimiter is read from the header line outside quotes, never sniffed
from the body. Every row is accounted for: a row that does not parse cleanly stops the import
with one line naming it.

Values from the sheet never become identifiers in the project: a participant column holding
anything but a pseudonymous id (a name, a phone or NHS number, free text) is replaced by ids
generated for this file and community (``S3f9a-R0001``), and the import says so in one line.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from elc.domain import RawTranscript, Turn
from elc.errors import ImportFileError
from elc.ingest import limits
from elc.ingest.base import ImportOptions, decode
from elc.ingest.identifiers import check_date, is_safe_id

GUESSES = {
    "text": ("text", "response", "answer", "comment", "comments", "feedback", "transcript", "free text", "verbatim"),
    "participant": ("participant", "participant_id", "participant id", "respondent", "respondent_id", "pid", "id"),
    "community": ("community", "group", "stakeholder", "stakeholder group", "community of interest"),
    "question": ("question", "prompt", "item"),
    "date": ("date", "interview_date", "response date"),
}
MAX_ROWS = limits.MAX_SHEET_ROWS
DELIMITERS = (",", ";", "\t", "|")
NOTES_KEY = "_import_notes"  # transcript metadata the pipeline prints as one line each, never stores


# --------------------------------------------------------------------------- CSV
def _header_delimiter(text: str, path: Path) -> str:
    """The delimiter that occurs most in the header record, counted outside quotes."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text[:65536]:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in "\r\n":
                break
            if ch in counts:
                counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier (comma first)
    return best if counts[best] else ","


def _rows_csv(path: Path, options: ImportOptions) -> list[tuple[int, list[str]]]:
    """(line number, fields) per record, every record of the file, RFC 4180 quoting."""
    text = decode(path, path.read_bytes(), options.encoding)
    delimiter = _header_delimiter(text, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=True, skipinitialspace=False)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError(path, f"has more than {MAX_ROWS:,} rows; split it")
    except csv.Error as exc:
        raise ImportFileError(path, f"is malformed CSV at line {start} ({exc}); "
                                    f"check the quotes in that row") from None
    return rows


# --------------------------------------------------------------------------- XLSX
def _rows_xlsx(path: Path, options: ImportOptions) -> list[tuple[int, list[str]]]:
    """(row number, cells) per row actually present; the sheet's claimed size is ignored."""
    import zipfile

    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise ImportFileError(path, "is not a valid .xlsx file (not a zip archive; is it an old .xls?)")
    limits.check_zip(path, "xlsx")
    rows: list[tuple[int, list[str]]] = []
    cells = 0
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            if not wb.worksheets:
                raise ImportFileError(path, "has no worksheet")
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # read the cells that exist, not the A1:XFD1048576 a file may claim
            for row in ws.iter_rows():
                values = [c.value for c in row]
                while values and values[-1] in (None, ""):
                    values.pop()
                if not values:
                    continue
                number = getattr(row[0], "row", None) or len(rows) + 1
                if len(values) > limits.MAX_SHEET_COLUMNS:
                    raise ImportFileError(path, f"row {number} has {len(values):,} columns (over "
                                                f"{limits.MAX_SHEET_COLUMNS:,}); is it a response sheet?")
                cells += len(values)
                if len(rows) >= MAX_ROWS + 1 or cells > limits.MAX_SHEET_CELLS:
                    raise ImportFileError(path, f"has more than {MAX_ROWS:,} rows or "
                                                f"{limits.MAX_SHEET_CELLS:,} cells; split it")
                rows.append((number, ["" if v is None else str(v) for v in values]))
        finally:
            wb.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        raise ImportFileError(path, f"is a corrupt .xlsx file ({exc.__class__.__name__})") from None
    return rows


def read_table(path: Path, options: ImportOptions) -> tuple[list[str], list[list[str]]]:
    """Header and body rows (blank rows dropped; a row wider than the header refused)."""
    header, body = read_numbered_table(path, options)
    return header, [row for _, row in body]


def read_numbered_table(path: Path, options: ImportOptions) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, row) body rows; blank rows dropped; a row wider than the header refused."""
    rows = _rows_xlsx(path, options) if path.suffix.lower() in (".xlsx", ".xlsm") else _rows_csv(path, options)
    rows = [(n, r) for n, r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise ImportFileError(path, "is empty")
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(path, f"has more than {MAX_ROWS:,} rows; split it")
    header = [str(h).strip() for h in rows[0][1]]
    width = len(header)
    for n, row in rows[1:]:
        extra = [c for c in row[width:] if str(c).strip()]
        if extra:
            raise ImportFileError(path, f"row at line {n} has {len(row)} fields but the header has {width} "
                                        f"(an unquoted delimiter or a stray quote?); nothing is guessed")
    return header, rows[1:]


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


class _Ids:
    """Participant ids for one file: safe ids kept, anything else replaced by a generated one,
    the same value always getting the same id within the file and community."""

    def __init__(self, path: Path, digest: str):
        self.path, self.digest = path, digest
        self.generated: dict[tuple[str, str], str] = {}
        self.replaced = 0

    def tag(self, community: str) -> str:
        return "S" + hashlib.sha256(f"{self.digest}|{community.lower()}".encode()).hexdigest()[:4]

    def __call__(self, value: str, community: str, row_number: int) -> str:
        if value and is_safe_id(value):
            return value
        if value:
            self.replaced += 1
        key = (community.lower(), value.lower() if value else f"\x00row{row_number}")
        pid = self.generated.get(key)
        if pid is None:
            pid = self.generated[key] = f"{self.tag(community)}-R{len(self.generated) + 1:04d}"
        return pid


@dataclass
class _Rows:
    """What reading a sheet's rows found beside the transcripts, for the notes."""
    groups: dict[str, RawTranscript] = field(default_factory=dict)  # participant id -> transcript
    empty: list[int] = field(default_factory=list)  # line numbers of rows without text
    dates_dropped: int = 0


def _notes(path: Path, header: list[str], col: dict, ids: _Ids, rows: _Rows) -> list[str]:
    """One line per thing the import left out or changed."""
    notes = []
    if ids.replaced:
        notes.append(f"{path.name}: {ids.replaced} value(s) in the participant column were not pseudonymous "
                     f"ids (names, numbers or text); replaced by ids generated for this file and community")
    if rows.empty:
        shown = ", ".join(str(n) for n in rows.empty[:5]) + (" ..." if len(rows.empty) > 5 else "")
        notes.append(f"{path.name}: {len(rows.empty)} row(s) with no text were not imported (lines {shown})")
    if rows.dates_dropped:
        notes.append(f"{path.name}: {rows.dates_dropped} value(s) in the date column were not dates; not kept")
    used = {i for i in col.values() if i is not None}
    unused = [h for i, h in enumerate(header) if i not in used and h]
    if unused:
        notes.append(f"{path.name}: column(s) not imported: {', '.join(c[:30] for c in unused[:8])}")
    return notes


class TabularImporter:
    suffixes = (".csv", ".tsv", ".xlsx", ".xlsm")

    def read(self, path: Path, options: ImportOptions) -> list[RawTranscript]:
        header, body = read_numbered_table(path, options)
        col = {role: _pick(header, role, options, path) for role in GUESSES}
        if col["text"] is None:
            raise ImportFileError(
                path, f"has no text column (looked for {', '.join(GUESSES['text'][:5])}...; "
                      f"name one with --text-column; columns: {', '.join(header)})")
        ids = _Ids(path, hashlib.sha256(path.read_bytes()).hexdigest())
        rows = self._rows(path, options, col, body, ids)
        if not rows.groups:
            raise ImportFileError(path, "has no rows with text")
        out = list(rows.groups.values())
        out[0].metadata[NOTES_KEY] = _notes(path, header, col, ids, rows)
        return out

    @staticmethod
    def _rows(path: Path, options: ImportOptions, col: dict, body, ids: _Ids) -> _Rows:
        """One transcript per participant: each row a turn (after its question, when there is one)."""
        def cell(row, role):
            i = col[role]
            return str(row[i]).strip() if i is not None and i < len(row) else ""

        fixed = options.participant.strip() if options.participant else None
        out = _Rows()
        for n, row in body:
            text = cell(row, "text")
            if not text:
                out.empty.append(n)
                continue
            community = options.community or cell(row, "community")
            pid = fixed or ids(cell(row, "participant"), community, n)
            date = cell(row, "date")
            if date and not check_date(date):
                out.dates_dropped += 1
                date = ""
            tr = out.groups.get(pid)
            if tr is None:
                tr = out.groups[pid] = RawTranscript(
                    name=f"{path.name}#{pid}", turns=[], participant=pid,
                    community=cell(row, "community") or None,
                    metadata={"interview_date": date or None, "method": "written response"})
            question = cell(row, "question")
            if question:
                tr.turns.append(Turn("Question", question))
            tr.turns.append(Turn(pid, text))
        return out
