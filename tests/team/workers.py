"""Processes for the concurrency tests: coders, readers and an importer on one project.

Each coder works through the workbench's own controller (:class:`elc.tui.controller.Workbench`)
and also opens the project a second time, as the workbench does for background work. Before an
action it appends an ``intent`` line to its log, after the action commits an ``ack`` line with the
coding's expected state (from a model of the coder's undo/redo stack). The checker replays the
logs: every acknowledged state must be the stored state. Lines are written with one ``os.write``
on an ``O_APPEND`` descriptor, so they survive ``kill -9`` of the writer.
"""

from __future__ import annotations

import json
import os
import random
import time


class Log:
    def __init__(self, path: str):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def write(self, **record) -> None:
        os.write(self.fd, (json.dumps(record, sort_keys=True) + "\n").encode("utf-8"))


class Model:
    """A coder's codings and undo/redo stacks, as the coder was told they are."""

    def __init__(self):
        self.state: dict[int, dict] = {}
        self.done: list[tuple] = []
        self.undone: list[tuple] = []

    def push(self, action: str, cid: int, before: dict, after: dict) -> None:
        self.done.append((action, cid, before, after))
        self.undone.clear()
        self.state.setdefault(cid, {}).update(after)

    def undo(self):
        if not self.done:
            return None
        top = self.done.pop()
        self.undone.append(top)
        self.state[top[1]].update(top[2])
        return top

    def redo(self):
        if not self.undone:
            return None
        top = self.undone.pop()
        self.done.append(top)
        self.state[top[1]].update(top[3])
        return top

    def active(self) -> list[int]:
        return [c for c, st in self.state.items() if st.get("active") == 1]


VALENCES = ("working-well", "to-improve", "neutral")


def coder(path: str, name: str, seed: int, seconds: float, log_path: str, max_ops: int = 10_000,
          codebook_edits: bool = True) -> None:
    """Apply, remove, revalence, undo and redo codings and edit the codebook until time is up."""
    from elc import open_project
    from elc.errors import CodingError
    from elc.tui.controller import Workbench

    rng = random.Random(seed)
    log = Log(log_path)
    project = open_project(path)
    background = open_project(path)  # as the workbench's refit thread does
    wb = Workbench(project, name)
    segs = [(int(r.source_id), int(r.start), int(r.end)) for r in
            project.segments(role="participant", with_text=False).itertuples()]
    codes = [c.id for c in wb.all_codes()][:12]
    model = Model()
    my_codes: dict[int, str] = {}
    deadline = time.monotonic() + seconds
    ops = 0
    log.write(kind="start", coder=name, pid=os.getpid())
    while time.monotonic() < deadline and ops < max_ops:
        ops += 1
        roll = rng.random()
        active = model.active()
        if roll < 0.45 or not active:
            sid, a, b = rng.choice(segs)
            code = rng.choice(codes + list(my_codes))
            valence = rng.choice(VALENCES)
            log.write(kind="intent", op="apply", source_id=sid, start=a, end=b, code_id=code)
            try:
                cid = wb.apply(sid, a, b, code, valence)
            except CodingError as exc:  # e.g. a code archived meanwhile
                log.write(kind="refused", op="apply", error=str(exc))
                continue
            if cid in model.state and model.state[cid].get("active") == 1:
                log.write(kind="ack", op="apply-again", cid=cid, state=model.state[cid])
                continue
            model.push("apply", cid, {"active": 0}, {"active": 1, "valence": valence})
            log.write(kind="ack", op="apply", cid=cid, state=model.state[cid])
        elif roll < 0.60:
            cid = rng.choice(active)
            view = _view(wb, cid)
            log.write(kind="intent", op="remove", cid=cid)
            wb.remove(view)
            model.push("remove", cid, {"active": 1}, {"active": 0})
            log.write(kind="ack", op="remove", cid=cid, state=model.state[cid])
        elif roll < 0.72:
            cid = rng.choice(active)
            new = rng.choice(VALENCES)
            old = model.state[cid]["valence"]
            log.write(kind="intent", op="valence", cid=cid)
            wb.set_valence(_view(wb, cid), new)
            if new != old:
                model.push("valence", cid, {"valence": old}, {"valence": new})
            log.write(kind="ack", op="valence", cid=cid, state=model.state[cid])
        elif roll < 0.84:
            expected = model.done[-1] if model.done else None
            log.write(kind="intent", op="undo", cid=expected[1] if expected else None)
            got = wb.undo()
            top = model.undo()
            _check_stack("undo", got, top, log)
            log.write(kind="ack", op="undo", cid=top[1] if top else None,
                      state=model.state[top[1]] if top else None)
        elif roll < 0.92:
            expected = model.undone[-1] if model.undone else None
            log.write(kind="intent", op="redo", cid=expected[1] if expected else None)
            got = wb.redo()
            top = model.redo()
            _check_stack("redo", got, top, log)
            log.write(kind="ack", op="redo", cid=top[1] if top else None,
                      state=model.state[top[1]] if top else None)
        elif codebook_edits and roll < 0.96:
            label = f"{name} theme {len(my_codes) + 1}"
            log.write(kind="intent", op="code-add", name=label)
            code_id = wb.add_code(label)
            my_codes[code_id] = label
            log.write(kind="ack", op="code-add", code_id=code_id, name=label)
        elif codebook_edits and my_codes:
            code_id = rng.choice(list(my_codes))
            label = f"{name} theme {code_id} renamed {ops}"
            log.write(kind="intent", op="code-rename", code_id=code_id, name=label)
            wb.rename_code(code_id, label)
            my_codes[code_id] = label
            log.write(kind="ack", op="code-rename", code_id=code_id, name=label)
        elif roll < 0.98:  # a background read on the second project, as a suggestion refit does
            background.codings(with_text=False)
            background.coders()
            log.write(kind="read")
        else:  # a short-lived project in the same process, as a theme run does
            with open_project(path) as again:
                again.codings(with_text=False)
            log.write(kind="read")
    log.write(kind="end", ops=ops, done=[[a, c] for a, c, _, _ in model.done],
              undone=[[a, c] for a, c, _, _ in model.undone])
    background.close()
    project.close()


