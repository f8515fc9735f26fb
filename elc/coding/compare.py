"""Agreement between two coders on a project: the shared segments are every participant
sentence of the interviews both coders have coded."""

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
    segs = project.segments(role="participant", with_text=False)
    shared = segs[segs.source_id.isin(both)].id.tolist()
    pair = codings[codings.coder.isin([coder_a, coder_b]) & codings.source_id.isin(both)]
    report = agreement_report(pair[["segment_id", "code", "coder", "valence"]], shared, [coder_a, coder_b])
    report["sources"] = sorted(int(x) for x in both)
    report["segments"] = len(shared)
    return report
