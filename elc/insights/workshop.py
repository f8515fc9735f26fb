"""The challenge workshop: who came, what they challenged, what they decided about each change.

Everything the room produces is one :class:`WorkshopRecord`; :func:`record` checks all of it
(one line per problem, :class:`WorkshopError`) and then commits all of it in one transaction,
audited with who recorded it. A decision changes the change's state (its latest decision):

* ``endorsed`` / ``rejected``: the change as written goes forward, or does not;
* ``amended``: the new title/rationale/requirements are applied to the change, and the old
  wording is kept in the decision's note (the audit trail);
* ``merged``: the change folds into another; the target gains its code and theme links;
* ``new``: a change raised in the room is created, then recorded as ``new``.

The CLI verbs, the workbench screen and the capture sheet all build records and call
:func:`record`; the single-item helpers (:func:`decide`, :func:`attend` ...) are shorthands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elc.errors import ElcError
from elc.insights.changes import _code_ids, changes as list_changes, resolve_change
from elc.insights.workshop_checks import (FindingResolver, WorkshopError, check_count, check_date, no_name,
                                          normalise_role)
from elc.store import changes as store, workshop as ws

DECISIONS = ws.DECISIONS
RESPONSES = ws.RESPONSES
#: Decisions that can be recorded on a change that already exists.
EXISTING_DECISIONS = ("endorsed", "amended", "merged", "rejected")


@dataclass
class AttendeeIn:
    role: str
    community: str = ""
    organisation: str = ""
    n: int | str | None = 1
    where: str = ""  # prefix for problems, e.g. "capture.xlsx: Attendees!A5: "


@dataclass
class ChallengeIn:
    finding: str  # change:ID|TITLE, cell:TOUCHPOINT|COMMUNITY, theme:LABEL, note:TEXT
    response: str  # agree | challenge | new-evidence
    text: str = ""
    raised_by: str = ""
    where: str = ""


@dataclass
class DecisionIn:
    change: int | str
    decision: str
    merged_into: int | str | None = None
    title: str | None = None  # amended wording
    rationale: str | None = None
    requirements: list[str] | None = None
    votes: int | str | None = None
    priority: int | str | None = None
    owner: str = ""
    next_steps: str = ""
    note: str = ""
    where: str = ""


@dataclass
class NewChangeIn:
    title: str
    rationale: str = ""
    requirements: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    votes: int | str | None = None
    priority: int | str | None = None
    owner: str = ""
    next_steps: str = ""
    note: str = ""
    where: str = ""


@dataclass
class CodesignIn:
    change: int | str
    who: str
    what: str
    held_on: str = ""
    where: str = ""


@dataclass
class WorkshopRecord:
    """What one workshop produced. ``workshop_id`` adds to an existing workshop; otherwise
    ``title`` (and ``held_on``, ``venue``, ``notes``) creates one (unless the record holds only
    decisions and co-design, which need no workshop)."""

    title: str = ""
    held_on: str = ""
    venue: str = ""
    notes: str = ""
    workshop_id: int | None = None
    attendees: list[AttendeeIn] = field(default_factory=list)
    challenges: list[ChallengeIn] = field(default_factory=list)
    decisions: list[DecisionIn] = field(default_factory=list)
    new_changes: list[NewChangeIn] = field(default_factory=list)
    codesign: list[CodesignIn] = field(default_factory=list)
    where: str = ""


@dataclass(frozen=True)
class RecordResult:
    workshop_id: int | None
    attendees: int
    challenges: int
    decisions: int
    new_change_ids: tuple[int, ...]
    codesign: int


def theme_labels(project) -> list[str]:
    """The labels of the latest theme run (what a ``theme:`` finding can name)."""
    from elc.insights.evidence import latest_theme_run

    run = latest_theme_run(project)
    if run is None or run["themes"].empty:
        return []
    col = "label" if "label" in run["themes"].columns else ("name" if "name" in run["themes"].columns else None)
    return [str(x) for x in run["themes"][col].dropna()] if col else []


def resolver(project) -> FindingResolver:
    return FindingResolver(project.programme, list_changes(project), theme_labels(project))


# ---------------------------------------------------------------------------- checking
@dataclass
class _Plan:
    """A record checked and resolved: what to write, with ids in place of references."""

    attendees: list[dict] = field(default_factory=list)
    challenges: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    new_changes: list[dict] = field(default_factory=list)
    codesign: list[dict] = field(default_factory=list)


class _Checker:
    def __init__(self, project, rec: WorkshopRecord):
        self.project, self.rec = project, rec
        self.problems: list[str] = []
        self.df = list_changes(project)
        self.res = FindingResolver(project.programme, self.df, theme_labels(project))
        self.titles = {t.lower(): int(i) for i, t in zip(self.df.id, self.df.title)}
        self.states = dict(zip(self.df.id.astype(int), self.df.state))
        self.plan = _Plan()

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}{message}")

    def attempt(self, where: str, fn, *args):
        try:
            return fn(*args), True
        except ElcError as exc:
            self.fail(where, str(exc))
            return None, False

    def run(self) -> _Plan:
        rec = self.rec
        if rec.workshop_id is not None:
            if int(rec.workshop_id) not in {w.id for w in ws.workshops(self.project)}:
                self.fail(rec.where, f"no workshop with id {rec.workshop_id} (see 'elc workshop show PROJECT')")
        elif (rec.attendees or rec.challenges) and not (rec.title or "").strip():
            self.fail(rec.where, "the workshop title is required")
        self.held_on, _ = self.attempt(rec.where, check_date, rec.held_on)
        for a in rec.attendees:
            self.attendee(a)
        new_titles = self.new_changes()
        for c in rec.challenges:
            self.challenge(c)
        self.decisions(new_titles)
        for co in rec.codesign:
            self.codesign(co, new_titles)
        if self.problems:
            raise WorkshopError(self.problems)
        return self.plan

    def attendee(self, a: AttendeeIn) -> None:
        role = normalise_role(a.role)
        if not role:
            self.fail(a.where, "an attendee's role is required")
        elif (p := no_name(a.role, "role")):
            self.fail(a.where, p)
        community = " ".join(str(a.community or "").split())
        if community:
            comm = self.res.communities.get(community.lower())
            if comm is None:
                self.fail(a.where, f"'{community}' is not a community of this programme "
                                   f"({', '.join(c.key for c in self.project.programme.communities)})")
            community = comm.key if comm else community
        n, ok = self.attempt(a.where, check_count, a.n if a.n not in (None, "") else 1, "number", 1)
        self.plan.attendees.append(dict(role=role, community=community, organisation=str(a.organisation or "").strip(),
                                        n=n or 1))

    def challenge(self, c: ChallengeIn) -> None:
        response = str(c.response or "").strip().lower().replace(" ", "-")
        if response not in RESPONSES:
            self.fail(c.where, f"'{c.response}' is not one of {', '.join(RESPONSES)}")
        finding, ok = self.attempt(c.where, self.res.resolve, c.finding)
        if (p := no_name(c.raised_by, "raised by")):
            self.fail(c.where, p)
        raised_by = normalise_role(c.raised_by) if c.raised_by else ""
        if ok:
            self.plan.challenges.append(dict(finding=finding.key, response=response, text=str(c.text or "").strip(),
                                             raised_by=raised_by))

    def _numbers(self, d) -> tuple[int | None, int | None]:
        votes, _ = self.attempt(d.where, check_count, d.votes, "votes", 0)
        priority, _ = self.attempt(d.where, check_count, d.priority, "priority", 1)
        return votes, priority

    def new_changes(self) -> dict[str, int]:
        """Titles of changes raised in the room (lower case -> index in the plan)."""
        out: dict[str, int] = {}
        for nc in self.rec.new_changes:
            title = " ".join(str(nc.title or "").split())
            if not title:
                self.fail(nc.where, "a new change needs a title")
                continue
            if title.lower() in self.titles or title.lower() in out:
                self.fail(nc.where, f"a change titled '{title}' already exists")
                continue
            codes, _ = self.attempt(nc.where, _code_ids, self.project, list(nc.codes or []))
            votes, priority = self._numbers(nc)
            out[title.lower()] = len(self.plan.new_changes)
            self.plan.new_changes.append(dict(
                title=title, rationale=str(nc.rationale or "").strip(), requirements=_texts(nc.requirements),
                code_ids=codes or [], votes=votes, priority=priority, owner=str(nc.owner or "").strip(),
                next_steps=str(nc.next_steps or "").strip(), note=str(nc.note or "").strip()))
        return out

    def _target(self, d: DecisionIn, new_titles: dict[str, int]):
        """The change a merge goes into: an existing id, or ('new', index) for a change raised in the room."""
        text = " ".join(str(d.merged_into).split())
        if text.lower() in new_titles:
            return ("new", new_titles[text.lower()])
        cid, ok = self.attempt(d.where, self.res.change, text)
        return cid if ok else None

    def decisions(self, new_titles: dict[str, int]) -> None:
        seen: set[int] = set()
        decided: dict[int, str] = {}
        rows = []
        for d in self.rec.decisions:
            cid, ok = self.attempt(d.where, self.res.change, d.change)
            decision = str(d.decision or "").strip().lower()
            if decision not in EXISTING_DECISIONS:
                hint = " ('new' is for a change raised in the room: add it as a new change)" if decision == "new" else ""
                self.fail(d.where, f"'{d.decision}' is not one of {', '.join(EXISTING_DECISIONS)}{hint}")
                ok = False
            if ok and cid in seen:
                self.fail(d.where, f"change {cid} is decided twice in this record")
                ok = False
            if ok:
                seen.add(cid)
                decided[cid] = decision
            rows.append((d, cid if ok else None, decision))
        for d, cid, decision in rows:
            votes, priority = self._numbers(d)
            item: dict[str, Any] = dict(change_id=cid, decision=decision, merged_into=None, votes=votes, priority=priority,
                        owner=str(d.owner or "").strip(), next_steps=str(d.next_steps or "").strip(),
                        note=str(d.note or "").strip(), amend={})
            has_merge = d.merged_into not in (None, "")
            if decision == "merged":
                if not has_merge:
                    self.fail(d.where, "a merged change names the change it was merged into")
                else:
                    item["merged_into"] = self._merge_target(d, cid, new_titles, decided)
            elif has_merge:
                self.fail(d.where, f"'merged into' goes with a 'merged' decision (this one is '{decision}')")
            item["amend"] = self._amend(d, cid, decision)
            if cid is not None:
                self.plan.decisions.append(item)

    def _merge_target(self, d, cid, new_titles, decided):
        target = self._target(d, new_titles)
        if target is None:
            return None
        if target == cid:
            self.fail(d.where, "a change cannot be merged into itself")
            return None
        if isinstance(target, int):
            state = decided.get(target, self.states.get(target))
            if state in ("merged", "rejected"):
                self.fail(d.where, f"change {target} cannot take a merge: it is {state}")
        return target

    def _amend(self, d: DecisionIn, cid, decision: str) -> dict:
        wording: dict[str, Any] = {k: v for k, v in (("title", d.title), ("rationale", d.rationale)) if v not in (None, "")}
        if d.requirements:
            wording["requirements"] = _texts(d.requirements)
        if decision != "amended":
            if wording:
                self.fail(d.where, f"amended wording goes with an 'amended' decision (this one is '{decision}')")
            return {}
        if not wording:
            self.fail(d.where, "an amended change needs its amended title, rationale or requirements")
            return {}
        if "title" in wording:
            wording["title"] = " ".join(str(wording["title"]).split())
            other = self.titles.get(wording["title"].lower())
            if other is not None and other != cid:
                self.fail(d.where, f"a change titled '{wording['title']}' already exists")
        return wording

    def codesign(self, c: CodesignIn, new_titles: dict[str, int]) -> None:
        text = " ".join(str(c.change).split())
        amended = {d["amend"]["title"].lower(): d["change_id"] for d in self.plan.decisions
                   if d["amend"].get("title")}
        if text.lower() in new_titles:
            cid = ("new", new_titles[text.lower()])
        elif text.lower() in amended:  # named by its wording as amended in this record
            cid = amended[text.lower()]
        else:
            cid, ok = self.attempt(c.where, self.res.change, text)
            if not ok:
                return
        who, what = " ".join(str(c.who or "").split()), " ".join(str(c.what or "").split())
        if not who or not what:
            self.fail(c.where, "co-design needs who (roles/organisations) and what they co-designed")
            return
        if (p := no_name(who, "who")):
            self.fail(c.where, p)
        held_on, _ = self.attempt(c.where, check_date, c.held_on)
        self.plan.codesign.append(dict(change_id=cid, who=who, what=what, held_on=held_on or ""))


def _texts(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in values.splitlines()]
    return [" ".join(str(v).split()) for v in values if str(v).strip()]


def check(project, rec: WorkshopRecord) -> None:
    """Raise :class:`WorkshopError` (one line per problem) unless ``rec`` can be recorded."""
    _Checker(project, rec).run()


# ---------------------------------------------------------------------------- writing
def _was(row: store.ChangeRow, reqs: list[str], amend: dict) -> str:
    parts = []
    if "title" in amend and amend["title"] != row.title:
        parts.append(f"title was '{row.title}'")
    if "rationale" in amend and amend["rationale"] != row.rationale:
        parts.append(f"rationale was '{row.rationale}'")
    if "requirements" in amend and amend["requirements"] != reqs:
        parts.append("requirements were: " + (" | ".join(reqs) or "none"))
    return "; ".join(parts) or "wording unchanged"


def record(project, rec: WorkshopRecord, by: str, after=None) -> RecordResult:
    """Check ``rec`` and commit all of it at once (or nothing), recorded by ``by``.

    ``after(conn, workshop_id)`` runs inside the same transaction (the capture sheet marks
    itself imported there, so a sheet is recorded and marked together or not at all)."""
    if not (by or "").strip():
        raise WorkshopError(["who is recording the workshop is required (--by NAME)"])
    plan = _Checker(project, rec).run()
    from elc.store.requirements import requirements_by_change

    reqs = {cid: [r.text for r in rs] for cid, rs in requirements_by_change(project).items()}
    with project.write() as conn:
        rows = {r.id: r for r in store.change_rows(project, conn)}
        taken = {r.title.lower() for r in rows.values()}
        wid = rec.workshop_id
        if wid is None and (rec.title or "").strip():
            wid = ws.add_workshop(project, rec.title, check_date(rec.held_on), rec.venue, rec.notes, by=by, conn=conn)
        for a in plan.attendees:
            assert wid is not None  # _Checker refuses attendees without a workshop title
            ws.add_attendee(project, wid, conn=conn, **a)
        new_ids = []
        for nc in plan.new_changes:
            if nc["title"].lower() in taken:  # added by someone else since the check
                raise WorkshopError([f"a change titled '{nc['title']}' already exists"])
            cid = store.insert_change(conn, nc["title"], nc["rationale"], by=by)
            store.set_requirements(conn, cid, nc["requirements"], by)
            store.link(conn, cid, nc["code_ids"], [])
            ws.add_decision(project, cid, "new", wid, None, nc["note"], nc["votes"], nc["priority"], nc["owner"],
                            nc["next_steps"], by, conn=conn)
            new_ids.append(cid)
        for c in plan.challenges:
            assert wid is not None  # _Checker refuses challenges without a workshop title
            ws.add_challenge(project, wid, c["finding"], c["response"], c["text"], c["raised_by"], by, conn=conn)
        for d in plan.decisions:
            _write_decision(project, conn, d, wid, new_ids, rows, reqs, by)
        for c in plan.codesign:
            cid = new_ids[c["change_id"][1]] if isinstance(c["change_id"], tuple) else c["change_id"]
            ws.add_codesign(project, cid, c["who"], c["what"], c["held_on"], by, conn=conn)
        if after is not None:
            after(conn, wid)
    return RecordResult(wid, len(plan.attendees), len(plan.challenges), len(plan.decisions) + len(new_ids),
                        tuple(new_ids), len(plan.codesign))


def _write_decision(project, conn, d: dict, wid, new_ids, rows, reqs, by) -> None:
    cid = d["change_id"]
    if cid not in rows:
        raise WorkshopError([f"change {cid} was removed while the workshop was being recorded"])
    note = d["note"]
    target = d["merged_into"]
    if isinstance(target, tuple):
        target = new_ids[target[1]]
    if d["decision"] == "amended":
        amend = d["amend"]
        was = _was(rows[cid], reqs.get(cid, []), amend)
        store.update_row(conn, cid, **{k: amend[k] for k in ("title", "rationale") if k in amend})
        if "requirements" in amend:
            store.set_requirements(conn, cid, amend["requirements"], by)
        note = f"{note} ({was})" if note else was
    elif d["decision"] == "merged":
        n = store.unite_links(conn, cid, target)
        merged = f"merged into change {target}; {n} code/theme link(s) added to it"
        note = f"{note} ({merged})" if note else merged
    ws.add_decision(project, cid, d["decision"], wid, target, note, d["votes"], d["priority"], d["owner"],
                    d["next_steps"], by, conn=conn)


# ---------------------------------------------------------------------------- one item at a time
def new_workshop(project, title: str, held_on: str = "", venue: str = "", notes: str = "", by: str = "") -> int:
    """Create a workshop record; returns its id."""
    if not (title or "").strip():
        raise WorkshopError(["a workshop title is required"])
    result = record(project, WorkshopRecord(title=title, held_on=held_on, venue=venue, notes=notes), by)
    assert result.workshop_id is not None  # a record with a title always creates its workshop
    return int(result.workshop_id)


def latest_workshop(project) -> int | None:
    """The most recently created workshop's id (None before the first)."""
    ids = [w.id for w in ws.workshops(project)]
    return max(ids) if ids else None


