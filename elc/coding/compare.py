"""Agreement between two coders on a project.

The shared units are the participant sentences of the interviews both coders have coded, up to
the point both have reached in each: a sentence after the last one a coder coded in an interview
is work not yet done, not a "no", and counting it would fill the comparison with disagreements
(and "both said no" agreements) that say nothing about reliability.
"""

from __future__ import annotations

from elc.coding.agreement import agreement_report
from elc.errors import ElcError


def project_agreement(project, coder_a: str, coder_b: str) -> dict:
    codings = project.coded_segments()
    codings = codings[codings.code_kind != "category"]
    known = set(project.coders())
    for c in (coder_a, coder_b):
        if c not in known:
            raise ElcError(f"{project.location}: no codings by '{c}' (coders: {', '.join(sorted(known)) or 'none'})")
    both = set(codings[codings.coder == coder_a].source_id) & set(codings[codings.coder == coder_b].source_id)
    if not both:
        raise ElcError(f"{project.location}: {coder_a} and {coder_b} have not coded any interview in common")
    raw = project.codings()
    raw = raw[raw.coder.isin([coder_a, coder_b]) & raw.source_id.isin(both)]
    reached = raw.groupby(["source_id", "coder"]).end.max().unstack("coder").min(axis=1)  # per source
    segs = project.segments(role="participant", with_text=False)
    segs = segs[segs.source_id.isin(both)]
    within = segs.start < segs.source_id.map(reached)
    shared = segs[within].id.tolist()
    pair = codings[codings.coder.isin([coder_a, coder_b]) & codings.segment_id.isin(shared)]
    report = agreement_report(pair[["segment_id", "code", "coder", "valence"]], shared, [coder_a, coder_b])
    report["sources"] = sorted(int(x) for x in both)
    report["segments"] = len(shared)
    report["not_reached"] = int((~within).sum())
    return report
