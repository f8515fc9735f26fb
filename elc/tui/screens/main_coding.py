"""Coding actions of the coding screen: apply, pick, valence, memo, remove, resize, undo/redo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from elc.errors import ElcError
from elc.tui.controller import VALENCE_GLYPH, VALENCE_LABEL, CodingView
from elc.tui.screens.dialogs import NEW_CODE, PickerScreen
from elc.tui.screens.main_view import MainView, guarded

if TYPE_CHECKING:
    _Base = MainView
else:
    _Base = object


class CodingActions(_Base):
    """What the coding keys do; every change commits at once through the workbench."""

    # ------------------------------------------------------------------ coding
    @guarded
    def apply_code(self, code_id: int) -> int | None:
        t = self.transcript
        span = t.selection_span()
        if self.doc is None or span is None:
            self.app.notify("Open a source first.", severity="warning")
            return None
        cid = self.wb.apply(self.doc.id, span[0], span[1], code_id, self.default_valence)
        self.target(cid)
        code = self.wb.code(code_id)
        self.say("applied ", ("  ", f"on {code.colour}"), " ", (code.name, "bold"), f" {VALENCE_GLYPH[self.default_valence]}")
        self.after_coding()
        return cid

    def action_apply_number(self, n: int) -> None:
        for c in self.pane_codes:
            if c.number == int(n):
                self.apply_code(c.id)
                return
        self.app.notify(f"No code has the number {n} here.", severity="warning")

    def action_pick_code(self) -> None:
        if self.doc is None:
            return
        last = self.selected_coding()

        def chosen(result) -> None:
            if result is None or result == 0:
                return
            if isinstance(result, str) and result.startswith(NEW_CODE):
                name = result[len(NEW_CODE):]
                try:
                    code_id = self.wb.add_code(name, "theme")
                except ElcError as exc:
                    self.app.notify(str(exc), severity="error")
                    return
                self._refresh_colours()
                self.transcript.set_codings(self.wb.codings(self.doc.id), self.colours)
                self.apply_code(code_id)
            else:
                self.apply_code(int(result))

        self.app.push_screen(PickerScreen("Apply code", self.wb.codes(self.doc.family) + [
            c for c in self.wb.all_codes() if c.id not in {p.id for p in self.wb.codes(self.doc.family)}],
            highlight=last.code_id if last else None, allow_new=True), chosen)

    def _own_selected(self, verb: str) -> CodingView | None:
        c = self.selected_coding()
        if c is None:
            self.app.notify(f"No coding here to {verb}: apply a code first.", severity="warning")
            return None
        if not c.own:
            self.app.notify(f"That coding belongs to {c.coder}; you can only {verb} your own.", severity="warning")
            return None
        return c

    def target(self, coding_id: int | None) -> None:
        """Make ``coding_id`` the one valence keys act on, for as long as the selection stays put."""
        self.selected_coding_id = coding_id
        self._valence_target = (coding_id, self.transcript.moves) if coding_id is not None else None

    def valence_target(self) -> CodingView | None:
        """The coding just applied, accepted or chosen with . / , (never one merely lying under the cursor)."""
        if self._valence_target is None:
            return None
        cid, moves = self._valence_target
        if moves != self.transcript.moves:
            return None
        return next((c for c in self._seg_codings if c.id == cid and c.own), None)

    @guarded
    def _valence(self, valence: str) -> None:
        self.default_valence = valence
        c = self.valence_target()
        if c is not None:
            if c.valence != valence:
                self.wb.set_valence(c, valence)
                self.after_coding()
                self._valence_target = (c.id, self.transcript.moves)
            code = self.wb.code(c.code_id)
            self.say(f"{VALENCE_GLYPH[valence]} ", (code.name if code else "", "bold"),
                     f": {VALENCE_LABEL[valence]} (and the next code)")
        elif any(x.own for x in self._seg_codings):
            self.say(f"next code {VALENCE_GLYPH[valence]} {VALENCE_LABEL[valence]} · "
                     "to change a coding here, choose it with . first")
        else:
            self.say(f"next code {VALENCE_GLYPH[valence]} {VALENCE_LABEL[valence]}")
        self.refresh_detail()
        self.refresh_status()

    def action_valence_good(self) -> None:
        self._valence("working-well")

    def action_valence_bad(self) -> None:
        self._valence("to-improve")

    def action_valence_neutral(self) -> None:
        self._valence("neutral")

    def action_memo(self) -> None:
        """A memo on the selected coding; with no coding here, on the interview."""
        from elc.tui.screens.memos import MemoScreen

        if self.doc is None:
            self.app.notify("Open a source first.", severity="warning")
            return
        c = self.selected_coding()
        if c is None or not c.own:
            if c is not None:
                self.say(f"that coding is {c.coder}'s: memo on the interview instead")
            self.edit_memo("source", str(self.doc.id))
            return
        code = self.wb.code(c.code_id)

        @guarded
        def done(self, text: str | None) -> None:
            if text is None or text.strip() == c.memo:
                return
            self.wb.set_memo(c, text.strip())
            self.say("memo saved on ", (code.name if code else "", "bold"))
            self.after_coding()
            self.refresh_detail()
            self.refresh_status()

        self.app.push_screen(MemoScreen(f"Memo on the coding “{code.name if code else c.code_id}”", c.memo),
                             lambda text: done(self, text))

    def edit_memo(self, kind: str, target: str, after=None) -> None:
        """Open this coder's memo on the project / a source / a participant / a code in the editor."""
        from elc.tui.screens.memos import MemoScreen

        labels = {"project": "the project", "source": f"interview {self.doc.label}" if self.doc else "the interview",
                  "participant": f"participant {target}"}
        if kind == "code":
            code = self.wb.code(int(target))
            labels["code"] = f"code “{code.name if code else target}”"
        current = self.wb.memo_on(kind, target)

        @guarded
        def done(self, text: str | None) -> None:
            if text is not None and text.strip() != current.strip():
                self.wb.set_memo_on(kind, target, text.strip())
                self.say(f"memo {'saved' if text.strip() else 'deleted'} on {labels[kind]}")
                self.refresh_status()
            if after is not None:
                after()

        self.app.push_screen(MemoScreen(f"Memo on {labels[kind]}", current), lambda text: done(self, text))

    def action_memos(self) -> None:
        from elc.tui.screens.memos import MemosScreen

        self.app.push_screen(MemosScreen(self))

    @guarded
    def action_remove(self) -> None:
        c = self._own_selected("remove")
        if c is None:
            return
        self.wb.remove(c)
        code = self.wb.code(c.code_id)
        self.say("removed ", (code.name if code else "", "bold"), " (u undoes)")
        self.selected_coding_id = None
        self.after_coding()

    @guarded
    def action_resize(self) -> None:
        c = self._own_selected("resize")
        span = self.transcript.selection_span()
        if c is None or span is None:
            return
        if (c.start, c.end) == span:
            self.app.notify("The coding already covers exactly the selection: select more (⇧↓) or fewer words (w).",
                            title="Resize")
            return
        self.wb.resize(c, *span)
        code = self.wb.code(c.code_id)
        self.say("resized ", (code.name if code else "", "bold"), " to the selection")
        self.after_coding()

    def action_next_coding(self, delta: int = 1) -> None:
        codings = self._seg_codings
        if not codings:
            return
        ids = [c.id for c in codings]
        i = ids.index(self.selected_coding_id) if self.selected_coding_id in ids else 0
        self.target(ids[(i + delta) % len(ids)])
        self.refresh_detail()

    def action_prev_coding(self) -> None:
        self.action_next_coding(-1)

    @guarded
    def _undo_redo(self, which: str) -> None:
        result = self.wb.undo_latest() if which == "undo" else self.wb.redo()
        if result is None:
            self.app.notify(f"Nothing to {which}.", title=which.capitalize())
            return
        if result.get("codebook"):
            self.say(f"{which}: {result['action']} ", (result.get("name", ""), "bold"))
            self.after_analysis()  # codes (and codings, for a merge) changed: show them
            return
        sid = result.get("source_id")
        code = self.wb.code(result.get("code_id")) if result.get("code_id") else None
        self.say(f"{which}: {result['action']} ", (code.name if code else "", "bold"))
        if sid is not None and sid != self.source_id:
            self.open_source(sid, result.get("start"))
        self.after_coding(sid)
        if sid is not None and result.get("start") is not None:
            t = self.transcript
            span = t.selection_span()
            if not (span and span[0] <= result["start"] < span[1]):
                t.move_to_offset(result["start"], center=False)
        self.selected_coding_id = result.get("coding_id")
        self.refresh_detail()
        self.refresh_status()

    def action_undo(self) -> None:
        self._undo_redo("undo")

    def action_redo(self) -> None:
        self._undo_redo("redo")

