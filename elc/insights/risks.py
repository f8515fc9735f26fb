"""Risks in the evidence, from the data: every flag on every change, communities below target,
interviews not coded, single-coder evidence, low inter-coder agreement where it was measured, and
de-identification nobody has reviewed. The specification's risks section lists all of them."""

from __future__ import annotations

import itertools

import pandas as pd

LOW_KAPPA = 0.6


def coder_agreement(project) -> list[dict]:
    """Cohen's kappa for every pair of coders who coded an interview in common (where measured)."""
    from elc.coding.compare import project_agreement
    from elc.errors import ElcError

    out = []
    for a, b in itertools.combinations(sorted(project.coders()), 2):
        try:
            rep = project_agreement(project, a, b)
        except (ElcError, ValueError):
            continue
        overall = rep["overall"]
        out.append({"coders": [a, b], "interviews": len(rep["sources"]), "segments": int(rep["segments"]),
                    "kappa": round(float(overall["kappa"]), 3),
                    "percent_agreement": round(float(overall["percent_agreement"]), 3)})
    return out


def evidence_risks(changes: list[dict], communities: pd.DataFrame, deid: dict, agreement: list[dict],
                   single_coded: tuple[int, int] | None = None, unreviewed_quotes: int = 0) -> list[str]:
    """Every risk the data shows, one sentence each (empty only when there is none)."""
    out = []
    for i, ev in enumerate(changes, 1):
        for f in ev["flags"]:
            out.append(f"Change {i} ({ev['title']}): {f['message']}")
    not_heard = [c.name for c in communities.itertuples() if not c.interviewed]
    if not_heard:
        out.append("Communities not yet interviewed: " + "; ".join(not_heard))
    for c in communities.itertuples():
        target = None if c.target_n is None or pd.isna(c.target_n) else int(c.target_n)
        if target and c.interviewed < target:
            out.append(f"{c.name}: {c.interviewed} interviewed against a target of {target}; their views are "
                       "under-represented")
        for pid in (c.uncoded_ids or []):
            out.append(f"{pid} ({c.name}) was interviewed but is not coded yet, so is left out of every count")
    if single_coded and single_coded[1]:
        n, total = single_coded
        if n:
            out.append(f"{n} of {total} coded participants' interviews were coded by one coder only (no second coder "
                       "checked them)")
    measured = [a for a in agreement]
    for a in measured:
        if a["kappa"] < LOW_KAPPA:
            out.append(f"Low inter-coder agreement: {a['coders'][0]} and {a['coders'][1]} kappa {a['kappa']:.2f} "
                       f"on {a['interviews']} interview(s) coded by both (below {LOW_KAPPA})")
    if not measured:
        out.append("Inter-coder agreement has not been measured: no interview is coded by two coders")
    if deid.get("unreviewed"):
        out.append(f"De-identification: {deid['unreviewed']} of {deid['detections']} detections have not been "
                   "reviewed by a person" + (f"; {unreviewed_quotes} of the quotes used {'contains' if unreviewed_quotes == 1 else 'contain'} one"
                      if unreviewed_quotes else ""))
    return out


__all__ = ["coder_agreement", "evidence_risks", "LOW_KAPPA"]
