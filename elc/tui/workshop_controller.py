"""The workshop screen's controller: candidate changes with their state, and the decisions on them.

Every write goes through :mod:`elc.insights.workshop` (checked, one transaction, audited with the
workbench's coder as ``recorded_by``); the screen only shows rows and asks for values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from elc.insights import workshop as w
from elc.insights.changes import changes as list_changes
from elc.store import workshop as ws


@dataclass(frozen=True)
class ChangeLine:
    id: int
    position: int
    title: str
    state: str
    merged_into: int | None
    votes: int | None
    priority: int | None
    owner: str
    next_steps: str
    challenges: int  # responses recorded on this change (any workshop)


@dataclass(frozen=True)
class Counts:
    states: dict[str, int]
    votes: int
    challenges: int
    attendees: int
    workshop: str  # "Workshop 2: Challenge workshop" or ""


class WorkshopController:
    def __init__(self, project, by: str):
        self.project, self.by = project, by

    def lines(self) -> list[ChangeLine]:
        df = list_changes(self.project)
        said = Counter(c.finding for c in ws.challenges(self.project))
        return [ChangeLine(int(r.id), int(r.position), r.title, r.state, r.merged_into, r.votes, r.priority,
                           r.decision_owner, r.next_steps, said.get(f"change:{int(r.id)}", 0))
                for r in df.itertuples()]

    def counts(self, lines: list[ChangeLine] | None = None) -> Counts:
        lines = self.lines() if lines is None else lines
        wid = w.latest_workshop(self.project)
        shop = next((x for x in ws.workshops(self.project) if x.id == wid), None)
        people = sum(a.n for a in ws.attendees(self.project, wid)) if wid is not None else 0
        return Counts(dict(Counter(x.state for x in lines)), sum(x.votes or 0 for x in lines),
                      sum(x.challenges for x in lines), people, f"Workshop {shop.id}: {shop.title}" if shop else "")

    def ensure_workshop(self, title: str = "Challenge workshop") -> int:
        """The latest workshop, or a new one when there is none (decisions in the room belong to one)."""
        wid = w.latest_workshop(self.project)
        return wid if wid is not None else w.new_workshop(self.project, title, by=self.by)

    def decide(self, change_id: int, decision: str, **fields) -> None:
        w.decide(self.project, change_id, decision, self.by, self.ensure_workshop(), **fields)

    def set_fields(self, change_id: int, **fields) -> None:
        w.set_decision_fields(self.project, change_id, self.by, **fields)

    def challenge(self, change_id: int, response: str, text: str = "", raised_by: str = "") -> None:
        w.challenge(self.project, f"change:{change_id}", response, text, raised_by, self.ensure_workshop(), self.by)

    def targets(self, change_id: int) -> list[tuple[str, str]]:
        """Changes a change can be merged into: (id, "3. title"), not itself, not merged or rejected."""
        return [(str(x.id), f"{x.position + 1}. {x.title}") for x in self.lines()
                if x.id != change_id and x.state not in ("merged", "rejected")]