def _workshop(project, workshop_id) -> int:
    wid = workshop_id if workshop_id is not None else latest_workshop(project)
    if wid is None:
        raise WorkshopError(["no workshop recorded yet (create one with 'elc workshop new PROJECT TITLE')"])
    return int(wid)


def attend(project, role: str, community: str = "", organisation: str = "", n=1, workshop_id: int | None = None,
           by: str = "") -> RecordResult:
    wid = _workshop(project, workshop_id)
    return record(project, WorkshopRecord(workshop_id=wid, attendees=[AttendeeIn(role, community, organisation, n)]),
                  by)


def challenge(project, finding: str, response: str, text: str = "", raised_by: str = "",
              workshop_id: int | None = None, by: str = "") -> RecordResult:
    wid = _workshop(project, workshop_id)
    return record(project, WorkshopRecord(workshop_id=wid, challenges=[ChallengeIn(finding, response, text,
                                                                                  raised_by)]), by)


def decide(project, change, decision: str, by: str, workshop_id: int | None = None, **fields) -> RecordResult:
    """Record one decision (``fields``: merged_into, title, rationale, requirements, votes, priority,
    owner, next_steps, note). ``decision='new'`` creates the change titled ``change``."""
    wid = workshop_id if workshop_id is not None else latest_workshop(project)
    if str(decision).strip().lower() == "new":
        keep = {k: v for k, v in fields.items() if k in ("rationale", "requirements", "votes", "priority", "owner",
                                                         "next_steps", "note")}
        return record(project, WorkshopRecord(workshop_id=wid, new_changes=[NewChangeIn(str(change), **keep)]), by)
    return record(project, WorkshopRecord(workshop_id=wid, decisions=[DecisionIn(change, decision, **fields)]), by)


