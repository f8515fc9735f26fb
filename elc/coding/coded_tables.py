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
    segs = project.segments(role="participant")
    by_source = {sid: g for sid, g in segs.groupby("source_id")}
    codes = {n.lower(): int(i) for n, i in zip(project.codes().name, project.codes().id)}
    sessions: dict[str, CodingSession] = {}
    applied = unmatched = 0
    problems: list[str] = []
    for n, row in enumerate(rows, start=2):
        name = row["file"].strip()
        if name not in sources.index:
            problems.append(f"line {n}: unknown file {name}")
            continue
        code_id = codes.get(row["code"].strip().lower())
        if code_id is None:
            problems.append(f"line {n}: unknown code {row['code']!r}")
            continue
        valence = row["valence"].strip() or "neutral"
        if valence not in VALENCES:
            problems.append(f"line {n}: unknown valence {valence!r}")
            continue
        group = by_source.get(int(sources.loc[name, "id"]))
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
