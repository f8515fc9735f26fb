"""The challenge workshop's record: who came (by role and community), what they challenged,
what they decided about each candidate change, and who co-designed what afterwards.

Decisions are append-only: a change's state is its latest decision; the earlier ones are the
audit trail the committee can ask for.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from elc.errors import ElcError
from elc.store import database, schema as s

RESPONSES = ("agree", "challenge", "new-evidence")
DECISIONS = ("endorsed", "amended", "merged", "rejected", "new")
#: A change with no decision yet is a candidate.
CANDIDATE = "candidate"


@dataclass(frozen=True)
class Workshop:
    id: int
    title: str
    held_on: str
    venue: str
    notes: str
    created_by: str
    created_at: str


@dataclass(frozen=True)
class Attendee:
    id: int
    workshop_id: int
    role: str
    community: str
    organisation: str
    n: int


@dataclass(frozen=True)
class Challenge:
    id: int
    workshop_id: int
    finding: str
    response: str
    raised_by: str
    text: str
    recorded_by: str
    ts: str


@dataclass(frozen=True)
class Decision:
    id: int
    change_id: int
    workshop_id: int | None
    decision: str
    merged_into: int | None
    note: str
    votes: int | None
    priority: int | None
    owner: str
    next_steps: str
    recorded_by: str
    ts: str


@dataclass(frozen=True)
class Codesign:
    id: int
    change_id: int
    who: str
    what: str
    held_on: str
    recorded_by: str
    ts: str


def _opt_int(v):
    return None if v is None else int(v)


# ---------------------------------------------------------------------------- reads
def workshops(project) -> list[Workshop]:
    t = s.workshops
    with project.engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.held_on, t.c.id)).mappings().all()
    return [Workshop(int(r["id"]), r["title"], r["held_on"], r["venue"], r["notes"], r["created_by"],
                     r["created_at"]) for r in rows]


def attendees(project, workshop_id: int | None = None) -> list[Attendee]:
    t = s.workshop_attendees
    rows = database.read_rows(project, t, (t.c.workshop_id, t.c.id), workshop_id=workshop_id)
    return [Attendee(int(r["id"]), int(r["workshop_id"]), r["role"], r["community"], r["organisation"], int(r["n"]))
            for r in rows]


def challenges(project, workshop_id: int | None = None) -> list[Challenge]:
    t = s.workshop_challenges
    rows = database.read_rows(project, t, (t.c.id,), workshop_id=workshop_id)
    return [Challenge(int(r["id"]), int(r["workshop_id"]), r["finding"], r["response"], r["raised_by"], r["text"],
                      r["recorded_by"], r["ts"]) for r in rows]


def _decision(r) -> Decision:
    return Decision(int(r["id"]), int(r["change_id"]), _opt_int(r["workshop_id"]), r["decision"],
                    _opt_int(r["merged_into"]), r["note"], _opt_int(r["votes"]), _opt_int(r["priority"]),
                    r["owner"], r["next_steps"], r["recorded_by"], r["ts"])


def decisions(project, change_id: int | None = None) -> list[Decision]:
    """Every decision ever recorded (the audit trail), oldest first."""
    t = s.change_decisions
    return [_decision(r) for r in database.read_rows(project, t, (t.c.id,), change_id=change_id)]


def current_decisions(project) -> dict[int, Decision]:
    """Each change's latest decision (its state); changes without one are candidates."""
    out: dict[int, Decision] = {}
    for d in decisions(project):
        out[d.change_id] = d
    return out


def codesign(project, change_id: int | None = None) -> list[Codesign]:
    t = s.codesign
    rows = database.read_rows(project, t, (t.c.change_id, t.c.id), change_id=change_id)
    return [Codesign(int(r["id"]), int(r["change_id"]), r["who"], r["what"], r["held_on"], r["recorded_by"], r["ts"])
            for r in rows]