def _view(wb, cid):
    loc = wb.coding_location(cid)
    for view in wb.codings(loc[0], refresh=True):
        if view.id == cid:
            return view
    raise AssertionError(f"coding {cid} is active in the model but not shown by the workbench")


def _check_stack(which: str, got, top, log: Log) -> None:
    want = None if top is None else {"action": top[0], "coding_id": top[1]}
    have = None if got is None else {"action": got["action"], "coding_id": got["coding_id"]}
    if want != have:
        log.write(kind="error", op=which, want=want, have=have)


def reader(path: str, seconds: float, log_path: str) -> None:
    """Short-lived API readers: open, read a few views, close, again."""
    from elc import open_project
    from elc.insights.status import status

    log = Log(log_path)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        project = open_project(path)
        try:
            project.codings(with_text=False)
            project.codes()
            status(project)
        finally:
            project.close()
        n += 1
    log.write(kind="reads", n=n)


def short_writer(path: str, name: str, seed: int, seconds: float, log_path: str) -> None:
    """An API script coding in bursts: open the project, apply one coding, close, again."""
    from elc import open_project
    from elc.coding import CodingSession

    rng = random.Random(seed)
    log = Log(log_path)
    model = Model()
    deadline = time.monotonic() + seconds
    ops = 0
    log.write(kind="start", coder=name, pid=os.getpid())
    while time.monotonic() < deadline:
        ops += 1
        with open_project(path) as project:
            segs = project.segments(role="participant", with_text=False)
            seg = segs.iloc[rng.randrange(len(segs))]
            code = int(project.codes().id.iloc[rng.randrange(8)])
            log.write(kind="intent", op="apply", source_id=int(seg.source_id), start=int(seg.start),
                      end=int(seg.end), code_id=code)
            cid = CodingSession(project, name).apply(int(seg.source_id), int(seg.start), int(seg.end), code)
            if not (cid in model.state and model.state[cid].get("active") == 1):
                model.push("apply", cid, {"active": 0}, {"active": 1, "valence": "neutral"})
            log.write(kind="ack", op="apply", cid=cid, state=model.state[cid])
    log.write(kind="end", ops=ops, done=[[a, c] for a, c, _, _ in model.done],
              undone=[[a, c] for a, c, _, _ in model.undone])
