"""CSV export: codings, segments, participants, codes and memos as five files for Excel or R.

``segments.csv`` says per sentence how many de-identification detections in it nobody has
reviewed yet (``unreviewed_deid``); ``participants.csv`` carries only the breakdown attributes.

Files are UTF-8 with a byte-order mark (so Excel reads the accents in participants' words) and
every cell goes through :func:`elc.export.safety.safe_cell`, so text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return cannot run as a formula. Only stored, de-identified text
is written. Each file is written beside its final name and moved into place.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from elc.atomic import atomic_path
from elc.export.safety import safe_cell

CODINGS_COLUMNS = ["coding_id", "source", "participant", "community", "code", "code_kind", "valence", "coder",
                   "memo", "start", "end", "quote", "origin", "created_at"]
SEGMENTS_COLUMNS = ["segment_id", "source", "participant", "community", "position", "speaker", "role", "start",
                    "end", "question", "text", "codes", "unreviewed_deid"]
PARTICIPANTS_COLUMNS = ["participant", "community", "community_name", "family", "interviews"]
MEMOS_COLUMNS = ["on", "target", "label", "author", "memo", "updated_at"]  # coding memos are in codings.csv
CODES_COLUMNS = ["code_id", "name", "kind", "family", "parent", "colour", "definition", "keywords", "n_codings"]


def _clean(value):
    """None/NaN as an empty cell, numpy scalars as Python ones, then neutralised."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN
            return ""
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return safe_cell(value)


def _write(path: Path, columns: list[str], rows) -> int:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_clean(c) for c in columns])
    n = 0
    for row in rows:
        writer.writerow([_clean(v) for v in row])
        n += 1
    with atomic_path(path) as tmp:  # each file whole or not at all
        tmp.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return n


def export_csv(project, folder: str | Path) -> dict[str, Path]:
    """Write codings.csv, segments.csv, participants.csv, codes.csv and memos.csv into ``folder``."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        from elc.errors import ExportError

        raise ExportError(f"{folder}: is a file; --csv needs a folder to write four CSV files into")
    folder.mkdir(parents=True, exist_ok=True)
    sources = project.sources()
    names = {int(r.id): r.name for r in sources.itertuples()}
    codes = project.codes(include_archived=True)
    code_names = {int(r.id): r.name for r in codes.itertuples()}

    codings = project.codings()
    _write(folder / "codings.csv", CODINGS_COLUMNS, (
        (r.id, names.get(int(r.source_id), ""), r.participant_id, r.community, r.code, r.code_kind, r.valence,
         r.coder, r.memo, r.start, r.end, r.text, r.origin, r.created_at) for r in codings.itertuples()))

    segments = project.segments()
    applied: dict[int, list[str]] = {}
    coded = project.coded_segments()
    for r in coded.itertuples():
        names_here = applied.setdefault(int(r.segment_id), [])
        if r.code not in names_here:
            names_here.append(r.code)
    unreviewed = _unreviewed_per_segment(project, segments)
    _write(folder / "segments.csv", SEGMENTS_COLUMNS, (
        (r.id, names.get(int(r.source_id), ""), r.participant_id, r.community, r.position, r.speaker, r.role,
         r.start, r.end, r.question, r.text, applied.get(int(r.id), []), unreviewed.get(int(r.id), 0))
        for r in segments.itertuples()))

    # only the breakdown attributes (short categories): free-text manifest columns such as notes were
    # never de-identified and stay in the project
    from elc.store.attributes import ATTRIBUTES, participant_attributes

    participants = project.participants()
    attrs = participant_attributes(project).set_index("participant_id")
    keys = [k for k in ATTRIBUTES if k in attrs.columns and attrs[k].notna().any()]
    _write(folder / "participants.csv", PARTICIPANTS_COLUMNS + keys, (
        [r.id, r.community, r.community_name, r.family, r.interviews]
        + [attrs.at[r.id, k] if r.id in attrs.index else None for k in keys]
        for r in participants.itertuples()))

    live = codes[codes.archived == 0]
    _write(folder / "codes.csv", CODES_COLUMNS, (
        (r.id, r.name, r.kind, r.family, code_names.get(int(r.parent_id)) if r.parent_id == r.parent_id
         and r.parent_id is not None else "", r.colour, r.definition, list(r.keywords or []), r.n_codings)
        for r in live.itertuples()))
    from elc.store.memos import memos

    notes = memos(project, include_codings=False)
    _write(folder / "memos.csv", MEMOS_COLUMNS, (
        (r.kind, r.target, r.label, r.author, r.text, r.updated_at) for r in notes.itertuples()))
    return {name: folder / f"{name}.csv" for name in ("codings", "segments", "participants", "codes", "memos")}


def _unreviewed_per_segment(project, segments) -> dict[int, int]:
    """segment id -> de-identification detections inside it that nobody has reviewed (status auto)."""
    from elc.store.evidence_reads import unreviewed_detections

    dets = unreviewed_detections(project)
    if not len(dets) or not len(segments):
        return {}
    out: dict[int, int] = {}
    by_source = {int(sid): g for sid, g in dets.groupby("source_id")}
    for r in segments.itertuples():
        g = by_source.get(int(r.source_id))
        if g is None:
            continue
        n = int(((g.start < r.end) & (g.end > r.start)).sum())
        if n:
            out[int(r.id)] = n
    return out


__all__ = ["export_csv"]
