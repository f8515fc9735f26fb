"""Codebook edits: add, rename, move, merge, recolour, redefine, archive; undo of the last edit.

Codings point at code ids, so renaming or moving never touches them; merging re-points the
merged code's codings at the target (logged, so the history says which codings moved).
"""

from __future__ import annotations

import json

from elc.domain import CODE_KINDS, PALETTE
from elc.errors import CodingError
from elc.store import codebook as sql, database


UNDOABLE_EDITS = ("add", "rename", "colour", "define", "move", "merge")


class Codebook:
    def __init__(self, project, coder: str = "elc"):
        self.project = project
        self.coder = coder

    def _log(self, conn, action: str, code_id: int, payload: dict) -> None:
        sql.log_edit(conn, self.coder, action, code_id, payload)

    def _get(self, conn, code_id: int):
        row = sql.code_row(conn, code_id)
        if row is None or row["archived"]:
            raise CodingError(f"no code with id {code_id}")
        return row

    def _name_free(self, conn, name: str, except_id: int | None = None) -> str:
        name = name.strip()
        if not name:
            raise CodingError("a code needs a name")
        clash = sql.live_code_named(conn, name)
        if clash is not None and clash != except_id:
            raise CodingError(f"a code named '{name}' already exists")
        return name

    def add(self, name: str, kind: str = "theme", definition: str = "", colour: str | None = None,
            parent_id: int | None = None, keywords: tuple[str, ...] = ()) -> int:
        if kind not in CODE_KINDS:
            raise CodingError(f"unknown code kind '{kind}' (expected one of: {', '.join(CODE_KINDS)})")
        with self.project.engine.begin() as conn:
            name = self._name_free(conn, name)
            if parent_id is not None:
                self._get(conn, parent_id)
            position = sql.next_position(conn)
            cid = sql.insert_code(
                conn, name=name, kind=kind, parent_id=parent_id, position=position,
                colour=colour or PALETTE[position % len(PALETTE)], definition=definition,
                keywords=json.dumps(list(keywords)), created_at=database.now())
            self._log(conn, "add", cid, {"name": name, "kind": kind})
        return int(cid)

    def _set(self, action: str, code_id: int, **values) -> None:
        with self.project.engine.begin() as conn:
            row = self._get(conn, code_id)
            if "name" in values:
                values["name"] = self._name_free(conn, values["name"], code_id)
            sql.update_code(conn, code_id, **values)
            self._log(conn, action, code_id, {"before": {k: row[k] for k in values}, "after": values})

    def rename(self, code_id: int, name: str) -> None:
        self._set("rename", code_id, name=name)

    def recolour(self, code_id: int, colour: str) -> None:
        if not (colour.startswith("#") and len(colour) == 7):
            raise CodingError(f"colour '{colour}' should look like #RRGGBB")
        self._set("colour", code_id, colour=colour)

    def define(self, code_id: int, definition: str) -> None:
        self._set("define", code_id, definition=definition)

    def move(self, code_id: int, parent_id: int | None = None, position: int | None = None) -> None:
        values: dict = {"parent_id": parent_id}
        if parent_id is not None:
            if parent_id == code_id:
                raise CodingError("a code cannot be its own parent")
            with self.project.engine.connect() as conn:
                ancestor: int | None = parent_id
                while ancestor is not None:
                    if ancestor == code_id:
                        raise CodingError("that move would put a code inside itself")
                    ancestor = sql.parent_of(conn, ancestor)
        if position is not None:
            values["position"] = position
        self._set("move", code_id, **values)

    def merge(self, source_id: int, target_id: int) -> int:
        """Merge code ``source_id`` into ``target_id``; returns how many codings moved."""
        if source_id == target_id:
            raise CodingError("cannot merge a code into itself")
        with self.project.engine.begin() as conn:
            source = self._get(conn, source_id)
            self._get(conn, target_id)
            ancestor = sql.parent_of(conn, target_id)
            target_parent = sql.parent_of(conn, target_id)
            while ancestor is not None:  # merging a parent into its own sub-code: lift the sub-code first
                if ancestor == source_id:
                    sql.update_code(conn, target_id, parent_id=source["parent_id"])
                    break
                ancestor = sql.parent_of(conn, ancestor)
            moved = sql.coding_ids_of(conn, source_id)
            children = sql.children_of(conn, source_id)
            sql.repoint_codings(conn, source_id, target_id)
            sql.reparent_children(conn, source_id, target_id)
            sql.update_code(conn, source_id, archived=1, merged_into=target_id)
            self._log(conn, "merge", source_id, {"into": target_id, "codings": moved, "children": children,
                                                 "target_parent": target_parent})
        return len(moved)

    def archive(self, code_id: int) -> None:
        with self.project.engine.begin() as conn:
            self._get(conn, code_id)
            n = sql.active_codings(conn, code_id)
            if n:
                raise CodingError(f"code {code_id} still has {n} codings; merge it into another code instead")
            sql.update_code(conn, code_id, archived=1)
            self._log(conn, "archive", code_id, {})

    # ---------------------------------------------------------------- undo
    def _undoable(self, conn) -> list:
        """This coder's codebook edits not yet undone, oldest first."""
        rows = sql.edits_by(conn, self.coder)
        undone = {json.loads(r["payload"]).get("of") for r in rows if r["action"] == "undo"}
        return [r for r in rows if r["action"] in UNDOABLE_EDITS and r["id"] not in undone]

    def last_edit(self):
        """(log id, ts, action) of the edit :meth:`undo` would undo, or None."""
        with self.project.engine.connect() as conn:
            rows = self._undoable(conn)
        return (rows[-1]["id"], rows[-1]["ts"], rows[-1]["action"]) if rows else None

    def undo(self) -> dict | None:
        """Undo this coder's last codebook edit (add, rename, colour, define, move, merge); None if none is left.

        A merge is undone only while its codings have not been edited since: they go back to the
        merged code, which is restored with its sub-codes.
        """
        with self.project.engine.begin() as conn:
            rows = self._undoable(conn)
            if not rows:
                return None
            row = rows[-1]
            payload = json.loads(row["payload"])
            code_id = row["code_id"]
            if row["action"] == "add":
                n = sql.active_codings(conn, code_id)
                if n:
                    raise CodingError(f"the code added last has {n} codings now; remove them before undoing its creation")
                sql.update_code(conn, code_id, archived=1)
            elif row["action"] == "merge":
                sql.update_code(conn, code_id, archived=0, merged_into=None)
                if payload.get("codings"):
                    sql.restore_codings(conn, payload["codings"], payload["into"], code_id)
                if payload.get("children"):
                    sql.set_parents(conn, payload["children"], code_id)
                if "target_parent" in payload:
                    sql.update_code(conn, payload["into"], parent_id=payload["target_parent"])
            else:
                before = dict(payload.get("before", {}))
                if "name" in before:
                    before["name"] = self._name_free(conn, before["name"], code_id)
                sql.update_code(conn, code_id, **before)
            self._log(conn, "undo", code_id, {"of": row["id"], "action": row["action"]})
            return {"action": row["action"], "code_id": code_id}
