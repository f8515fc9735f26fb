"""Bring earlier coding into a project from tables.

``apply_segment_codings``: rows of (file, segment_text, code, valence, coder, memo) anchored to
sentences already in the project (how the sample programme ships its researchers' coding).
Matching is exact first, then fuzzy within the same source (so a re-tuned de-identifier that
changes a pseudonym tag does not lose the coding).

``import_coded_table``: a previous programme's coded spreadsheet (one row per response, codes in
a name column or one 0/1 column per code) becomes sources and codings on the response itself
(the coded unit), each file's codings in one transaction; a re-run after a kill completes it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from elc.domain import VALENCES
from elc.errors import ImportFileError
from elc.ingest.pipeline import FILE_ID
from elc.store.coded_units import write_codings

REQUIRED = ("file", "segment_text", "code", "valence", "coder")


def read_rows(path: Path) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportFileError(path, f"is missing column(s) {', '.join(missing)}")
            return list(reader)
    except UnicodeDecodeError:
        raise ImportFileError(path, "is not UTF-8 text") from None


def apply_segment_codings(project, path: str | Path, min_similarity: float = 90.0) -> dict:
    """Apply a coding table to the project's participant sentences. Returns counts."""
    from rapidfuzz import fuzz, process

    path = Path(path)
    rows = read_rows(path)
    sources = project.sources().set_index("name")
    by_participant = project.sources().drop_duplicates("participant_id").set_index("participant_id")
    segs = project.segments(role="participant")
    by_source = {sid: g for sid, g in segs.groupby("source_id")}
    codes = {n.lower(): int(i) for n, i in zip(project.codes().name, project.codes().id)}
    pending: list[tuple] = []
    coders: set[str] = set()
    applied = unmatched = 0
    problems: list[str] = []
    for n, row in enumerate(rows, start=2):
        name = row["file"].strip()
        if name in sources.index:
            source_id = int(sources.loc[name, "id"])
        else:  # the stored name may have been de-identified: fall back to the file's participant id
            m = FILE_ID.match(Path(name).stem)
            pid = m.group(1).upper() if m else None
            if pid not in by_participant.index:
                problems.append(f"line {n}: unknown file {name}")
                continue
            source_id = int(by_participant.loc[pid, "id"])
        code_id = codes.get(row["code"].strip().lower())
        if code_id is None:
            problems.append(f"line {n}: unknown code {row['code']!r}")
            continue
        valence = row["valence"].strip() or "neutral"
        if valence not in VALENCES:
            problems.append(f"line {n}: unknown valence {valence!r}")
            continue
        group = by_source.get(source_id)
        if group is None:
            unmatched += 1
            continue
        wanted = row["segment_text"].strip()
        hit = group[group.text == wanted]
        if hit.empty:
            best = process.extractOne(wanted, list(group.text), scorer=fuzz.ratio)
            if not best or best[1] < min_similarity:
                unmatched += 1
                continue
            hit = group.iloc[[best[2]]]
        seg = hit.iloc[0]
        coder = row["coder"].strip() or "sample"
        coders.add(coder)
        pending.append((int(seg.source_id), int(seg.start), int(seg.end), code_id, valence, coder,
                        (row.get("memo") or "").strip()))
        applied += 1
    if problems:
        raise ImportFileError(path, f"{len(problems)} bad row(s), first: {problems[0]}")
    write_codings(project, pending, unit="sentence")  # the whole file in one transaction
    return {"applied": applied, "unmatched": unmatched, "coders": sorted(coders)}


# --------------------------------------------------------------------------- earlier programmes
POSITIVE = {"positive", "pos", "good", "working-well", "working well", "compliment", "praise", "+"}
NEGATIVE = {"negative", "neg", "bad", "to-improve", "to improve", "complaint", "criticism", "-"}
CODE_GUESSES = ("code", "codes", "label", "labels", "category", "categories", "theme", "themes")


def _valence(value: str) -> str:
    text = str(value or "").strip().lower()
    if not text:
        return "neutral"
    try:
        number = float(text)
        return "working-well" if number > 0 else "to-improve" if number < 0 else "neutral"
    except ValueError:
        pass
    if text in POSITIVE:
        return "working-well"
    if text in NEGATIVE:
        return "to-improve"
    return "neutral"


