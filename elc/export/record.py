"""What the workshop decided and what has been measured since, read once for every writer.

The state of a change is its latest decision (no decision = a candidate). A change the
workshop *merged* counts through its target; *endorsed*, *amended* and *new* changes become
requirements in the specification. KPIs and their monthly returns come from the KPI records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elc.store.kpis import Kpi, KpiReturn, kpis, returns
from elc.store.requirements import Requirement, requirements_by_change
from elc.store.workshop import (CANDIDATE, Attendee, Codesign, Decision, Workshop, attendees, codesign,
                                current_decisions, workshops)

#: Decisions whose change goes into the specification as requirements.
ENDORSED = ("endorsed", "amended", "new")


@dataclass
class Record:
    workshops: list[Workshop] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)
    decisions: dict[int, Decision] = field(default_factory=dict)      # change id -> latest decision
    codesign: dict[int, list[Codesign]] = field(default_factory=dict)
    kpis: dict[int | None, list[Kpi]] = field(default_factory=dict)   # change id (None: programme-wide)
    returns: dict[int, list[KpiReturn]] = field(default_factory=dict)  # kpi id -> returns by period
    requirements: dict[int, list[Requirement]] = field(default_factory=dict)

    def state(self, change_id: int) -> str:
        d = self.decisions.get(int(change_id))
        return d.decision if d else CANDIDATE

    def endorsed(self, change_id: int) -> bool:
        return self.state(change_id) in ENDORSED

    def merged_here(self, change_id: int) -> list[int]:
        """Changes the workshop merged into this one."""
        return [cid for cid, d in self.decisions.items() if d.decision == "merged" and d.merged_into == change_id]

    def workshop(self, workshop_id: int | None) -> Workshop | None:
        return next((w for w in self.workshops if w.id == workshop_id), None)

    @property
    def decided(self) -> bool:
        return bool(self.decisions)


def read_record(project) -> Record:
    """Every workshop, decision, co-design, KPI and return of the project."""
    cod: dict[int, list[Codesign]] = {}
    for c in codesign(project):
        cod.setdefault(c.change_id, []).append(c)
    by_change: dict[int | None, list[Kpi]] = {}
    for k in kpis(project):
        by_change.setdefault(k.change_id, []).append(k)
    rets: dict[int, list[KpiReturn]] = {}
    for r in returns(project):
        rets.setdefault(r.kpi_id, []).append(r)
    return Record(workshops=workshops(project), attendees=attendees(project), decisions=current_decisions(project),
                  codesign=cod, kpis=by_change, returns=rets, requirements=requirements_by_change(project))


def decision_text(d: Decision | None, rec: Record, titles: dict[int, str]) -> str:
    """``endorsed at <workshop> on <date> (12 votes, priority 1); owner: X`` or ``not yet decided``."""
    if d is None:
        return "not yet decided by the workshop"
    w = rec.workshop(d.workshop_id)
    parts = [d.decision]
    if d.decision == "merged" and d.merged_into is not None:
        parts[0] += f" into “{titles.get(d.merged_into, d.merged_into)}”"
    if w is not None:
        parts.append(f"at {w.title}" + (f" on {w.held_on}" if w.held_on else ""))
    extra = []
    if d.votes is not None:
        extra.append(f"{d.votes} vote{'' if d.votes == 1 else 's'}")
    if d.priority is not None:
        extra.append(f"priority {d.priority}")
    text = " ".join(parts) + (f" ({', '.join(extra)})" if extra else "")
    if d.owner:
        text += f"; owner: {d.owner}"
    if d.next_steps:
        text += f"; next steps: {d.next_steps}"
    return text


def kpi_status(k: Kpi, rets: list[KpiReturn]) -> dict:
    """The latest return of a KPI against its baseline and threshold."""
    if not rets:
        return {"latest": None, "period": None, "vs_baseline": None, "meets": None, "n": 0}
    last = rets[-1]
    vs = None if k.baseline is None else last.value - k.baseline
    meets = None
    if k.threshold is not None:
        meets = last.value <= k.threshold if k.better == "lower" else last.value >= k.threshold
    return {"latest": last.value, "period": last.period, "vs_baseline": vs, "meets": meets, "n": len(rets)}


def fmt(v: float | None) -> str:
    """A KPI value as printed: integers without decimals, others to two significant decimals."""
    if v is None:
        return "-"
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


__all__ = ["Record", "read_record", "ENDORSED", "decision_text", "kpi_status", "fmt"]
