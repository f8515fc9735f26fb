"""Coding as a log of actions: apply, remove, change valence, memo, undo, redo.

Every call commits one transaction that updates the current ``codings`` row and appends to
``coding_actions``; nothing is held in memory, so a killed process loses nothing. Undo and redo
are themselves logged actions, scoped to one coder, so they work across restarts.
"""

from __future__ import annotations

import json

from elc.domain import VALENCES
from elc.errors import CodingError
from elc.store import codings as sql, database

UNDOABLE = ("apply", "remove", "valence", "memo", "move")


def default_coder(fallback: str = "coder") -> str:
    """``$ELC_CODER``, else the login name, else ``fallback``."""
    import getpass
    import os

    name = os.environ.get("ELC_CODER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or fallback
    except (KeyError, OSError):
        return fallback


def _state(row) -> dict:
    return {"active": row["active"], "valence": row["valence"], "memo": row["memo"],
            "start": row["start"], "end": row["end"]}


class CodingSession:
    """One coder's coding actions on a project."""

    def __init__(self, project, coder: str):
        if not coder or not coder.strip():
            raise CodingError("a coder name is needed (e.g. --coder alice)")
        self.project = project
        self.coder = coder.strip()

    # ---------------------------------------------------------------- helpers
    def _log(self, conn, action: str, coding_id: int | None, before: dict, after: dict,
             target: int | None = None) -> int:
        return sql.log_action(conn, self.coder, action, coding_id, before, after, target)

    def _coding(self, conn, coding_id: int):
        row = sql.coding_row(conn, coding_id)
        if row is None:
            raise CodingError(f"no coding with id {coding_id}")
        return row

    @staticmethod
    def _check_valence(valence: str) -> str:
        if valence not in VALENCES:
            raise CodingError(f"unknown valence '{valence}' (expected one of: {', '.join(VALENCES)})")
        return valence

    # ---------------------------------------------------------------- actions
    def apply(self, source_id: int, start: int, end: int, code_id: int, valence: str = "neutral",
              memo: str = "", origin: str = "manual") -> int:
        """Code the span [start, end) of a source. Returns the coding id."""
        self._check_valence(valence)
        text = self.project.source_text(source_id)
        if not (0 <= start < end <= len(text)):
            raise CodingError(f"span {start}-{end} is outside source {source_id} (length {len(text)})")
        with self.project.engine.begin() as conn:
            code = sql.code_state(conn, code_id)
            if code is None or code.archived:
                raise CodingError(f"no code with id {code_id}")
            dup = sql.active_coding_at(conn, source_id, start, end, code_id, self.coder)
            if dup is not None:
                return dup
            ts = database.now()
            cid = sql.insert_coding(
                conn, source_id=source_id, start=start, end=end, code_id=code_id, valence=valence, coder=self.coder,
                memo=memo, origin=origin, created_at=ts, updated_at=ts, active=1)
            self._log(conn, "apply", cid, {"active": 0}, {"active": 1, "valence": valence, "memo": memo,
                                                          "code_id": code_id, "origin": origin})
        return int(cid)

    def _update(self, action: str, coding_id: int, **values) -> None:
        with self.project.engine.begin() as conn:
            row = self._coding(conn, coding_id)
            if row["coder"] != self.coder:
                raise CodingError(f"coding {coding_id} belongs to {row['coder']}; only they can change it")
            before = {k: row[k] for k in values}
            if before == values:
                return
            sql.update_coding(conn, coding_id, **values)
            self._log(conn, action, coding_id, before, values)

    def remove(self, coding_id: int) -> None:
        self._update("remove", coding_id, active=0)

    def set_valence(self, coding_id: int, valence: str) -> None:
        self._update("valence", coding_id, valence=self._check_valence(valence))

    def set_memo(self, coding_id: int, memo: str) -> None:
        self._update("memo", coding_id, memo=memo)

    def resize(self, coding_id: int, start: int, end: int) -> None:
        with self.project.engine.connect() as conn:
            row = self._coding(conn, coding_id)
        text = self.project.source_text(row["source_id"])
        if not (0 <= start < end <= len(text)):
            raise CodingError(f"span {start}-{end} is outside the source")
        self._update("move", coding_id, start=start, end=end)

    # ---------------------------------------------------------------- undo / redo
    def _stack(self, conn) -> tuple[list, list]:
        """(undoable, redoable) action rows for this coder, derived from the log."""
        rows = sql.actions_by(conn, self.coder)
        done: list = []
        undone: list = []
        for r in rows:
            if r["action"] in UNDOABLE:
                done.append(r)
                undone.clear()
            elif r["action"] == "undo" and done:
                undone.append(done.pop())
            elif r["action"] == "redo" and undone:
                done.append(undone.pop())
        return done, undone

    def _restore(self, conn, action_row, which: str) -> None:
        values = json.loads(action_row[which])
        values = {k: v for k, v in values.items() if k in ("active", "valence", "memo", "start", "end")}
        sql.update_coding(conn, action_row["coding_id"], **values)

    def undo(self) -> dict | None:
        """Undo this coder's last action; returns what was undone, or None if nothing is left."""
        with self.project.engine.begin() as conn:
            done, _ = self._stack(conn)
            if not done:
                return None
            target = done[-1]
            self._restore(conn, target, "before")
            self._log(conn, "undo", target["coding_id"], json.loads(target["after"]),
                      json.loads(target["before"]), target["id"])
            return {"action": target["action"], "coding_id": target["coding_id"]}

    def redo(self) -> dict | None:
        with self.project.engine.begin() as conn:
            _, undone = self._stack(conn)
            if not undone:
                return None
            target = undone[-1]
            self._restore(conn, target, "after")
            self._log(conn, "redo", target["coding_id"], json.loads(target["before"]),
                      json.loads(target["after"]), target["id"])
            return {"action": target["action"], "coding_id": target["coding_id"]}

    def last_undoable_ts(self) -> str | None:
        """When this coder's action that :meth:`undo` would undo was done (None if nothing is left)."""
        with self.project.engine.connect() as conn:
            done, _ = self._stack(conn)
        return done[-1]["ts"] if done else None

    def history(self):
        return sql.history(self.project, self.coder)