def default_participant_ids(data: bytes, community: str | None):
    """Row number -> participant id unique to this file's content and community (``C`` + four
    letters from their hash, then the row: ``Ckqzt-R00001``), so two files' respondents never
    merge and a re-run of the same file finds the same ids. Letters, not hex, keep the id a
    plain pseudonymous id (letters, then a few digits)."""
    import hashlib

    h = int.from_bytes(hashlib.sha256(data + b"\0" + (community or "").encode()).digest()[:8], "big")
    tag = "".join(chr(ord("a") + (h >> (5 * i)) % 26) for i in range(4))
    return lambda n: f"C{tag}-R{n:05d}"


@dataclass(frozen=True)
class _Columns:
    """Where each field is in the sheet (column index, or None)."""
    text: int
    participant: int | None
    code: int | None
    sentiment: int | None
    community: int | None

    def used(self) -> set[int]:
        return {i for i in (self.text, self.participant, self.code, self.sentiment, self.community) if i is not None}


def _cell(row, i) -> str:
    return str(row[i]).strip() if i is not None and i < len(row) else ""


def _column(path: Path, header: list[str], name: str | None, guesses=()) -> int | None:
    """The column named ``name`` (refused when missing), else the first of ``guesses`` present."""
    lowered = [h.strip().lower() for h in header]
    if name:
        if name.strip().lower() not in lowered:
            raise ImportFileError(path, f"has no column '{name}' (columns: {', '.join(header)})")
        return lowered.index(name.strip().lower())
    return next((lowered.index(g) for g in guesses if g in lowered), None)


def _find_columns(path: Path, header: list[str], text_column, participant_column, code_column,
                  sentiment_column) -> _Columns:
    from elc.ingest.tabular import GUESSES

    text_i = _column(path, header, text_column, GUESSES["text"])
    if text_i is None:
        raise ImportFileError(path, "has no text column (name it with --text-column)")
    return _Columns(text_i, _column(path, header, participant_column, GUESSES["participant"]),
                    _column(path, header, code_column, CODE_GUESSES),
                    _column(path, header, sentiment_column, ("sentiment", "valence", "criticality", "polarity")),
                    _column(path, header, None, GUESSES["community"]))


def _flag_columns(path: Path, header: list[str], body: list, cols: _Columns, mapping: dict[str, str],
                  project_codes: dict[str, str], create_codes: bool) -> dict[int, str]:
    """Column index -> code name of the 0/1 columns that code rows: those named after a code (and,
    with ``create_codes``, every other 0/1 column). Refuses a sheet with no way to code a row."""
    from elc.coding.code_lists import is_flag_column

    used = cols.used()
    flag_columns: dict[int, str] = {}
    loose = []  # 0/1 columns not named after a code
    for i, h in enumerate(header):
        if i in used or not h.strip():
            continue
        name = mapping.get(h.strip().lower(), h.strip())
        if not name:
            continue
        if name.lower() in project_codes:
            flag_columns[i] = project_codes[name.lower()]
        elif is_flag_column([_cell(r, i) for r in body]):
            loose.append((i, name))
    if create_codes:
        flag_columns.update(loose)
    if cols.code is None and not flag_columns:
        hint = (f"; {len(loose)} 0/1 column(s) ({', '.join(n for _, n in loose[:3])}) would become codes "
                f"with --create-codes" if loose else "")
        raise ImportFileError(path, "has no code column and no column named after a code in the project" + hint)
    return flag_columns


def _check_ragged(path: Path, header: list[str], body: list) -> None:
    ragged = next((n for n, r in enumerate(body, start=2) if len(r) > len(header) and any(
        str(c).strip() for c in r[len(header):])), None)
    if ragged is not None:
        raise ImportFileError(path, f"row {ragged} has more cells than the header has columns "
                                    f"(a quote or separator inside a cell?); fix or re-export the sheet")


