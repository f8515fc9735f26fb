"""Full-text search across every transcript, hits listed in context; Enter jumps to a hit."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from elc.tui.controller import SearchHit, Workbench


class SearchScreen(Screen[SearchHit | None]):
    BINDINGS = [
        Binding("escape", "close", "close"),
        Binding("down", "move(1)", "next hit", priority=True),
        Binding("up", "move(-1)", "previous hit", priority=True, show=False),
        Binding("pagedown", "page(1)", show=False, priority=True),
        Binding("pageup", "page(-1)", show=False, priority=True),
    ]

    def __init__(self, wb: Workbench, query: str = "", hits: list[SearchHit] | None = None, index: int = 0) -> None:
        super().__init__()
        self.wb = wb
        self.query_text = query
        self.hits: list[SearchHit] = hits or []
        self.start_index = index
        self._timer: Timer | None = None
        self._searched = query if hits is not None else None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Label("Search every transcript", classes="dialog-title")
            yield Input(self.query_text, placeholder="a word or phrase (case-insensitive)", id="search-input")
            yield Static("", id="search-count", classes="dialog-hint")
            yield OptionList(id="search-hits")
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = not self.app.is_headless
        field.focus()
        if self._searched is not None:
            self._show(self.start_index)
        elif self.query_text:
            self.run_search()

    def _list(self) -> OptionList:
        return self.query_one("#search-hits", OptionList)

    @staticmethod
    def hit_prompt(hit: SearchHit) -> Text:
        t = Text(overflow="fold")
        t.append(f"{hit.label:<6}", style="bold")
        t.append(f"{(hit.community or '-')[:12]:<13}", style="dim")
        if hit.speaker:
            t.append(f"{hit.speaker}: ", style="italic")
        t.append(hit.before.replace("\n", " "))
        t.append(hit.match, style="reverse bold")
        t.append(hit.after.replace("\n", " "))
        return t

    def run_search(self) -> None:
        query = self.query_one(Input).value
        self._searched = query
        self.hits = self.wb.search(query)
        self._show(0)

    def _show(self, index: int) -> None:
        lst = self._list()
        lst.set_options([Option(self.hit_prompt(h), id=str(i)) for i, h in enumerate(self.hits)])
        n_sources = len({h.source_id for h in self.hits})
        more = "+" if len(self.hits) >= 500 else ""
        query = self._searched or ""
        self.query_one("#search-count", Static).update(
            f"{len(self.hits)}{more} hits in {n_sources} sources · ↑↓ choose · Enter jump · Esc back" if query.strip()
            else "type to search · Esc back")
        if self.hits:
            lst.highlighted = max(0, min(index, len(self.hits) - 1))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, self.run_search)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._searched != event.value:
            if self._timer is not None:
                self._timer.stop()
            self.run_search()
        self._jump()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._jump()

    def _jump(self) -> None:
        lst = self._list()
        if lst.highlighted is None or not self.hits:
            return
        self.index = lst.highlighted
        self.dismiss(self.hits[lst.highlighted])

    def action_move(self, delta: int) -> None:
        lst = self._list()
        lst.action_cursor_down() if delta > 0 else lst.action_cursor_up()

    def action_page(self, delta: int) -> None:
        lst = self._list()
        lst.action_page_down() if delta > 0 else lst.action_page_up()

    def action_close(self) -> None:
        self.dismiss(None)
