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
    from elc.coding.code_lists import column_separator, is_flag_column, read_code_map, split_cell
    from elc.coding.codebook import Codebook
    from elc.ingest import ImportOptions, import_files
    from elc.ingest.pipeline import file_hash
    from elc.ingest.tabular import GUESSES, read_table
    from elc.store import coded_units

    path = Path(path)
    if not path.is_file():
        raise ImportFileError(path, "does not exist" if not path.exists() else "is not a file")
    if community and project.community_id(community) is None:
        raise ImportFileError(path, f"unknown community '{community}' "
                                    f"(known: {', '.join(project.communities().key)})")
    mapping = read_code_map(code_map) if code_map else {}
    options = ImportOptions(community=community)
    try:
        header, body = read_table(path, options)
    except OSError as exc:
        raise ImportFileError(path, f"could not be read ({exc.strerror or exc.__class__.__name__})") from None
    lowered = [h.strip().lower() for h in header]

    def column(name: str | None, guesses=()) -> int | None:
        if name:
            if name.strip().lower() not in lowered:
                raise ImportFileError(path, f"has no column '{name}' (columns: {', '.join(header)})")
            return lowered.index(name.strip().lower())
        return next((lowered.index(g) for g in guesses if g in lowered), None)

    def cell(row, i):
        return str(row[i]).strip() if i is not None and i < len(row) else ""

    text_i = column(text_column, GUESSES["text"])
    if text_i is None:
        raise ImportFileError(path, "has no text column (name it with --text-column)")
    part_i = column(participant_column, GUESSES["participant"])
    code_i = column(code_column, CODE_GUESSES)
    sent_i = column(sentiment_column, ("sentiment", "valence", "criticality", "polarity"))
    comm_i = column(None, GUESSES["community"])
    project_codes = {n.lower(): n for n in project.codes().name}

    def mapped(name: str) -> str:
        return mapping.get(name.lower(), name)

    used = {i for i in (text_i, part_i, code_i, sent_i, comm_i) if i is not None}
    flag_columns: dict[int, str] = {}
    loose = []  # 0/1 columns not named after a code
    for i, h in enumerate(header):
        if i in used or not h.strip():
            continue
        name = mapped(h.strip())
        if not name:
            continue
        if name.lower() in project_codes:
            flag_columns[i] = project_codes[name.lower()]
        elif is_flag_column([cell(r, i) for r in body]):
            loose.append((i, name))
    if create_codes:
        flag_columns.update(loose)
    if code_i is None and not flag_columns:
        hint = (f"; {len(loose)} 0/1 column(s) ({', '.join(n for _, n in loose[:3])}) would become codes "
                f"with --create-codes" if loose else "")
        raise ImportFileError(path, "has no code column and no column named after a code in the project" + hint)

    sep = column_separator([cell(r, code_i) for r in body], code_separator) if code_i is not None else ","
    known = set(project_codes) | {k for k in mapping} | {v.lower() for v in mapping.values() if v}
    ragged = next((n for n, r in enumerate(body, start=2) if len(r) > len(header) and any(
        str(c).strip() for c in r[len(header):])), None)
    if ragged is not None:
        raise ImportFileError(path, f"row {ragged} has more cells than the header has columns "
                                    f"(a quote or separator inside a cell?); fix or re-export the sheet")
    data = path.read_bytes()
    default_id = default_participant_ids(data, community)
    rows = []  # (participant, text, [codes], valence)
    replaced: dict[str, str] = {}  # a value that could name someone -> the id generated for it

    def participant(value: str, n: int) -> str:
        """The sheet's id when it is pseudonymous; a name, phone or NHS number gets a generated id
        (one per distinct value), so it never reaches the project and its rows keep their codings."""
        from elc.ingest.identifiers import is_safe_id

        if not value:
            return default_id(n)
        if is_safe_id(value):
            return value
        return replaced.setdefault(value, default_id(n))

    for n, row in enumerate(body, start=1):
        text = cell(row, text_i)
        if not text:
            continue
        codes = [name for i, name in flag_columns.items() if cell(row, i).lower() in ("1", "1.0", "yes", "y", "x",
                                                                                      "true", "t")]
        if code_i is not None:
            codes += [mapped(c) for c in split_cell(cell(row, code_i), sep, known)]
        canonical = []
        for c in codes:
            c = project_codes.get(c.lower(), c).strip()
            if c and c.lower() not in {x.lower() for x in canonical}:
                canonical.append(c)
        rows.append((participant(cell(row, part_i), n), text, canonical, _valence(cell(row, sent_i))))
    if not rows:
        raise ImportFileError(path, "has no rows with text")
    # a plain (participant, text) table for the tabular importer; its hash finds an earlier run
    import csv as _csv
    import io
    import tempfile

    buf = io.StringIO()
    w = _csv.writer(buf, lineterminator="\n")
    w.writerow(["participant", "text"])
    for pid, text, _, _ in rows:
        w.writerow([pid, text])
    plain_bytes = buf.getvalue().encode("utf-8")
    earlier = coded_units.import_by_hash(project, file_hash(plain_bytes))
    if earlier is None:
        with tempfile.TemporaryDirectory() as tmp:
            plain = Path(tmp) / (path.stem + ".csv")
            plain.write_bytes(plain_bytes)
            report = import_files(project, [plain], ImportOptions(community=community))
        if report.failed or report.skipped:
            message = (report.failed or report.skipped)[0][1]
            reason = message.removeprefix(f"{plain}: ").removesuffix(" (nothing was imported from this file)")
            raise ImportFileError(path, reason)
        earlier = coded_units.import_by_hash(project, file_hash(plain_bytes))
        resumed = False
    else:
        resumed = True
    import_id = earlier[0]
    # rows -> turns: one source per participant (first-appearance order), one turn per row
    groups: dict[str, list[int]] = {}
    for k, (pid, _, _, _) in enumerate(rows):
        groups.setdefault(pid, []).append(k)
    turns = coded_units.import_turns(project, import_id)
    if len(turns) != len(groups) or any(len(t) != len(g) for t, g in zip(turns, groups.values())):
        from elc.errors import ElcError

        raise ElcError(f"{path}: its {len(rows)} rows were imported as {sum(map(len, turns))} responses, so "
                       f"the codings could not be matched to them and were not applied")
    created, book = [], Codebook(project, coder)
    for _, _, codes, _ in rows:
        for name in codes:
            if name.lower() not in project_codes:
                book.add(name, "theme")  # provenance is in the codebook log
                project_codes[name.lower()] = name
                created.append(name)
    ids = {n.lower(): int(i) for n, i in zip(project.codes().name, project.codes().id)}
    pending = []
    for group, group_turns in zip(groups.values(), turns):
        for k, (source_id, _, start, end) in zip(group, group_turns):
            _, _, codes, valence = rows[k]
            pending += [(source_id, start, end, ids[c.lower()], valence, coder, "") for c in codes]
    added = coded_units.write_codings(project, pending, unit="response", import_id=import_id)
    return {"rows": len(rows), "codings": added, "already": len(pending) - added,
            "uncoded": sum(1 for r in rows if not r[2]), "new_codes": created, "resumed": resumed,
            "unit": "response", "ids_replaced": len(replaced)}
