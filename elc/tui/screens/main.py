"""The coding screen: sources, transcript, codebook, segment detail and footer.

Actions here translate keys into calls on :class:`~elc.tui.controller.Workbench` (which commits
through ``elc.coding``) and then tell the panes what changed. ``ElcError`` from the library is
shown as a notification, never raised.
"""


from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from elc.errors import ElcError
from elc.tui import keymap
from elc.tui.screens.dialogs import PromptScreen
from elc.tui.screens.main_coding import CodingActions
from elc.tui.screens.main_find import FindActions
from elc.tui.screens.main_navigation import NavigationActions
from elc.tui.screens.main_suggestions import SuggestionActions
from elc.tui.screens.main_view import MainView, guarded
from elc.tui.widgets.panes import CodebookPane, DetailPane, KeyBar, SourcesPane, StatusBar
from elc.tui.widgets.transcript import TranscriptView


class MainScreen(NavigationActions, CodingActions, SuggestionActions, FindActions, MainView):
    BINDINGS: ClassVar[list[BindingType]] = list(keymap.bindings("main"))
    AUTO_FOCUS = "#transcript"

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
