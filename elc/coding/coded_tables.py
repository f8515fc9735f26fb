"""Bring earlier coding into a project from tables.

``apply_segment_codings``: rows of (file, segment_text, code, valence, coder, memo) anchored to
sentences already in the project (how the sample programme ships its researchers' coding).
Matching is exact first, then fuzzy within the same source (so a re-tuned de-identifier that
changes a pseudonym tag does not lose the coding).
"""

from __future__ import annotations

import csv
from pathlib import Path

from elc.coding.actions import CodingSession
from elc.domain import VALENCES
from elc.errors import ImportFileError
from elc.ingest.pipeline import FILE_ID

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
    sessions: dict[str, CodingSession] = {}
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
        session = sessions.setdefault(coder, CodingSession(project, coder))
        session.apply(int(seg.source_id), int(seg.start), int(seg.end), code_id, valence,
                      memo=(row.get("memo") or "").strip(), origin="import")
        applied += 1
    if problems:
        raise ImportFileError(path, f"{len(problems)} bad row(s), first: {problems[0]}")
    return {"applied": applied, "unmatched": unmatched, "coders": sorted(sessions)}


# --------------------------------------------------------------------------- earlier programmes
POSITIVE = {"positive", "pos", "good", "working-well", "working well", "compliment", "praise", "+"}
NEGATIVE = {"negative", "neg", "bad", "to-improve", "to improve", "complaint", "criticism", "-"}
CODE_SEPARATORS = (";", "|", ",")


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


def import_coded_table(project, path: str | Path, coder: str, text_column: str | None = None,
                       code_column: str | None = None, sentiment_column: str | None = None,
                       community: str | None = None, participant_column: str | None = None) -> dict:
    """Import a previous programme's coded spreadsheet as new segments with codings by ``coder``.

    Codes come either from one column per code (0/1, yes/no, x) whose header names a code, or
    from a code-name column (several codes separated by ; | or ,). Code names the project does
    not know become theme codes. An optional sentiment column (positive/negative/neutral or a
    number such as criticality -5..5) sets each coding's valence. The rows are imported through
    the normal pipeline (de-identified, segmented) in one transaction; each row's codings then
    anchor to that row's own speaker turn and are committed as they are applied.
    """
    from elc.coding.codebook import Codebook
    from elc.ingest import ImportOptions, import_files
    from elc.ingest.tabular import GUESSES, read_table

    path = Path(path)
    options = ImportOptions(community=community)
    header, body = read_table(path, options)
    lowered = [h.strip().lower() for h in header]

    def column(name: str | None, guesses=()) -> int | None:
        if name:
            if name.strip().lower() not in lowered:
                raise ImportFileError(path, f"has no column '{name}' (columns: {', '.join(header)})")
            return lowered.index(name.strip().lower())
        return next((lowered.index(g) for g in guesses if g in lowered), None)

    text_i = column(text_column, GUESSES["text"])
    if text_i is None:
        raise ImportFileError(path, "has no text column (name it with --text-column)")
    part_i = column(participant_column, GUESSES["participant"])
    code_i = column(code_column, ("code", "codes", "label", "labels", "category", "theme"))
    sent_i = column(sentiment_column, ("sentiment", "valence", "criticality", "polarity"))
    known = {n.lower(): n for n in project.codes().name}
    used = {i for i in (text_i, part_i, code_i, sent_i) if i is not None}
    flag_columns = {i: header[i].strip() for i in range(len(header))
                    if i not in used and header[i].strip().lower() in known}
    if code_i is None and not flag_columns:
        raise ImportFileError(path, "has no code column and no column named after a code in the project")

    def cell(row, i):
        return str(row[i]).strip() if i is not None and i < len(row) else ""

    rows, wanted_codes = [], []
    for n, row in enumerate(body, start=1):
        text = cell(row, text_i)
        if not text:
            continue
        codes = [header_name for i, header_name in flag_columns.items()
                 if cell(row, i).lower() in ("1", "1.0", "yes", "y", "x", "true")]
        if code_i is not None:
            raw = cell(row, code_i)
            for sep in CODE_SEPARATORS:
                if sep in raw:
                    codes += [c.strip() for c in raw.split(sep) if c.strip()]
                    break
            else:
                codes += [raw] if raw else []
        pid = cell(row, part_i) or f"{path.stem[:3].upper()}{n:05d}"
        rows.append((pid, text, codes, _valence(cell(row, sent_i))))
        wanted_codes += codes
    # write a plain table the tabular importer reads (participant, text), then code its sentences
    import csv as _csv
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / (path.stem + ".csv")
        with open(plain, "w", newline="", encoding="utf-8") as fh:
            w = _csv.writer(fh)
            w.writerow(["participant", "text"])
            for pid, text, _, _ in rows:
                w.writerow([pid, text])
        report = import_files(project, [plain], ImportOptions(community=community))
    if report.failed or report.skipped:
        raise ImportFileError(path, (report.failed or report.skipped)[0][1].split(": ", 1)[-1])
    book = Codebook(project, coder)
    created = []
    for name in dict.fromkeys(wanted_codes):
        if name.lower() not in known:
            book.add(name, "theme", definition=f"Imported from {path.name}")
            known[name.lower()] = name
            created.append(name)
    ids = {n.lower(): int(i) for n, i in zip(project.codes().name, project.codes().id)}
    # each row became one participant turn, in row order within its participant
    turns = project.segments(kind="turn", role="participant", with_text=False)
    sents = project.segments(kind="sentence", role="participant", with_text=False)
    bodies = sents.groupby("parent_id").agg(start=("start", "min"), end=("end", "max"))
    turns = turns[turns.id.isin(bodies.index)].sort_values(["participant_id", "source_id", "position"])
    queue = {pid: list(g.id) for pid, g in turns.groupby("participant_id")}
    source_of = dict(zip(turns.id, turns.source_id))
    session = CodingSession(project, coder)
    applied = 0
    for pid, _, codes, valence in rows:
        pending = queue.get(pid)
        if not pending:
            continue
        turn_id = pending.pop(0)
        body = bodies.loc[turn_id]
        for name in dict.fromkeys(codes):
            session.apply(int(source_of[turn_id]), int(body.start), int(body.end), ids[name.lower()], valence,
                          origin="import")
            applied += 1
    return {"rows": len(rows), "codings": applied, "new_codes": created}
