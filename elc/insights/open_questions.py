"""The guide's open questions ("what is working well", "what can we improve", "the one thing you
would change"): each community's answers, with quotes, and which changes the "one thing" answers
ask for.

An answer is a participant sentence whose interviewer question (stored on the segment at import)
contains the open question's words. Counts are participants.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from elc.insights.quotes import add_quote_columns, overlaps_any, pick_quotes
from elc.insights.units import mend_brackets, source_texts
from elc.store.evidence_reads import answer_sentences, unreviewed_detections

KINDS = (("one-thing", "the one thing you would change"), ("to-improve", "what to improve"),
         ("working-well", "what works well"))
_WORD = re.compile(r"[a-z0-9]+")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(str(text or "").lower().replace("’", "'").replace("'", "")))


def question_kind(text: str) -> str:
    low = _norm(text)
    if "one thing" in low:
        return "one-thing"
    if "improve" in low or "better" in low:
        return "to-improve"
    return "working-well"


def open_answers(project, communities: pd.DataFrame, units: pd.DataFrame | None = None,
                 changes: list[dict] | None = None, quotes: int = 3) -> list[dict]:
    """One record per open question: ``question``, ``family``, ``kind``, ``by_community`` (list of
    ``community``, ``name``, ``answered``, ``of`` (participants interviewed), ``quotes``)
    and, for "one thing" questions with ``changes`` and ``units`` given, ``changes_asked``
    (change number -> participants whose answer is coded with that change's linked codes)."""
    qs = project.programme.questions
    if not qs:
        return []
    ans = answer_sentences(project)
    if len(ans):
        ans = ans[ans.participant_id.notna()].copy()
        ans["q"] = [_norm(q) for q in ans.question]
    unrev = unreviewed_detections(project)
    texts = source_texts(project, ans.source_id.unique()) if len(ans) else {}
    out = []
    for q in qs:
        key = _norm(q.text)
        fam_comms = set(communities.key[communities.family == q.family])
        mine = ans[[key in x for x in ans.q] & ans.community.isin(fam_comms).to_numpy()] if len(ans) and key else ans
        if len(mine):
            mine = mine.assign(text=mend_brackets(texts, mine.source_id, mine.start, mine.end), valence="neutral",
                               code=q.text, touchpoint=None)
            mine = add_quote_columns(mine)
        rec = {"question": q.text, "family": q.family, "kind": question_kind(q.text), "by_community": []}
        for c in communities.itertuples():
            if c.family != q.family:
                continue
            got = mine[mine.community == c.key] if len(mine) else mine
            picked = []
            if len(got):
                bad = overlaps_any(got.source_id.to_numpy(), got.start.to_numpy(), got.end.to_numpy(), unrev)
                words = got["words"].to_numpy(dtype=float)
                picked = pick_quotes(got, quotes, extra=-40.0 * bad - 25.0 * (words < 8))
                for p in picked:
                    p["community_name"] = c.name
            rec["by_community"].append({"community": c.key, "name": c.name,
                                        "answered": int(got.participant_id.nunique()) if len(got) else 0,
                                        "of": int(c.interviewed), "quotes": picked})
        if rec["kind"] == "one-thing" and changes is not None and units is not None and len(mine) and len(units):
            asked = {}
            for i, ev in enumerate(changes, 1):
                codes = set(ev.get("code_ids", [])) or set()
                if not codes:
                    continue
                spans = units[np.isin(units.code_id.to_numpy(dtype=float), list(codes))][["source_id", "start", "end"]]
                hit = overlaps_any(mine.source_id.to_numpy(), mine.start.to_numpy(), mine.end.to_numpy(), spans)
                asked[i] = int(mine.participant_id[hit].nunique())
            rec["changes_asked"] = asked
            rec["answered"] = int(mine.participant_id.nunique())
        out.append(rec)
    return out


__all__ = ["open_answers", "question_kind", "KINDS"]