class _Participants:
    """The sheet's id when it is pseudonymous; a name, phone or NHS number gets a generated id
    (one per distinct value), so it never reaches the project and its rows keep their codings."""

    def __init__(self, data: bytes, community: str | None):
        self.default_id = default_participant_ids(data, community)
        self.replaced: dict[str, str] = {}  # a value that could name someone -> the id generated for it

    def __call__(self, value: str, n: int) -> str:
        from elc.ingest.identifiers import is_safe_id

        if not value:
            return self.default_id(n)
        if is_safe_id(value):
            return value
        return self.replaced.setdefault(value, self.default_id(n))


_TRUE = ("1", "1.0", "yes", "y", "x", "true", "t")


def _row_codes(row, cols: _Columns, flag_columns: dict[int, str], sep: str, known: set[str],
               mapping: dict[str, str], project_codes: dict[str, str]) -> list[str]:
    """A row's code names, canonical (the project's spelling) and each once."""
    from elc.coding.code_lists import split_cell

    codes = [name for i, name in flag_columns.items() if _cell(row, i).lower() in _TRUE]
    if cols.code is not None:
        codes += [mapping.get(c.lower(), c) for c in split_cell(_cell(row, cols.code), sep, known)]
    canonical: list[str] = []
    for c in codes:
        c = project_codes.get(c.lower(), c).strip()
        if c and c.lower() not in {x.lower() for x in canonical}:
            canonical.append(c)
    return canonical


def _plain_table(rows: list[tuple]) -> bytes:
    """A plain (participant, text) CSV for the tabular importer; its hash finds an earlier run."""
    import csv as _csv
    import io

    buf = io.StringIO()
    w = _csv.writer(buf, lineterminator="\n")
    w.writerow(["participant", "text"])
    for pid, text, _, _ in rows:
        w.writerow([pid, text])
    return buf.getvalue().encode("utf-8")


def _import_rows(project, path: Path, rows: list[tuple], community: str | None) -> tuple[int, bool]:
    """Import the rows' text through the pipeline unless an earlier run did: (import id, resumed)."""
    import tempfile

    from elc.ingest import ImportOptions, import_files
    from elc.ingest.pipeline import file_hash
    from elc.store import coded_units

    plain_bytes = _plain_table(rows)
    earlier = coded_units.import_by_hash(project, file_hash(plain_bytes))
    if earlier is not None:
        return earlier[0], True
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / (path.stem + ".csv")
        plain.write_bytes(plain_bytes)
        report = import_files(project, [plain], ImportOptions(community=community))
    if report.failed or report.skipped:
        message = (report.failed or report.skipped)[0][1]
        reason = message.removeprefix(f"{plain}: ").removesuffix(" (nothing was imported from this file)")
        raise ImportFileError(path, reason)
    stored = coded_units.import_by_hash(project, file_hash(plain_bytes))
    if stored is None:  # the import reported no failure, so this would be a bug, not bad input
        raise ImportFileError(path, "was read but nothing was stored (nothing was imported from this file)")
    return stored[0], False


def _row_turns(project, path: Path, rows: list[tuple], import_id: int) -> list[tuple[int, tuple]]:
    """(row index, (source_id, turn_id, start, end)) of each row's turn: one source per
    participant (first-appearance order), one turn per row."""
    from elc.store import coded_units

    groups: dict[str, list[int]] = {}
    for k, (pid, _, _, _) in enumerate(rows):
        groups.setdefault(pid, []).append(k)
    turns = coded_units.import_turns(project, import_id)
    if len(turns) != len(groups) or any(len(t) != len(g) for t, g in zip(turns, groups.values())):
        from elc.errors import ElcError

        raise ElcError(f"{path}: its {len(rows)} rows were imported as {sum(map(len, turns))} responses, so "
                       f"the codings could not be matched to them and were not applied")
    return [(k, turn) for group, group_turns in zip(groups.values(), turns) for k, turn in zip(group, group_turns)]


def _add_new_codes(project, coder: str, rows: list[tuple], project_codes: dict[str, str]) -> list[str]:
    """Create the rows' codes the project lacks (as themes; provenance is in the codebook log)."""
    from elc.coding.codebook import Codebook

    created, book = [], Codebook(project, coder)
    for _, _, codes, _ in rows:
        for name in codes:
            if name.lower() not in project_codes:
                book.add(name, "theme")
                project_codes[name.lower()] = name
                created.append(name)
    return created


