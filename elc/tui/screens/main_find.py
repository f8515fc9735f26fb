"""Finding on the coding screen: phrase search, the code filter, retrieval, others' codings, the codebook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from elc.tui.controller import OTHER_GLYPH
from elc.tui.screens.dialogs import PickerScreen
from elc.tui.screens.main_view import MainView

if TYPE_CHECKING:
    _Base = MainView
else:
    _Base = object


class FindActions(_Base):
    """Search, filter by code, retrieve passages, show others, edit the codebook."""

    # ------------------------------------------------------------------ find
    def action_search(self) -> None:
        from elc.tui.screens.search import SearchScreen

        query, hits, index = self.search_state or ("", None, 0)
        screen = SearchScreen(self.wb, query, hits, index + 1 if hits else 0)

        def done(hit) -> None:
            self.search_state = (screen._searched or "", screen.hits, getattr(screen, "index", 0))
            if hit is None:
                return
            self._go(hit.source_id, hit.start)
            self.transcript.set_match((hit.start, hit.end))
            self.say(f"“{hit.match}” ", (f"{getattr(screen, 'index', 0) + 1}/{len(screen.hits)}", "bold"))
            self.refresh_status()

        self.app.push_screen(screen, done)

    def set_code_filter(self, code_id: int | None) -> None:
        self.code_filter = code_id
        self._apply_filter()

    def _apply_filter(self, quiet: bool = False) -> None:
        t = self.transcript
        if self.code_filter is None or self.doc is None:
            t.set_filter(None)
            self.refresh_status()
            return
        ids = self.wb.descendants(self.code_filter)
        spans = [(c.start, c.end) for c in self.wb.codings(self.doc.id) if c.code_id in ids]
        visible = [s.index for s in self.doc.sentences if any(a < s.end and s.start < b for a, b in spans)]
        if not visible:
            if not quiet:
                code = self.wb.code(self.code_filter)
                self.app.notify(f"Nothing in this source is coded “{code.name if code else '?'}”. "
                                "Try r (retrieve) to see it across sources.", title="Filter")
            self.code_filter = None
            t.set_filter(None)
        else:
            t.set_filter(visible)
        self.refresh_status()

    def _pick_code_then(self, title: str, then) -> None:
        """Ask for a code (the selected coding's code highlighted), then call ``then(code_id)``."""
        c = self.selected_coding()

        def chosen(code_id) -> None:
            if isinstance(code_id, int) and code_id:
                then(code_id)

        self.app.push_screen(PickerScreen(title, self.wb.all_codes(), highlight=c.code_id if c else None), chosen)

    def action_filter_code(self) -> None:
        self._pick_code_then("Show only passages coded…", self.set_code_filter)

    def action_clear_filter(self) -> None:
        self.code_filter = None
        self._apply_filter()

    def open_retrieve(self, code_id: int) -> None:
        from elc.tui.screens.retrieve import RetrieveScreen

        def done(passage) -> None:
            if passage is None:
                return
            self._go(passage.source_id, passage.start)

        self.app.push_screen(RetrieveScreen(self.wb, code_id), done)

    def action_retrieve(self) -> None:
        self._pick_code_then("Retrieve passages for…", self.open_retrieve)

    # ------------------------------------------------------------------ view
    def action_toggle_others(self) -> None:
        self.wb.show_others = not self.wb.show_others
        self.wb.invalidate()
        others = sorted(set(self.wb.project.coders()) - {self.wb.coder})
        if self.wb.show_others:
            self.say("showing codings by ", (", ".join(others) or "nobody else yet", "bold"),
                     f" (hollow {OTHER_GLYPH['neutral']})")
        else:
            self.say("blind: only your codings")
        self.after_coding()
        self.refresh_detail()
        self.refresh_status()

    def action_edit_codebook(self) -> None:
        from elc.tui.screens.codebook import CodebookScreen

        def done(changed) -> None:
            self._refresh_colours()
            self.wb.invalidate()
            if self.doc is not None:
                self.transcript.set_codings(self.wb.codings(self.doc.id), self.colours)
            self.refresh_codebook()
            self.refresh_detail()

        self.app.push_screen(CodebookScreen(self.wb), done)

