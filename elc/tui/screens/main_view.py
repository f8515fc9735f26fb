"""The coding screen's state and how it shows it: the panes' refreshers, the status line and the
segment detail. The key actions are mixed in from the ``main_*`` modules (see :mod:`elc.tui.screens.main`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from functools import wraps

from rich.text import Text
from textual.screen import Screen

from elc.errors import ElcError
from elc.tui.controller import VALENCE_GLYPH, VALENCE_LABEL, CodeView, CodingView, Workbench
from elc.tui.widgets.panes import CodebookPane, DetailPane, SourcesPane, StatusBar
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



class MainView(Screen):
    """The coding screen's state and refreshers; :class:`~elc.tui.screens.main.MainScreen` adds the actions."""

    if TYPE_CHECKING:  # provided by the action mixins MainScreen adds (elc.tui.screens.main_*)
        def open_source(self, source_id: int, offset: int | None = None) -> None: ...
        def _go(self, source_id: int, offset: int) -> None: ...
        def target(self, coding_id: int | None) -> None: ...
        def action_clear_filter(self) -> None: ...
        def after_analysis(self) -> None: ...

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


    @property
    def transcript(self) -> TranscriptView:
        return self.query_one(TranscriptView)


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

