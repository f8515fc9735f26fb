"""What a workshop decided, for the pack, the specification and "you said, we did".

Every number is a count over the workshop tables: attendees are summed ``n`` by role and by
community; challenges are counted per finding and response; each change's outcome is its
latest decision (its state).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from elc.insights.changes import changes as list_changes
from elc.store import workshop as ws


@dataclass(frozen=True)
class FindingSummary:
    finding: str  # stored key: change:3, cell:Journey home|carers, theme:..., note:...
    label: str  # as people read it
    agree: int
    challenge: int
    new_evidence: int
    texts: tuple[str, ...]  # what was said, "response (raised by): text"

    @property
    def total(self) -> int:
        return self.agree + self.challenge + self.new_evidence


@dataclass(frozen=True)
class ChangeOutcome:
    change_id: int
    title: str
    state: str  # candidate | endorsed | amended | merged | rejected | new
    merged_into: int | None
    merged_into_title: str
    votes: int | None
    priority: int | None
    owner: str
    next_steps: str
    note: str
    workshop_id: int | None
    recorded_by: str
    ts: str


@dataclass(frozen=True)
class WorkshopSummary:
    workshop: ws.Workshop | None
    attendees: tuple[ws.Attendee, ...]
    by_role: dict[str, int]  # role -> people (sum of n)
    by_community: dict[str, int]  # community key -> people ("" = no community)
    total: int  # people in the room
    findings: tuple[FindingSummary, ...]
    outcomes: tuple[ChangeOutcome, ...]  # every change, in list order
    codesign: tuple[ws.Codesign, ...]

    @property
    def states(self) -> dict[str, int]:
        return dict(Counter(o.state for o in self.outcomes))


def outcomes_of(project) -> list[ChangeOutcome]:
    """Every change, in list order, with its current decision (``candidate`` when none)."""
    df = list_changes(project)
    titles = dict(zip(df.id.astype(int), df.title))
    current = ws.current_decisions(project)
    out = []
    for cid, title in titles.items():
        d = current.get(cid)
        if d is None:
            out.append(ChangeOutcome(cid, title, ws.CANDIDATE, None, "", None, None, "", "", "", None, "", ""))
            continue
        out.append(ChangeOutcome(cid, title, d.decision, d.merged_into, titles.get(d.merged_into, ""), d.votes,
                                 d.priority, d.owner, d.next_steps, d.note, d.workshop_id, d.recorded_by, d.ts))
    return out


def summary(project, workshop_id: int | None = None) -> WorkshopSummary:
    """The workshop ``workshop_id`` (default: the latest) with every change's current outcome."""
    from elc.insights.workshop import latest_workshop, resolver

    wid = workshop_id if workshop_id is not None else latest_workshop(project)
    shop = next((w for w in ws.workshops(project) if w.id == wid), None)
    people = tuple(ws.attendees(project, wid)) if wid is not None else ()
    by_role: Counter = Counter()
    by_comm: Counter = Counter()
    for a in people:
        by_role[a.role] += a.n
        by_comm[a.community] += a.n
    found: dict[str, Counter] = {}
    texts: dict[str, list[str]] = {}
    for c in (ws.challenges(project, wid) if wid is not None else []):
        found.setdefault(c.finding, Counter())[c.response] += 1
        if c.text:
            who = f" ({c.raised_by})" if c.raised_by else ""
            texts.setdefault(c.finding, []).append(f"{c.response}{who}: {c.text}")
    res = resolver(project)
    findings = tuple(FindingSummary(f, res.label(f), n["agree"], n["challenge"], n["new-evidence"],
                                    tuple(texts.get(f, []))) for f, n in found.items())
    outcomes = outcomes_of(project)
    cod = tuple(ws.codesign(project))
    return WorkshopSummary(shop, people, dict(by_role), dict(by_comm), sum(a.n for a in people), findings,
                           tuple(outcomes), cod)


__all__ = ["FindingSummary", "ChangeOutcome", "WorkshopSummary", "summary", "outcomes_of"]