def _read_sheet(path: Path, community: str | None) -> tuple[list[str], list]:
    from elc.ingest import ImportOptions
    from elc.ingest.tabular import read_table

    try:
        return read_table(path, ImportOptions(community=community))
    except OSError as exc:
        raise ImportFileError(path, f"could not be read ({exc.strerror or exc.__class__.__name__})") from None


def import_coded_table(project, path: str | Path, coder: str, text_column: str | None = None,
                       code_column: str | None = None, sentiment_column: str | None = None,
                       community: str | None = None, participant_column: str | None = None,
                       code_separator: str | None = None, code_map: str | Path | None = None,
                       create_codes: bool = False) -> dict:
    """Import a previous programme's coded spreadsheet as new sources with codings by ``coder``.

    One row is one response, and the response is the coded unit: each row's codes code that
    row's whole text. Codes come from a code-name column (see :mod:`elc.coding.code_lists` for
    separators and names with commas; unknown names become theme codes) and/or from 0/1 columns
    whose header names a code (with ``create_codes``, every 0/1 column is a code, created if
    new). An optional sentiment column (positive/negative/neutral or a number such as
    criticality -5..5) sets each coding's valence.

    The rows are imported through the normal pipeline (de-identified, segmented) in one
    transaction, then all the file's codings in one more; a run killed in between is completed
    by running it again (the same file is recognised by content). Without a participant column
    every row gets an id unique to this file and community.

    Returns ``rows``, ``codings`` (added now), ``already`` (codings present before this run),
    ``uncoded`` (rows without any code), ``new_codes`` (each once), ``resumed``, ``unit``.
    """
    from elc.coding.code_lists import column_separator, read_code_map
    from elc.store import coded_units

    path = Path(path)
    if not path.is_file():
        raise ImportFileError(path, "does not exist" if not path.exists() else "is not a file")
    if community and project.community_id(community) is None:
        raise ImportFileError(path, f"unknown community '{community}' "
                                    f"(known: {', '.join(project.communities().key)})")
    mapping = read_code_map(code_map) if code_map else {}
    header, body = _read_sheet(path, community)
    cols = _find_columns(path, header, text_column, participant_column, code_column, sentiment_column)
    project_codes = {n.lower(): n for n in project.codes().name}
    flag_columns = _flag_columns(path, header, body, cols, mapping, project_codes, create_codes)
    sep = column_separator([_cell(r, cols.code) for r in body], code_separator) if cols.code is not None else ","
    known = set(project_codes) | {k for k in mapping} | {v.lower() for v in mapping.values() if v}
    _check_ragged(path, header, body)
    participant = _Participants(path.read_bytes(), community)
    rows = []  # (participant, text, [codes], valence)
    for n, row in enumerate(body, start=1):
        text = _cell(row, cols.text)
        if not text:
            continue
        canonical = _row_codes(row, cols, flag_columns, sep, known, mapping, project_codes)
        rows.append((participant(_cell(row, cols.participant), n), text, canonical,
                     _valence(_cell(row, cols.sentiment))))
    if not rows:
        raise ImportFileError(path, "has no rows with text")
    import_id, resumed = _import_rows(project, path, rows, community)
    row_turns = _row_turns(project, path, rows, import_id)
    created = _add_new_codes(project, coder, rows, project_codes)
    ids = {n.lower(): int(i) for n, i in zip(project.codes().name, project.codes().id)}
    pending = []
    for k, (source_id, _, start, end) in row_turns:
        _, _, codes, valence = rows[k]
        pending += [(source_id, start, end, ids[c.lower()], valence, coder, "") for c in codes]
    added = coded_units.write_codings(project, pending, unit="response", import_id=import_id)
    return {"rows": len(rows), "codings": added, "already": len(pending) - added,
            "uncoded": sum(1 for r in rows if not r[2]), "new_codes": created, "resumed": resumed,
            "unit": "response", "ids_replaced": len(participant.replaced)}
