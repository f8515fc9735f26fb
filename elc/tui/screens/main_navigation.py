"""Moving around the coding screen: sources, filters of the sources pane, the cursor, selections,
word mode and the next uncoded sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from elc.tui import keymap
from elc.tui.controller import PROGRESS
from elc.tui.screens.main_view import MainView, guarded
from elc.tui.widgets.panes import SourcesPane

if TYPE_CHECKING:
    _Base = MainView
else:
    _Base = object


class NavigationActions(_Base):
    """Source and cursor movement actions of the coding screen."""

    # ------------------------------------------------------------------ sources
    @guarded
    def open_source(self, source_id: int, offset: int | None = None) -> None:
        doc = self.wb.load(source_id)
        self.doc = doc
        self.source_id = source_id
        self.code_filter = None
        self.selected_coding_id = None
        cursor = doc.sentence_at(offset) if offset is not None else 0
        self.transcript.border_title = f"{doc.label} · {doc.community or 'no community'} · {doc.name}"
        self.transcript.set_document(doc, self.wb.codings(source_id), self.colours, cursor)
        self.query_one(SourcesPane).set_current(source_id)
        self.refresh_codebook()

    def _rows(self):
        return self.query_one(SourcesPane).rows

    def action_next_source(self, delta: int = 1) -> None:
        rows = self._rows()
        if not rows:
            return
        ids = [r.id for r in rows]
        i = ids.index(self.source_id) if self.source_id in ids else -1
        self.open_source(ids[(i + delta) % len(ids)])

    def action_prev_source(self) -> None:
        self.action_next_source(-1)

    def action_community_filter(self) -> None:
        keys = [None] + [k for k, _, _ in self.wb.communities]
        self.community_filter = keys[(keys.index(self.community_filter) + 1) % len(keys)]
        self.refresh_sources()

    def action_progress_filter(self) -> None:
        self.progress_filter = PROGRESS[(PROGRESS.index(self.progress_filter) + 1) % len(PROGRESS)]
        self.refresh_sources()

    def action_toggle_sources(self) -> None:
        pane = self.query_one(SourcesPane)
        pane.display = not pane.display

    def action_focus_sources(self) -> None:
        pane = self.query_one(SourcesPane)
        pane.display = True
        pane.query_one("#sources-list").focus()

    def action_focus_codebook(self) -> None:
        self.query_one("#codebook-list").focus()

    def action_focus_transcript(self) -> None:
        self.transcript.focus()

    # ------------------------------------------------------------------ movement
    def action_cursor_down(self) -> None:
        self.transcript.move(1)

    def action_cursor_up(self) -> None:
        self.transcript.move(-1)

    def action_turn_down(self) -> None:
        self.transcript.move_turn(1)

    def action_turn_up(self) -> None:
        self.transcript.move_turn(-1)

    def action_page_down(self) -> None:
        self.transcript.page(1)

    def action_page_up(self) -> None:
        self.transcript.page(-1)

    def action_first(self) -> None:
        self.transcript.move_edge(False)

    def action_last(self) -> None:
        self.transcript.move_edge(True)

    def _extend(self, delta: int) -> None:
        t = self.transcript
        if t.extend(delta):
            self._turn_edge = None
            return
        edge = (self.source_id, t.cursor, delta)
        if self._turn_edge == edge and t.extend(delta, cross_turn=True):
            self._turn_edge = None
            self.say("selection now spans two speakers")
            self.refresh_status()
            return
        nxt = t._step(t.cursor, delta)
        if nxt == t.cursor:
            return
        self._turn_edge = edge
        who = t.doc.sentences[nxt].speaker if t.doc else "the next speaker"
        key = "⇧↓" if delta > 0 else "⇧↑"
        self.say(f"end of this speaker's turn: {key} again to extend into {who}'s turn")
        self.refresh_status()

    def action_extend_down(self) -> None:
        self._extend(1)

    def action_extend_up(self) -> None:
        self._extend(-1)

    def action_select_turn(self) -> None:
        t = self.transcript
        if t.select_turn():
            s = t.sentence
            i, j = t.selection_range()
            self.say(f"selected {s.speaker}'s whole turn ({j - i + 1} sentence{'s' if j > i else ''})")
            self.refresh_status()

    def action_word_mode(self) -> None:
        if self.transcript.word_mode:
            self.transcript.clear_selection()
        else:
            self.transcript.enter_word_mode()

    def action_word_enter(self, key: str = "left") -> None:
        if self.transcript.enter_word_mode() and key == "right":
            self.transcript.move_word("start", 1)

    def action_word_start_left(self) -> None:
        self.transcript.move_word("start", -1)

    def action_word_start_right(self) -> None:
        self.transcript.move_word("start", 1)

    def action_word_end_left(self) -> None:
        self.transcript.move_word("end", -1)

    def action_word_end_right(self) -> None:
        self.transcript.move_word("end", 1)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in keymap.WORD_ACTIONS:
            return self.transcript.word_mode
        if action == "word_enter":
            return not self.transcript.word_mode
        return True

    def action_clear(self) -> None:
        t = self.transcript
        if t.clear_selection():
            return
        if t.match:
            t.set_match(None)
            return
        if self.code_filter is not None:
            self.action_clear_filter()
            return
        self.message = Text()
        self.refresh_status()

    def _go(self, source_id: int, offset: int) -> None:
        if source_id != self.source_id:
            self.open_source(source_id, offset)
        self.transcript.move_to_offset(offset)

    def action_next_uncoded(self, backwards: bool = False) -> None:
        s = self.transcript.sentence
        offset = s.start if s is not None else -1
        order = self.wb.source_order
        loc = self.wb.next_uncoded(self.source_id, offset, backwards=backwards, order=order)
        if loc is None:
            self.app.notify("Every participant sentence is coded. Well done.", title="Next uncoded")
            return
        self._go(*loc)

    def action_prev_uncoded(self) -> None:
        self.action_next_uncoded(backwards=True)

