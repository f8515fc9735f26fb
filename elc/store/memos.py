"""Memos on the project, interviews, participants and codes (coding memos stay on the coding).

A memo belongs to its author: each researcher keeps one memo per thing, as in QualCoder and
NVivo, and sees everyone's in the memo browser. Reads return a DataFrame (the analysis boundary).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, select

from elc.errors import ElcError
from elc.store import database, schema as s

KINDS = ("project", "source", "participant", "code")


@dataclass(frozen=True)
class MemoTarget:
    kind: str  # one of KINDS
    target: str = ""  # "" for the project; a source/participant/code id otherwise

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ElcError(f"a memo is on one of {', '.join(KINDS)} (not '{self.kind}')")


def get_memo(project, where: MemoTarget, author: str) -> str:
    m = s.memos
    with project.engine.connect() as conn:
        text = conn.execute(select(m.c.text).where(and_(
            m.c.kind == where.kind, m.c.target == str(where.target), m.c.author == author))).scalar()
    return text or ""


def set_memo(project, where: MemoTarget, author: str, text: str) -> None:
    """Write (or, with empty text, delete) ``author``'s memo on ``where``; committed at once."""
    if not author or not author.strip():
        raise ElcError("a memo needs an author (the coder name)")
    m = s.memos
    key = and_(m.c.kind == where.kind, m.c.target == str(where.target), m.c.author == author)
    now = database.now()
    with project.engine.begin() as conn:
        exists = conn.execute(select(m.c.id).where(key)).scalar()
        if not text.strip():
            if exists is not None:
                conn.execute(m.delete().where(m.c.id == exists))
        elif exists is None:
            conn.execute(m.insert().values(kind=where.kind, target=str(where.target), author=author, text=text,
                                           created_at=now, updated_at=now))
        else:
            conn.execute(m.update().where(m.c.id == exists).values(text=text, updated_at=now))


def memos(project, query: str | None = None, include_codings: bool = True) -> pd.DataFrame:
    """Every memo, newest first: kind, target, label (what it is on), author, text, updated_at.

    Coding memos are included (kind "coding", labelled with the code and participant). ``query``
    keeps memos whose text or label contains it (case-insensitive).
    """
    m, src, cd, p, k = s.memos, s.sources, s.codes, s.participants, s.codings
    with project.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(m)).mappings()]
        names = {
            "source": {str(i): f"interview {pid or n}" for i, n, pid in conn.execute(
                select(src.c.id, src.c.name, src.c.participant_id))},
            "participant": {str(i): f"participant {i}" for (i,) in conn.execute(select(p.c.id))},
            "code": {str(i): f"code “{n}”" for i, n in conn.execute(select(cd.c.id, cd.c.name))},
        }
        coding_rows = conn.execute(select(k.c.id, k.c.memo, k.c.coder, k.c.updated_at, cd.c.name, src.c.participant_id,
                                          k.c.source_id)
                                   .select_from(k.join(cd, k.c.code_id == cd.c.id).join(src, k.c.source_id == src.c.id))
                                   .where(and_(k.c.active == 1, k.c.memo != ""))).all() if include_codings else []
    out = []
    for r in rows:
        label = "the project" if r["kind"] == "project" else names.get(r["kind"], {}).get(r["target"],
                                                                                        f"{r['kind']} {r['target']}")
        out.append({"kind": r["kind"], "target": r["target"], "label": label, "author": r["author"],
                    "text": r["text"], "updated_at": r["updated_at"]})
    for cid, memo, coder, updated, code, pid, sid in coding_rows:
        out.append({"kind": "coding", "target": str(cid), "label": f"coding “{code}” in {pid or f'source {sid}'}",
                    "author": coder, "text": memo, "updated_at": updated})
    df = pd.DataFrame(out, columns=["kind", "target", "label", "author", "text", "updated_at"])
    if query and query.strip():
        q = query.strip().lower()
        df = df[df.text.str.lower().str.contains(q, regex=False) | df.label.str.lower().str.contains(q, regex=False)]
    return df.sort_values("updated_at", ascending=False, kind="stable").reset_index(drop=True)
