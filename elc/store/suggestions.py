"""The SQL of stored code suggestions and of coders' decisions on them.

Writers: :func:`replace_all` (the model's fresh suggestions, in two transactions as before:
clear, then insert), :func:`record_acceptance`, :func:`record_rejection`. Readers return plain
rows, a :class:`SuggestionUnit` or a DataFrame (the decision log).

A suggestion's *home* is where it is stored and the span accepting it codes: the segment
itself, or, for a sentence of a response (suggestions are made per response, the unit its
coders coded), its turn with the turn's body span (without the speaker label).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, delete, func, select

from elc.errors import CodingError
from elc.store import database, schema as s

ACCEPTED = "accepted"
REJECTED = "rejected"


@dataclass(frozen=True)
class SuggestionUnit:
    """The unit a suggestion is stored for, and the span accepting it codes."""
    id: int
    source_id: int
    start: int
    end: int


def _segment(conn, segment_id: int):
    row = conn.execute(select(s.segments.c.id, s.segments.c.source_id, s.segments.c.start, s.segments.c.end)
                       .where(s.segments.c.id == segment_id)).mappings().first()
    if row is None:
        raise CodingError(f"no segment with id {segment_id}")
    return row


def _has_suggestion(conn, segment_id) -> bool:
    return conn.execute(select(s.suggestions.c.id).where(s.suggestions.c.segment_id == segment_id)
                        .limit(1)).first() is not None


def home(conn, segment_id: int) -> SuggestionUnit:
    """The home of ``segment_id``'s suggestions (see the module docstring)."""
    g = s.segments
    cols = (g.c.id, g.c.source_id, g.c.start, g.c.end, g.c.kind, g.c.parent_id)
    own = _has_suggestion(conn, segment_id)
    seg = conn.execute(select(*cols).where(g.c.id == segment_id)).mappings().first()
    if seg is None:
        raise CodingError(f"no segment with id {segment_id}")
    turn_id = seg["id"] if seg["kind"] == "turn" else seg["parent_id"]
    if not own and seg["kind"] == "sentence" and turn_id is not None and _has_suggestion(conn, turn_id):
        seg = conn.execute(select(*cols).where(g.c.id == turn_id)).mappings().first()
    if seg["kind"] == "turn":
        body = conn.execute(select(func.min(g.c.start), func.max(g.c.end))
                            .where(and_(g.c.parent_id == seg["id"], g.c.kind == "sentence"))).first()
        if body and body[0] is not None:
            return SuggestionUnit(seg["id"], seg["source_id"], body[0], body[1])
    return SuggestionUnit(seg["id"], seg["source_id"], seg["start"], seg["end"])


def _probability(conn, segment_id: int, code_id: int) -> float | None:
    return conn.execute(select(s.suggestions.c.probability).where(and_(
        s.suggestions.c.segment_id == segment_id, s.suggestions.c.code_id == code_id))).scalar()


def suggestions_for(project, segment_id: int, coder: str | None, include_decided: bool,
                    min_probability: float) -> list[dict]:
    """Suggestions stored for the home of ``segment_id``, most probable first, without those
    ``coder`` decided or already coded over the unit (unless ``include_decided``)."""
    g, c = s.suggestions, s.codes
    with project.engine.connect() as conn:
        segment_id = home(conn, segment_id).id
        rows = conn.execute(
            select(g.c.code_id, c.c.name.label("code"), c.c.colour, g.c.probability, g.c.valence,
                   g.c.valence_probability, g.c.model_version)
            .select_from(g.join(c, g.c.code_id == c.c.id))
            .where(and_(g.c.segment_id == segment_id, c.c.archived == 0, g.c.probability >= min_probability))
            .order_by(g.c.probability.desc(), c.c.position)).mappings().all()
        hidden: set[int] = set()
        if coder and not include_decided and rows:
            d = s.suggestion_decisions
            hidden |= {r[0] for r in conn.execute(select(d.c.code_id).where(
                and_(d.c.segment_id == segment_id, d.c.coder == coder)))}
            seg = _segment(conn, segment_id)
            k = s.codings
            hidden |= {r[0] for r in conn.execute(select(k.c.code_id).where(and_(
                k.c.source_id == seg["source_id"], k.c.coder == coder, k.c.active == 1,
                k.c.start < seg["end"], k.c.end > seg["start"])))}
    return [dict(r) for r in rows if r["code_id"] not in hidden]


