"""Where a programme stands: who was interviewed against target n, and how much is coded."""

from __future__ import annotations

import pandas as pd

from elc.insights.units import asks


def status(project) -> dict:
    prog = project.programme
    comms = project.communities()
    segs = project.segments(role="participant", with_text=False)
    coded = project.coded_segments()
    codes = project.codes()
    per_comm_segments = segs.groupby("community", dropna=False).size() if len(segs) else pd.Series(dtype=int)
    per_comm_coded = coded.groupby("community", dropna=False).segment_id.nunique() if len(coded) else pd.Series(dtype=int)
    communities = []
    for c in comms.itertuples():
        n_seg = int(per_comm_segments.get(c.key, 0))
        n_coded = int(per_comm_coded.get(c.key, 0))
        communities.append({
            "key": c.key, "name": c.name, "family": c.family, "target_n": c.target_n,
            "participants": int(c.participants), "interviews": int(c.interviews),
            "achieved_share": round(c.participants / c.target_n, 3) if c.target_n else None,
            "segments": n_seg, "coded_segments": n_coded,
            "coded_share": round(n_coded / n_seg, 3) if n_seg else 0.0,
        })
    unassigned = int(segs.community.isna().sum()) if len(segs) else 0
    touchpoints = []
    tp_codes = codes[codes.kind == "touchpoint"]
    for tp in tp_codes.itertuples():
        hit = coded[coded.code_id == tp.id] if len(coded) else coded
        by_comm = {}
        for c in communities:
            key, seg_total = c["key"], c["segments"]
            sub = hit[hit.community == key] if len(hit) else hit
            n = int(sub.segment_id.nunique()) if len(sub) else 0
            by_comm[key] = {"segments": n, "participants": int(sub.participant_id.nunique()) if len(sub) else 0,
                            "share": round(n / seg_total, 3) if seg_total else 0.0,
                            "asked": asks(tp.family, c["family"])}  # its guide has the touchpoint
        touchpoints.append({"name": tp.name, "family": tp.family, "codings": int(tp.n_codings),
                            "segments": int(hit.segment_id.nunique()) if len(hit) else 0,
                            "by_community": by_comm})
    sources = project.sources()
    total_segments = int(len(segs))
    coded_total = int(coded.segment_id.nunique()) if len(coded) else 0
    return {
        "project": project.location, "programme": prog.name, "focus_question": prog.focus_question,
        "communities": communities, "touchpoints": touchpoints,
        "totals": {"participants": int(comms.participants.sum()) if len(comms) else 0,
                   "sources": int(len(sources)), "participant_segments": total_segments,
                   "unassigned_segments": unassigned, "coded_segments": coded_total,
                   "coded_share": round(coded_total / total_segments, 3) if total_segments else 0.0,
                   "codes": int(len(codes)), "coders": project.coders(),
                   "deidentified_sources": int(sources.deidentified.sum()) if len(sources) else 0},
    }
