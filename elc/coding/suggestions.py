"""Stored code suggestions for a segment, and a coder's decisions on them.

The suggestion model (``elc.suggest``) writes rows to the ``suggestions`` table; this module
reads them for one segment and records what a coder did with them:

- :func:`suggestions_for` lists the suggestions for a segment, best first, hiding the ones this
  coder already decided (accepted or rejected) and codes they already applied to the segment;
- :func:`accept` applies the suggested code through :class:`~elc.coding.CodingSession`
  (``origin="suggestion"``, so it is logged and undoable like any coding) and records an
  ``accepted`` decision with the model's probability;
- :func:`reject` records a ``rejected`` decision: negative evidence for the next refit, and the
  suggestion stays hidden for that coder.

Pure functions over the project; no UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, select

from elc.errors import CodingError
from elc.store import database, schema as s

ACCEPTED = "accepted"
REJECTED = "rejected"


def _field(row: Any, name: str):
    if isinstance(row, Mapping):
        return row[name]
    try:
        return row[name]  # pandas Series
    except (TypeError, KeyError, IndexError):
        return getattr(row, name)


def _segment(conn, segment_id: int):
    row = conn.execute(select(s.segments.c.id, s.segments.c.source_id, s.segments.c.start, s.segments.c.end)
                       .where(s.segments.c.id == segment_id)).mappings().first()
    if row is None:
        raise CodingError(f"no segment with id {segment_id}")
    return row


def _home(conn, segment_id: int):
    """Where the suggestions of a segment are stored and the span accepting one codes:
    the segment itself, or, for a sentence of a response (suggestions are made per response,
    the unit its coders coded), its turn with the turn's body span (without the speaker label)."""
    g = s.segments
    own = conn.execute(select(s.suggestions.c.id).where(s.suggestions.c.segment_id == segment_id).limit(1)).first()
    seg = conn.execute(select(g.c.id, g.c.source_id, g.c.start, g.c.end, g.c.kind, g.c.parent_id)
                       .where(g.c.id == segment_id)).mappings().first()
    if seg is None:
        raise CodingError(f"no segment with id {segment_id}")
    turn_id = seg["id"] if seg["kind"] == "turn" else seg["parent_id"]
    if own is None and seg["kind"] == "sentence" and turn_id is not None:
        if conn.execute(select(s.suggestions.c.id).where(s.suggestions.c.segment_id == turn_id).limit(1)).first():
            seg, own = conn.execute(select(g.c.id, g.c.source_id, g.c.start, g.c.end, g.c.kind, g.c.parent_id)
                                    .where(g.c.id == turn_id)).mappings().first(), True
    if seg["kind"] == "turn":
        from sqlalchemy import func

        body = conn.execute(select(func.min(g.c.start), func.max(g.c.end))
                            .where(and_(g.c.parent_id == seg["id"], g.c.kind == "sentence"))).first()
        if body and body[0] is not None:
            return {"id": seg["id"], "source_id": seg["source_id"], "start": body[0], "end": body[1]}
    return {"id": seg["id"], "source_id": seg["source_id"], "start": seg["start"], "end": seg["end"]}


def suggestions_for(project, segment_id: int, coder: str | None = None, *, include_decided: bool = False,
                    min_probability: float = 0.0) -> list[dict]:
    """Suggestions stored for one segment, most probable first.

    Each item: ``code_id, code, colour, probability, valence, valence_probability, model_version``.
    With a ``coder``, suggestions that coder accepted or rejected, and codes they already applied
    over this segment, are left out (unless ``include_decided``).
    """
    g, c = s.suggestions, s.codes
    with project.engine.connect() as conn:
        segment_id = _home(conn, segment_id)["id"]
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


def _probability(conn, segment_id: int, code_id: int) -> float | None:
    return conn.execute(select(s.suggestions.c.probability).where(and_(
        s.suggestions.c.segment_id == segment_id, s.suggestions.c.code_id == code_id))).scalar()


def accept(session, segment_row, code_id: int, valence: str | None = None, memo: str = "",
           span: tuple[int, int] | None = None) -> int:
    """Apply a suggested code to the whole unit and record the acceptance; returns the coding id.

    The unit is the segment, or the response a sentence belongs to when the suggestion was
    made for the response.

    ``segment_row`` is anything with ``id, source_id, start, end`` (a dict, a pandas row, a record).
    Without ``valence``, the suggestion's own valence is used when the model gave one. ``span``
    (start, end) codes a wider selection the researcher made around the unit instead.
    """
    project = session.project
    with project.engine.connect() as conn:
        home = _home(conn, int(_field(segment_row, "id")))
        segment_id = int(home["id"])
        probability = _probability(conn, segment_id, int(code_id))
        suggested_valence = conn.execute(select(s.suggestions.c.valence).where(and_(
            s.suggestions.c.segment_id == segment_id, s.suggestions.c.code_id == int(code_id)))).scalar()
    chosen = valence or suggested_valence or "neutral"
    start, end = span if span is not None else (int(home["start"]), int(home["end"]))
    coding_id = session.apply(int(home["source_id"]), int(start), int(end), int(code_id), chosen,
                              memo, origin="suggestion")
    with project.engine.begin() as conn:
        conn.execute(s.suggestion_decisions.insert().values(
            segment_id=segment_id, code_id=int(code_id), coder=session.coder, decision=ACCEPTED,
            probability=probability, coding_id=coding_id, ts=database.now()))
    return coding_id


def reject(project, coder: str, segment_id: int, code_id: int) -> int:
    """Record that ``coder`` rejected suggesting ``code_id`` for ``segment_id``; returns the decision id."""
    if not coder or not coder.strip():
        raise CodingError("a coder name is needed to reject a suggestion")
    with project.engine.begin() as conn:
        segment_id = int(_home(conn, int(segment_id))["id"])
        probability = _probability(conn, int(segment_id), int(code_id))
        return int(conn.execute(s.suggestion_decisions.insert().values(
            segment_id=int(segment_id), code_id=int(code_id), coder=coder.strip(), decision=REJECTED,
            probability=probability, coding_id=None, ts=database.now())).inserted_primary_key[0])


def decisions(project, coder: str | None = None):
    """The decision log as a DataFrame (segment_id, code_id, coder, decision, probability, coding_id, ts)."""
    stmt = select(s.suggestion_decisions).order_by(s.suggestion_decisions.c.id)
    if coder is not None:
        stmt = stmt.where(s.suggestion_decisions.c.coder == coder)
    return project._frame(stmt)


def segments_with_suggestions(project, source_id: int, coder: str | None = None) -> set[int]:
    """Ids of a source's segments that have at least one stored suggestion (undecided by ``coder``)."""
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


__all__ = ["suggestions_for", "accept", "reject", "decisions", "segments_with_suggestions", "ACCEPTED", "REJECTED"]
