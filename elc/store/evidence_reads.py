"""Reads the evidence layer needs beyond codings: who is coded, who speaks where, what is unreviewed.

* :func:`participant_coding` - every participant with an interview, their community and family,
  and how many active codings (and coders) their interviews carry. "Coded" means at least one.
* :func:`voice_spans` - sentence spans spoken by someone other than the participant (the
  interviewer, a relative), so a quote can be kept to the participant's own words.
* :func:`unreviewed_detections` / :func:`detection_review_counts` - de-identification detections
  still in status ``auto`` (not reviewed by a person).
* :func:`answer_sentences` - participant sentences with the interviewer question they answer.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from elc.store import schema as s


def _frame(project, stmt) -> pd.DataFrame:
    with project.engine.connect() as conn:
        res = conn.execute(stmt)
        cols = list(res.keys())
        return pd.DataFrame([tuple(r) for r in res.fetchall()], columns=cols)


def participant_coding(project, coder: str | None = None) -> pd.DataFrame:
    """One row per participant with at least one interview: ``participant_id``, ``community``,
    ``family``, ``interviews``, ``codings`` (active; only ``coder``'s when given), ``coders`` (distinct)."""
    p, c, src, k = s.participants, s.communities, s.sources, s.codings
    people = _frame(project, select(p.c.id.label("participant_id"), c.c.key.label("community"), c.c.family)
                    .select_from(p.outerjoin(c, p.c.community_id == c.c.id)).order_by(p.c.id))
    n_src = _frame(project, select(src.c.participant_id, func.count().label("interviews"))
                   .where(src.c.participant_id.isnot(None)).group_by(src.c.participant_id))
    where = k.c.active == 1
    if coder is not None:
        where = where & (k.c.coder == coder)
    n_cod = _frame(project, select(src.c.participant_id, func.count().label("codings"),
                                   func.count(func.distinct(k.c.coder)).label("coders"))
                   .select_from(k.join(src, k.c.source_id == src.c.id))
                   .where(where & src.c.participant_id.isnot(None)).group_by(src.c.participant_id))
    df = people.merge(n_src, on="participant_id", how="inner").merge(n_cod, on="participant_id", how="left")
    for col in ("interviews", "codings", "coders"):
        df[col] = df[col].fillna(0).astype(int)
    return df[df.interviews > 0].reset_index(drop=True)


def voice_spans(project) -> pd.DataFrame:
    """Sentences not spoken by the participant (interviewer, other voices): source_id, start, end, role."""
    g = s.segments
    return _frame(project, select(g.c.source_id, g.c.start, g.c.end, g.c.role)
                  .where((g.c.kind == "sentence") & (g.c.role != "participant"))
                  .order_by(g.c.source_id, g.c.start))


def unreviewed_detections(project) -> pd.DataFrame:
    """Detections nobody has reviewed yet (status ``auto``): id, source_id, start, end, label, replacement."""
    d = s.deid_detections
    return _frame(project, select(d.c.id, d.c.source_id, d.c.start, d.c.end, d.c.label, d.c.replacement)
                  .where(d.c.status == "auto").order_by(d.c.source_id, d.c.start))


def detection_review_counts(project) -> dict:
    """``{"detections": all, "unreviewed": status auto, "sources_unreviewed": sources with any}``."""
    d = s.deid_detections
    with project.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(d)).scalar() or 0
        auto = conn.execute(select(func.count()).select_from(d).where(d.c.status == "auto")).scalar() or 0
        srcs = conn.execute(select(func.count(func.distinct(d.c.source_id))).where(d.c.status == "auto")).scalar() or 0
    return {"detections": int(total), "unreviewed": int(auto), "sources_unreviewed": int(srcs)}


def answer_sentences(project) -> pd.DataFrame:
    """Participant sentences that follow an interviewer question: id, source_id, start, end,
    participant_id, community, question."""
    g, src, p, c = s.segments, s.sources, s.participants, s.communities
    stmt = (select(g.c.id, g.c.source_id, g.c.start, g.c.end, src.c.participant_id,
                   c.c.key.label("community"), g.c.question)
            .select_from(g.join(src, g.c.source_id == src.c.id)
                         .outerjoin(p, src.c.participant_id == p.c.id)
                         .outerjoin(c, p.c.community_id == c.c.id))
            .where((g.c.kind == "sentence") & (g.c.role == "participant") & (g.c.question != ""))
            .order_by(g.c.source_id, g.c.start))
    return _frame(project, stmt)


__all__ = ["participant_coding", "voice_spans", "unreviewed_detections", "detection_review_counts",
           "answer_sentences"]
