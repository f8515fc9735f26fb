"""Codebook edits from the workbench: each commits at once through :class:`elc.coding.Codebook`
and drops the cached code lists."""

from __future__ import annotations

from elc.coding import Codebook
from elc.tui.controllers.state import WorkbenchState


class CodebookController:
    """Add, rename, recolour, define, move, merge, archive a code; undo the last edit."""

    def __init__(self, state: WorkbenchState, codebook: Codebook):
        self.state = state
        self.codebook = codebook

    def add_code(self, name: str, kind: str = "theme", parent_id: int | None = None, definition: str = "",
                 colour: str | None = None) -> int:
        cid = self.codebook.add(name, kind, definition, colour, parent_id)
        self.state.codebook_changed()
        return cid

    def rename_code(self, code_id: int, name: str) -> None:
        self.codebook.rename(code_id, name)
        self.state.codebook_changed()

    def recolour_code(self, code_id: int, colour: str) -> None:
        self.codebook.recolour(code_id, colour)
        self.state.codebook_changed()

    def define_code(self, code_id: int, definition: str) -> None:
        self.codebook.define(code_id, definition)
        self.state.codebook_changed()

    def move_code(self, code_id: int, parent_id: int | None) -> None:
        self.codebook.move(code_id, parent_id)
        self.state.codebook_changed()

    def merge_code(self, code_id: int, into_id: int) -> int:
        """Merge ``code_id`` into ``into_id`` (into one of its own sub-codes too: the library lifts it)."""
        n = self.codebook.merge(code_id, into_id)
        self.state.codebook_changed()
        self.state.codings.clear()
        return n

    def undo_codebook_edit(self) -> dict | None:
        result = self.codebook.undo()
        self.state.codebook_changed()
        self.state.codings.clear()
        return result

    def archive_code(self, code_id: int) -> None:
        self.codebook.archive(code_id)
        self.state.codebook_changed()