def suggestion_of(project, segment_id: int, code_id: int) -> tuple[SuggestionUnit, float | None, str | None]:
    """(home unit, probability, suggested valence) of suggesting ``code_id`` for ``segment_id``."""
    with project.engine.connect() as conn:
        unit = home(conn, segment_id)
        probability = _probability(conn, unit.id, code_id)
        valence = conn.execute(select(s.suggestions.c.valence).where(and_(
            s.suggestions.c.segment_id == unit.id, s.suggestions.c.code_id == code_id))).scalar()
    return unit, probability, valence


def record_acceptance(project, segment_id: int, code_id: int, coder: str, probability: float | None,
                      coding_id: int) -> None:
    with project.engine.begin() as conn:
        conn.execute(s.suggestion_decisions.insert().values(
            segment_id=segment_id, code_id=code_id, coder=coder, decision=ACCEPTED,
            probability=probability, coding_id=coding_id, ts=database.now()))


def record_rejection(project, coder: str, segment_id: int, code_id: int) -> int:
    """One write transaction: find the home, record the rejection; returns the decision id."""
    with project.engine.begin() as conn:
        segment_id = int(home(conn, segment_id).id)
        probability = _probability(conn, segment_id, code_id)
        return int(conn.execute(s.suggestion_decisions.insert().values(
            segment_id=segment_id, code_id=code_id, coder=coder, decision=REJECTED,
            probability=probability, coding_id=None, ts=database.now())).inserted_primary_key[0])


def decisions(project, coder: str | None = None) -> pd.DataFrame:
    """The decision log (segment_id, code_id, coder, decision, probability, coding_id, ts)."""
    stmt = select(s.suggestion_decisions).order_by(s.suggestion_decisions.c.id)
    if coder is not None:
        stmt = stmt.where(s.suggestion_decisions.c.coder == coder)
    return project._frame(stmt)


def segments_with_suggestions(project, source_id: int, coder: str | None = None) -> set[int]:
    """Ids of a source's segments with at least one stored suggestion (undecided by ``coder``)."""
    g, seg = s.suggestions, s.segments
    with project.engine.connect() as conn:
        ids = {r[0] for r in conn.execute(select(g.c.segment_id).distinct()
                                          .select_from(g.join(seg, g.c.segment_id == seg.c.id))
                                          .where(seg.c.source_id == source_id))}
        if coder and ids:
            d = s.suggestion_decisions
            decided = conn.execute(select(d.c.segment_id, d.c.code_id).where(
                and_(d.c.coder == coder, d.c.segment_id.in_(ids)))).all()
            if decided:
                pending = conn.execute(select(g.c.segment_id, g.c.code_id).where(g.c.segment_id.in_(ids))).all()
                left = set(map(tuple, pending)) - set(map(tuple, decided))
                ids = {sid for sid, _ in left}
    return ids


def clear(project) -> None:
    """Delete every stored suggestion (one write transaction)."""
    with project.engine.begin() as conn:
        conn.execute(delete(s.suggestions))


def insert(project, rows: list[dict]) -> None:
    """Store suggestion rows (one write transaction; nothing when empty)."""
    with project.engine.begin() as conn:
        if rows:
            conn.execute(s.suggestions.insert(), rows)


def at_or_above(project, threshold: float) -> list[dict]:
    """Stored suggestions with probability >= ``threshold``, as plain rows."""
    with project.engine.connect() as conn:
        rows = conn.execute(select(s.suggestions).where(s.suggestions.c.probability >= threshold)).mappings().all()
    return [dict(r) for r in rows]
