"""The coding screen: sources, transcript, codebook, segment detail and footer.

Actions here translate keys into calls on :class:`~elc.tui.controller.Workbench` (which commits
through ``elc.coding``) and then tell the panes what changed. ``ElcError`` from the library is
shown as a notification, never raised.
"""

from __future__ import annotations

from functools import wraps

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from elc.errors import ElcError
from elc.tui import keymap
from elc.tui.controller import (
    OTHER_GLYPH, PROGRESS, VALENCE_GLYPH, VALENCE_LABEL, CodeView, CodingView, Workbench,
)
from elc.tui.screens.dialogs import NEW_CODE, ChoiceScreen, PickerScreen, PromptScreen
from elc.tui.widgets.panes import CodebookPane, DetailPane, KeyBar, SourcesPane, StatusBar, add_swatch
from elc.tui.widgets.transcript import TranscriptView


def guarded(fn):
    """Show library errors (ElcError) as notifications instead of crashing."""

    @wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title="elc")
            return None

    return wrapper


class MainScreen(Screen):
    BINDINGS = keymap.bindings("main")
    AUTO_FOCUS = "#transcript"

    def __init__(self, wb: Workbench, source_id: int | None = None) -> None:
        super().__init__()
        self.wb = wb
        self.start_source = source_id
        self.source_id: int | None = None
        self.doc = None
        self.default_valence = "neutral"
        self.selected_coding_id: int | None = None
        self.code_filter: int | None = None
        self.community_filter: str | None = None
        self.progress_filter = "all"
        self.pane_codes: list[CodeView] = []
        self.colours: dict[int, str] = {}
        self.search_state: tuple[str, list, int] | None = None
        self.message = Text()
        self._turn_edge: tuple | None = None  # (source, cursor, direction) of a refused cross-turn extend
        self._valence_target: tuple[int, int] | None = None  # (coding, transcript moves) that + - = act on

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="body"):
            yield SourcesPane(id="sources")
            yield TranscriptView(id="transcript")
            with Vertical(id="side"):
                yield CodebookPane(id="codebook")
                yield DetailPane(id="detail")
        yield KeyBar(id="keybar")

    NARROW = 110  # below this width (80x24 terminals) the sources pane folds away (ctrl+b brings it back)

    def on_resize(self, event) -> None:
        # the transcript gets most of a wide terminal; the side panes grow a little with it
        width = event.size.width
        narrow = width < self.NARROW
        side = max(26, min(32, width * 36 // 100)) if narrow else max(34, min(52, width * 30 // 100))
        self.query_one("#side").styles.width = side
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self.query_one(SourcesPane).display = not narrow
            self.refresh_status()

    @property
    def transcript(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    def on_mount(self) -> None:
        self.query_one("#transcript").border_title = "Transcript"
        self._refresh_colours()
        self.refresh_sources()
        start = self.start_source
        if start is None:
            rows = self.wb.source_rows()
            todo = [r for r in rows if r.status != "done"]
            start = (todo or rows)[0].id if rows else None
        if start is not None:
            self.open_source(start)
            if self.wb.uncoded(start) and self.start_source is None:
                first = self.wb.uncoded(start)[0][0]
                self.transcript.move_to_offset(first)
        else:
            self.transcript.empty_message = (f"No transcripts in this project yet: import some with "
                                             f"'elc import {self.wb.project.location} FILES --community KEY'.")
            self.refresh_codebook()
            self.refresh_detail()
            self.refresh_status()

    def _refresh_colours(self) -> None:
        self.colours = {c.id: c.colour for c in self.wb.all_codes()}

    # ------------------------------------------------------------------ refreshers
    def refresh_sources(self) -> None:
        rows = self.wb.source_rows(self.community_filter, self.progress_filter)
        self.query_one(SourcesPane).set_rows(rows, self.source_id, self.community_filter, self.progress_filter)

    def refresh_codebook(self) -> None:
        family = self.doc.family if self.doc else None
        self.pane_codes = self.wb.codes(family)
        on_seg = {c.code_id for c in self._seg_codings}
        self.query_one(CodebookPane).set_codes(self.pane_codes, family, on_seg)

    def segment_codings(self) -> list[CodingView]:
        """Visible codings overlapping the selection (own first)."""
        if not self.doc:
            return []
        span = self.transcript.selection_span()
        if not span:
            return []
        seg = self.transcript.segments_span() or span
        a, b = (span if self.transcript.word_mode else seg)
        return [c for c in self.wb.codings(self.doc.id) if c.start < b and a < c.end]

    @property
    def _seg_codings(self) -> list[CodingView]:
        # computed on demand, never cached: a key pressed before the panes repaint sees the new state
        return self.segment_codings()

    def selected_coding(self) -> CodingView | None:
        codings = self._seg_codings
        for c in codings:
            if c.id == self.selected_coding_id:
                return c
        return codings[0] if codings else None

    def refresh_detail(self) -> None:
        t = self.transcript
        seg_codings = self._seg_codings
        selected = self.selected_coding()
        if selected is not None:
            self.selected_coding_id = selected.id
        sentence = t.sentence
        suggestions = []
        if sentence is not None:
            try:
                suggestions = self.wb.suggestions(sentence)
            except ElcError:
                suggestions = []
        i, j = t.selection_range()
        names = self.wb.code_map()
        self.query_one(DetailPane).show(
            self.doc, sentence, t.selection_span(), j - i + 1, t.word_mode, seg_codings,
            seg_codings.index(selected) if selected in seg_codings else None, names, suggestions,
            self.default_valence)

    def refresh_status(self) -> None:
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(" elc ", style="bold reverse")
        t.append(f" {self.wb.coder} ", style="bold")
        if self.doc is not None:
            row = self.wb.source_row(self.doc.id)
            t.append("│ ", style="dim")
            t.append(row.label, style="bold")
            t.append(f" {row.community or '-'} · {row.n_coded}/{row.n_segments} coded ({row.share:.0%}) ")
        t.append("│ ", style="dim")
        t.append("next code " + VALENCE_GLYPH[self.default_valence] + " " + VALENCE_LABEL[self.default_valence] + " ")
        t.append("│ ", style="dim")
        t.append("all coders" if self.wb.show_others else "own codings (blind)",
                 style="bold" if self.wb.show_others else "")
        tv = self.transcript
        if tv.word_mode:
            t.append(" │ ", style="dim")
            t.append("WORDS ←→ start ⇧←→ end", style="bold reverse")
        elif tv.sel_anchor is not None:
            i, j = tv.selection_range()
            t.append(" │ ", style="dim")
            t.append(f"{j - i + 1} sentences", style="bold")
        if self.code_filter is not None:
            code = self.wb.code(self.code_filter)
            t.append(" │ filter: ", style="dim")
            t.append(code.name if code else "?", style="bold")
        if self.has_class("-narrow"):
            # a narrow terminal gives the last message its own line
            t.truncate(max(1, self.size.width), overflow="ellipsis")
            second = self.message.copy()
            second.truncate(max(1, self.size.width), overflow="ellipsis")
            t = Text("\n", no_wrap=True).join([t, second])
        elif self.message:
            t.append(" │ ", style="dim")
            t.append_text(self.message)
        self.query_one(StatusBar).update(t)

    def say(self, *parts) -> None:
        """A short message in the status line (no popup)."""
        t = Text()
        for p in parts:
            if isinstance(p, tuple):
                t.append(*p)
            else:
                t.append(p)
        self.message = t

    def team_changed(self, changes) -> None:
        """Other coders committed: refresh counts, the codebook and (when shown) their codings."""
        if changes.codebook:
            self._refresh_colours()
        self.refresh_codebook()
        if self.wb.show_others and changes.coders:
            self.say("new codings by ", (", ".join(changes.coders), "bold"))
        if self.doc is not None:
            self.transcript.set_codings(self.wb.codings(self.doc.id))
        self.refresh_detail()
        self.refresh_status()

    def after_coding(self, source_id: int | None = None) -> None:
        """Refresh what a committed coding change affects."""
        self._turn_edge = None
        sid = source_id if source_id is not None else self.source_id
        if sid is not None and sid != self.source_id:
            self.query_one(SourcesPane).update_row(self.wb.source_row(sid))
        if self.doc is not None:
            self.transcript.set_codings(self.wb.codings(self.doc.id))
            self.query_one(SourcesPane).update_row(self.wb.source_row(self.doc.id))
            if self.code_filter is not None:
                self._apply_filter(quiet=True)
        else:
            self.refresh_codebook()

    # ------------------------------------------------------------------ events
    def on_transcript_view_changed(self, event: TranscriptView.Changed) -> None:
        self.query_one(KeyBar).set_word_mode(self.transcript.word_mode)
        self.refresh_detail()
        self.refresh_codebook()
        self.refresh_status()

    def on_sources_pane_open(self, event: SourcesPane.Open) -> None:
        self.open_source(event.source_id)
        self.transcript.focus()

    def on_codebook_pane_chosen(self, event: CodebookPane.Chosen) -> None:
        self.apply_code(event.code_id)

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

    # ------------------------------------------------------------------ reports and exports
    def export_to(self, kind_id: str, target: str | None = None) -> None:
        """Ask where (unless ``target``), then write one report/export in a worker thread."""
        from elc.tui.exports import BY_ID, default_target

        kind = BY_ID[kind_id]
        if target is not None:
            self._start_export(kind_id, target)
            return
        self.app.push_screen(PromptScreen(f"Write the {kind.title} to", default_target(self.wb.project.location, kind),
                                          hint="Enter write · Esc cancel (an existing file is replaced)"),
                             lambda path: self._start_export(kind_id, path) if path and path.strip() else None)

    def _start_export(self, kind_id: str, target: str):
        from pathlib import Path

        from elc.tui.exports import BY_ID

        kind = BY_ID[kind_id]
        self.say(f"writing the {kind.title}…")
        self.refresh_status()

        def work() -> None:
            try:
                path = kind.write(self.wb.project, Path(target).expanduser())
            except ElcError as exc:
                self.app.call_from_thread(self.app.notify, str(exc), severity="error", title="Export")
                return
            except OSError as exc:
                self.app.call_from_thread(self.app.notify, f"{target}: could not write ({exc.strerror or exc})",
                                          severity="error", title="Export")
                return
            self.app.call_from_thread(self._exported, kind.title, str(path))

        return self.run_worker(work, thread=True, exit_on_error=False, group="export")

    def _exported(self, title: str, path: str) -> None:
        self.say(f"wrote {title}: {path}")
        self.refresh_status()
        self.app.notify(path, title=f"Wrote the {title}")

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
            if not (t.selection_span() and t.selection_span()[0] <= result["start"] < t.selection_span()[1]):
                t.move_to_offset(result["start"], center=False)
        self.selected_coding_id = result.get("coding_id")
        self.refresh_detail()
        self.refresh_status()

    def action_undo(self) -> None:
        self._undo_redo("undo")

    def action_redo(self) -> None:
        self._undo_redo("redo")

    # ------------------------------------------------------------------ suggestions
    def current_suggestions(self) -> list[dict]:
        """Suggestions for the cursor sentence, read now (never a stale list from the last repaint)."""
        s = self.transcript.sentence
        return self.wb.suggestions(s) if s is not None else []

    @guarded
    def _accept(self, code_id: int) -> None:
        s = self.transcript.sentence
        sug = next((x for x in self.current_suggestions() if x["code_id"] == code_id), None)
        valence = None if sug and sug.get("valence") else self.default_valence
        i, j = self.transcript.selection_range()
        # a selection the researcher made (several sentences, or words) is what gets coded; else the unit
        span = self.transcript.selection_span() if (j > i or self.transcript.word_mode) else None
        cid = self.wb.accept(self.doc.id, s, code_id, valence, span=span)
        self.target(cid)
        code = self.wb.code(code_id)
        i, j = self.transcript.selection_range()
        extent = f" on {j - i + 1} sentences" if j > i else (" on the selected words" if self.transcript.word_mode
                                                                else "")
        self.say("accepted ", ("  ", f"on {code.colour}"), " ", (code.name, "bold"), extent)
        self.after_coding()
        self.refresh_detail()

    def action_accept_suggestion(self) -> None:
        sugs = self.current_suggestions()
        if not sugs:
            self.app.notify("No suggestions for this sentence.", title="Suggestions")
            return
        self._accept(sugs[0]["code_id"])

    def action_choose_suggestion(self) -> None:
        sugs = self.current_suggestions()
        if not sugs:
            self.app.notify("No suggestions for this sentence.", title="Suggestions")
            return
        choices = []
        for sg in sugs:
            t = Text()
            t.append(f"{sg['probability']:.0%} ".rjust(5), style="bold")
            add_swatch(t, sg.get("colour"))
            t.append(sg["code"])
            if sg.get("valence"):
                t.append(f"  {VALENCE_GLYPH.get(sg['valence'], '')} {VALENCE_LABEL.get(sg['valence'], '')}",
                         style="dim")
            choices.append((str(sg["code_id"]), t))

        def chosen(code_id) -> None:
            if code_id:
                self._accept(int(code_id))

        self.app.push_screen(ChoiceScreen("Accept a suggestion", choices), chosen)

    @guarded
    def action_reject_suggestion(self) -> None:
        sugs = self.current_suggestions()
        if not sugs:
            self.app.notify("No suggestions for this sentence.", title="Suggestions")
            return
        top = sugs[0]
        self.wb.reject(self.doc.id, self.transcript.sentence, top["code_id"])
        self.say("rejected suggestion ", (top["code"], "bold"))
        self.refresh_detail()
        self.refresh_status()

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

    # ------------------------------------------------------------------ analyse
    @guarded
    def action_open_screen(self, screen_id: str) -> None:
        """Open an analysis screen of :data:`elc.tui.screens.registry.SCREENS` (its module's ``open_from``)."""
        from elc.tui.screens.registry import open_screen

        open_screen(screen_id, self)

    def jump_to(self, where) -> None:
        """Back from an analysis screen at ``(source id, offset)``, or where we were when ``None``."""
        if where:
            self._go(*where)
            self.transcript.focus()

    def after_reviewing_deidentification(self, changed) -> None:
        if changed:
            self.wb.reload_texts()
            if self.source_id is not None:
                offset = self.transcript.sentence.start if self.transcript.sentence is not None else None
                self.open_source(self.source_id, offset)
            self.say("transcripts reloaded after de-identification review")

    def after_analysis(self) -> None:
        """Codings or codes may have changed on an analysis screen: show them."""
        self._refresh_colours()
        self.wb.invalidate()
        if self.doc is not None:
            self.transcript.set_codings(self.wb.codings(self.doc.id), self.colours)
        self.refresh_codebook()
        self.refresh_detail()
        self.refresh_status()
