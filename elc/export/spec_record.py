"""The parts of the specification that come from the workshop's record: numbered requirements
(endorsed changes only) with their responsible party, the KPI table with every missing field
named, co-design, the annex of candidates awaiting the workshop and the record of what the
workshop decided."""

from __future__ import annotations

from elc.export.data import ReportData
from elc.export.record import ENDORSED, decision_text, fmt
from elc.insights.changes import shall_statements
from elc.store.kpis import Kpi
from elc.store.workshop import CANDIDATE

NOT_SET = "responsible party not set"
FIELD_NAMES = {"baseline": "baseline", "baseline_source": "baseline source", "baseline_date": "baseline date",
               "threshold": "threshold", "data_source": "data source", "frequency": "frequency", "owner": "owner"}


def endorsed_changes(d: ReportData) -> list[dict]:
    """Changes the workshop endorsed, amended or added, in the changes' order."""
    return [ev for ev in d.changes if d.record.state(ev["id"]) in ENDORSED]


def candidate_changes(d: ReportData) -> list[dict]:
    return [ev for ev in d.changes if d.record.state(ev["id"]) == CANDIDATE]


def requirement_lines(d: ReportData, ev: dict) -> list[tuple[str, str]]:
    """(text, responsible) for each requirement of a change; responsible is flagged when not set."""
    recs = d.record.requirements.get(ev["id"])
    if recs:
        out = []
        for r in recs:
            text = r.text if r.text.endswith((".", "!", "?")) else r.text + "."
            who = r.responsible + (f" ({r.responsible_detail})" if r.responsible_detail else "") if r.responsible \
                else NOT_SET
            out.append((text, who))
        return out
    return [(t, NOT_SET) for t in shall_statements(ev)]


def merged_into(d: ReportData, ev: dict) -> list[str]:
    titles = {e["id"]: e["title"] for e in d.changes}
    return [titles.get(cid, str(cid)) for cid in d.record.merged_here(ev["id"])]


def missing_names(k: Kpi) -> list[str]:
    return [FIELD_NAMES[f] for f in k.missing]


def kpi_rows(d: ReportData, numbered: list[dict]) -> list[list]:
    """One row per KPI of an endorsed change (then programme-wide ones); missing fields named."""
    rows = []
    groups = [(f"{i}. {ev['title']}", d.record.kpis.get(ev["id"], []), str(i)) for i, ev in enumerate(numbered, 1)]
    groups.append(("programme-wide", d.record.kpis.get(None, []), "P"))
    for label, kpis, prefix in groups:
        for j, k in enumerate(kpis, 1):
            base = "missing" if k.baseline is None else fmt(k.baseline) + (f" {k.unit}" if k.unit else "")
            src = ", ".join(x for x in (k.baseline_source, k.baseline_date) if x) or "missing"
            missing = missing_names(k)
            rows.append([f"KPI {prefix}.{j}", k.measure, label, base, src,
                         "missing" if k.threshold is None else fmt(k.threshold) + (f" {k.unit}" if k.unit else "")
                         + (f" ({k.better} is better)" if k.better else ""),
                         k.data_source or "missing", k.frequency or "missing", k.owner or "missing",
                         "missing: " + ", ".join(missing) if missing else "complete"])
    return rows


KPI_HEADER = ["KPI", "Measure", "High-impact change", "Baseline", "Baseline source and date", "Threshold",
              "Data source", "Frequency", "Owner", "Fields to complete"]


def codesign_items(d: ReportData, numbered: list[dict]) -> list[str]:
    out = []
    for i, ev in enumerate(numbered, 1):
        for c in d.record.codesign.get(ev["id"], []):
            out.append(f"{i}. {ev['title']}: {c.what}, co-designed by {c.who}" + (f" ({c.held_on})" if c.held_on else ""))
    return out


def attendee_rows(d: ReportData) -> list[list]:
    rec = d.record
    rows = []
    for w in rec.workshops:
        for a in rec.attendees:
            if a.workshop_id == w.id:
                rows.append([w.title + (f" ({w.held_on})" if w.held_on else ""), a.role,
                             d.community_names.get(a.community, a.community) or "-", a.organisation or "-", a.n])
    return rows


def decision_rows(d: ReportData) -> list[list]:
    rec = d.record
    titles = {ev["id"]: ev["title"] for ev in d.changes}
    rows = []
    for i, ev in enumerate(d.changes, 1):
        dec = rec.decisions.get(ev["id"])
        rows.append([f"{i}. {ev['title']}", rec.state(ev["id"]), decision_text(dec, rec, titles),
                     "-" if dec is None or dec.votes is None else dec.votes,
                     "-" if dec is None or dec.priority is None else dec.priority,
                     (dec.owner if dec and dec.owner else "-")])
    return rows


def workshop_annex(doc, d: ReportData) -> None:
    """Appendix C: who came to the challenge workshop and what it decided (with votes)."""
    rec = d.record
    doc.h(2, "Appendix C. What the challenge workshop decided")
    if not rec.workshops and not rec.decided:
        doc.p("No workshop has been recorded yet: every change is a candidate awaiting the challenge workshop.")
        return
    rows = attendee_rows(d)
    if rows:
        doc.p(f"Attendees by role and community ({sum(r[4] for r in rows)} people):")
        doc.table(["Workshop", "Role", "Community", "Organisation", "People"], rows)
    doc.p("Decisions on each change (a change's state is its latest decision):")
    doc.table(["Change", "State", "Decision", "Votes", "Priority", "Owner"], decision_rows(d))


__all__ = ["endorsed_changes", "candidate_changes", "requirement_lines", "kpi_rows", "KPI_HEADER", "codesign_items",
           "workshop_annex", "merged_into", "NOT_SET", "missing_names", "decision_rows", "attendee_rows"]