def set_decision_fields(project, change, by: str, **fields) -> RecordResult:
    """Change votes/priority/owner/next steps of a decided change, keeping its decision (a new,
    audited row; wording is not re-applied). A candidate cannot carry votes: decide it first."""
    unknown = set(fields) - {"votes", "priority", "owner", "next_steps"}
    if unknown:
        raise WorkshopError([f"cannot set {', '.join(sorted(unknown))} (votes, priority, owner, next_steps)"])
    if not (by or "").strip():
        raise WorkshopError(["who is recording it is required (--by NAME)"])
    cid = resolve_change(project, change)
    cur = ws.current_decisions(project).get(cid)
    if cur is None:
        raise WorkshopError([f"change {cid} has no decision yet; record one first (endorse, amend, merge, reject)"])
    values: dict[str, Any] = dict(votes=cur.votes, priority=cur.priority, owner=cur.owner, next_steps=cur.next_steps)
    values.update(fields)
    try:
        values["votes"] = check_count(values["votes"], "votes", 0)
        values["priority"] = check_count(values["priority"], "priority", 1)
    except ElcError as exc:
        raise WorkshopError([str(exc)]) from None
    with project.write() as conn:
        ws.add_decision(project, cid, cur.decision, cur.workshop_id, cur.merged_into,
                        "updated: " + ", ".join(sorted(fields)), values["votes"], values["priority"],
                        str(values["owner"] or "").strip(), str(values["next_steps"] or "").strip(), by, conn=conn)
    return RecordResult(cur.workshop_id, 0, 0, 1, (), 0)


def add_codesign(project, change, who: str, what: str, held_on: str = "", by: str = "") -> RecordResult:
    return record(project, WorkshopRecord(codesign=[CodesignIn(change, who, what, held_on)]), by)


__all__ = ["AttendeeIn", "ChallengeIn", "DecisionIn", "NewChangeIn", "CodesignIn", "WorkshopRecord", "RecordResult",
           "WorkshopError", "record", "check", "new_workshop", "latest_workshop", "attend", "challenge", "decide",
           "set_decision_fields", "add_codesign", "theme_labels", "resolver", "DECISIONS", "RESPONSES",
           "EXISTING_DECISIONS"]
