"""The reads every insight is built from, fetched as plain tuples (fast for big exports).

The queries are the same as :meth:`Project.codings` and :meth:`Project.segments`, without the
text: an export of 50,000 coded segments reads them in a fraction of the time. Results are
DataFrames (the analysis boundary) or plain mappings.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from elc.store import schema as s


def read_frame(project, stmt) -> pd.DataFrame:
    """Run a SELECT and return a DataFrame, fetching plain DB-API tuples (fast for big reads)."""
    with project.engine.connect() as conn:
        res = conn.execute(stmt)
        cols = list(res.keys())
        cursor = getattr(res, "cursor", None)
        rows = cursor.fetchall() if cursor is not None else [tuple(r) for r in res.fetchall()]
    return pd.DataFrame.from_records(rows, columns=cols)


def source_texts(project, ids) -> dict[int, str]:
    """Stored (de-identified) text of the given sources, by id."""
    ids = sorted({int(i) for i in ids})
    out: dict[int, str] = {}
    with project.engine.connect() as conn:
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
            out.update({int(i): t for i, t in conn.execute(
                select(s.sources.c.id, s.sources.c.text).where(s.sources.c.id.in_(chunk)))})
    return out


def participant_sentences(project) -> pd.DataFrame:
    """Participant sentence segments (no text): id, source_id, start, end, participant_id, community."""
    g, src, p, c = s.segments, s.sources, s.participants, s.communities
    stmt = (select(g.c.id, g.c.source_id, g.c.start, g.c.end, src.c.participant_id, c.c.key.label("community"))
            .select_from(g.join(src, g.c.source_id == src.c.id)
                         .outerjoin(p, src.c.participant_id == p.c.id)
                         .outerjoin(c, p.c.community_id == c.c.id))
            .where((g.c.kind == "sentence") & (g.c.role == "participant"))
            .order_by(g.c.source_id, g.c.start))
    return read_frame(project, stmt)


def participant_codings(project, coder: str | None) -> pd.DataFrame:
    """Active codings of sources with a participant (no text): id, source_id, participant_id,
    community, start, end, code_id, code, code_kind, valence, coder; only ``coder``'s when given."""
    k, cd, src, p, c = s.codings, s.codes, s.sources, s.participants, s.communities
    stmt = (select(k.c.id, k.c.source_id, src.c.participant_id, c.c.key.label("community"),
                   k.c.start, k.c.end, k.c.code_id, cd.c.name.label("code"), cd.c.kind.label("code_kind"),
                   k.c.valence, k.c.coder)
            .select_from(k.join(cd, k.c.code_id == cd.c.id).join(src, k.c.source_id == src.c.id)
                         .outerjoin(p, src.c.participant_id == p.c.id)
                         .outerjoin(c, p.c.community_id == c.c.id))
            .where((k.c.active == 1) & src.c.participant_id.isnot(None))
            .order_by(k.c.source_id, k.c.start, k.c.id))
    if coder is not None:
        stmt = stmt.where(k.c.coder == coder)
    return read_frame(project, stmt)


def latest_theme_run_row(project) -> dict | None:
    """The stored row of the latest theme run (JSON columns still as text), or None."""
    with project.engine.connect() as conn:
        row = conn.execute(select(s.theme_runs).order_by(s.theme_runs.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row is not None else None