# ---------------------------------------------------------------------------- writes (each committed at once)
def _need(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ElcError(f"{what} is required")
    return value


def add_workshop(project, title: str, held_on: str = "", venue: str = "", notes: str = "", by: str = "",
                 conn=None) -> int:
    values = dict(title=_need(title, "a workshop title"), held_on=(held_on or "").strip(),
                  venue=(venue or "").strip(), notes=(notes or "").strip(), created_by=by,
                  created_at=database.now())
    if conn is not None:
        return int(conn.execute(s.workshops.insert().values(**values)).inserted_primary_key[0])
    with project.write() as c:
        return int(c.execute(s.workshops.insert().values(**values)).inserted_primary_key[0])


def _one(project, conn, table, values: dict) -> int:
    if conn is not None:
        return int(conn.execute(table.insert().values(**values)).inserted_primary_key[0])
    with project.write() as c:
        return int(c.execute(table.insert().values(**values)).inserted_primary_key[0])


def add_attendee(project, workshop_id: int, role: str, community: str = "", organisation: str = "", n: int = 1,
                 conn=None) -> int:
    if int(n) < 1:
        raise ElcError(f"attendee count must be at least 1 (not {n})")
    return _one(project, conn, s.workshop_attendees, dict(
        workshop_id=int(workshop_id), role=_need(role, "an attendee's role"), community=(community or "").strip(),
        organisation=(organisation or "").strip(), n=int(n)))


def add_challenge(project, workshop_id: int, finding: str, response: str, text: str = "", raised_by: str = "",
                  by: str = "", conn=None) -> int:
    if response not in RESPONSES:
        raise ElcError(f"a response is one of {', '.join(RESPONSES)} (not '{response}')")
    return _one(project, conn, s.workshop_challenges, dict(
        workshop_id=int(workshop_id), finding=_need(finding, "the finding challenged"), response=response,
        raised_by=(raised_by or "").strip(), text=(text or "").strip(), recorded_by=_need(by, "who recorded it"),
        ts=database.now()))


def add_decision(project, change_id: int, decision: str, workshop_id: int | None = None,
                 merged_into: int | None = None, note: str = "", votes: int | None = None,
                 priority: int | None = None, owner: str = "", next_steps: str = "", by: str = "",
                 conn=None) -> int:
    """Record a decision on a change (append-only; it becomes the change's state)."""
    if decision not in DECISIONS:
        raise ElcError(f"a decision is one of {', '.join(DECISIONS)} (not '{decision}')")
    if decision == "merged" and merged_into is None:
        raise ElcError("a 'merged' decision names the change it was merged into")
    if merged_into is not None and int(merged_into) == int(change_id):
        raise ElcError("a change cannot be merged into itself")
    for what, v in (("votes", votes), ("priority", priority)):
        if v is not None and int(v) < 0:
            raise ElcError(f"{what} cannot be negative ({v})")
    return _one(project, conn, s.change_decisions, dict(
        change_id=int(change_id), workshop_id=workshop_id, decision=decision, merged_into=merged_into,
        note=(note or "").strip(), votes=votes, priority=priority, owner=(owner or "").strip(),
        next_steps=(next_steps or "").strip(), recorded_by=_need(by, "who recorded the decision"),
        ts=database.now()))


def add_codesign(project, change_id: int, who: str, what: str, held_on: str = "", by: str = "", conn=None) -> int:
    return _one(project, conn, s.codesign, dict(
        change_id=int(change_id), who=_need(who, "who co-designed"), what=_need(what, "what was co-designed"),
        held_on=(held_on or "").strip(), recorded_by=_need(by, "who recorded it"), ts=database.now()))


def delete_change_records(conn, change_id: int) -> None:
    """A change is being deleted: its decisions and co-design records go with it."""
    conn.execute(s.change_decisions.delete().where(s.change_decisions.c.change_id == change_id))
    conn.execute(s.change_decisions.update().where(s.change_decisions.c.merged_into == change_id)
                 .values(merged_into=None))
    conn.execute(s.codesign.delete().where(s.codesign.c.change_id == change_id))
