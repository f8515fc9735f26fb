"""Replay the coders' logs against the stored project: acknowledged = stored, stacks intact."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Counts:
    processes: int = 0
    operations: int = 0
    acknowledged: int = 0
    acknowledged_codings: int = 0
    stored_codings: int = 0
    killed: int = 0
    problems: list[str] = field(default_factory=list)


def read_log(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut by kill -9 mid-write (never seen: one os.write)
            out.append({"kind": "torn"})
    return out


def check(db_path: Path, logs: dict[str, Path], killed: set[str] = frozenset(), engine=None) -> Counts:
    """Compare each coder's acknowledged codings, codes and undo stack with the database.

    ``engine``: a SQLAlchemy engine for a server database (default: the SQLite file)."""
    counts = Counts(processes=len(logs), killed=len(killed))
    if engine is None:
        db = sqlite3.connect(db_path)
        rows = db.execute("SELECT id, coder, active, valence, source_id, start, end, code_id FROM codings").fetchall()
        codes = dict(db.execute("SELECT id, name FROM codes").fetchall())
        actions = db.execute("SELECT coder, action, coding_id FROM coding_actions ORDER BY id").fetchall()
        db.close()
    else:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql('SELECT id, coder, active, valence, source_id, start, "end", code_id '
                                        "FROM codings").fetchall()
            codes = dict(conn.exec_driver_sql("SELECT id, name FROM codes").fetchall())
            actions = conn.exec_driver_sql("SELECT coder, action, coding_id FROM coding_actions ORDER BY id").fetchall()
    by_coder: dict[str, dict[int, tuple]] = {}
    for r in rows:
        by_coder.setdefault(r[1], {})[int(r[0])] = tuple(r[2:])
    counts.stored_codings = sum(1 for r in rows if r[1] in logs)
    for coder, path in logs.items():
        lines = read_log(path)
        expected: dict[int, dict] = {}
        code_names: dict[int, str] = {}
        pending = None
        end = None
        for rec in lines:
            kind = rec.get("kind")
            if kind == "intent":
                pending = rec
            elif kind == "ack":
                counts.acknowledged += 1
                pending = None
                if rec.get("cid") is not None and rec.get("state") is not None:
                    expected[int(rec["cid"])] = rec["state"]
                if rec.get("code_id") is not None:
                    code_names[int(rec["code_id"])] = rec["name"]
            elif kind == "refused":
                pending = None
            elif kind == "end":
                end = rec
                counts.operations += int(rec["ops"])
            elif kind in ("error", "torn"):
                counts.problems.append(f"{coder}: {rec}")
        if end is None and coder not in killed:
            counts.problems.append(f"{coder}: did not finish")
        if end is None:
            counts.operations += sum(1 for r in lines if r.get("kind") == "intent")
        counts.acknowledged_codings += len(expected)
        stored = by_coder.get(coder, {})
        loose = {int(pending["cid"])} if pending and pending.get("cid") is not None and coder in killed else set()
        for cid, state in expected.items():
            row = stored.get(cid)
            if row is None:
                counts.problems.append(f"{coder}: acknowledged coding {cid} is missing")
                continue
            if cid in loose:
                continue
            if row[0] != state["active"] or ("valence" in state and row[1] != state["valence"]):
                counts.problems.append(f"{coder}: coding {cid} stored as active={row[0]} {row[1]}, "
                                       f"acknowledged as {state}")
        extra = set(stored) - set(expected)
        allowed_extra = 1 if (coder in killed and pending and pending.get("op") == "apply") else 0
        if len(extra) > allowed_extra:
            counts.problems.append(f"{coder}: {len(extra)} stored codings were never acknowledged")
        for code_id, name in code_names.items():
            if codes.get(code_id) != name and not (coder in killed and pending and pending.get("code_id") == code_id):
                counts.problems.append(f"{coder}: code {code_id} is '{codes.get(code_id)}', acknowledged as '{name}'")
        if end is not None:
            done, undone = _stack([a for a in actions if a[0] == coder])
            if done != [tuple(x) for x in end["done"]] or undone != [tuple(x) for x in end["undone"]]:
                counts.problems.append(f"{coder}: undo stack differs (stored {len(done)}/{len(undone)}, "
                                       f"acknowledged {len(end['done'])}/{len(end['undone'])})")
    return counts


def _stack(actions) -> tuple[list[tuple], list[tuple]]:
    """The coder's undo/redo stacks from the action log (as CodingSession derives them)."""
    done: list[tuple] = []
    undone: list[tuple] = []
    for _, action, cid in actions:
        if action in ("apply", "remove", "valence", "memo", "move"):
            done.append((action, cid))
            undone.clear()
        elif action == "undo" and done:
            undone.append(done.pop())
        elif action == "redo" and undone:
            done.append(undone.pop())
    return done, undone
