"""The help screen (``?`` / F1), generated from the keymap."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from elc.tui import keymap

INTRO = (
    "Code the open transcript sentence by sentence: move with ↓↑ (j k), select more with ⇧↓, narrow to words with w, "
    "apply a code with 1-9 or c, mark valence with + - =. Every action is saved at once; u undoes."
)


def group_table(group: str, actions: list[keymap.KeyAction]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True, min_width=12)
    table.add_column()
    for a in actions:
        table.add_row(keymap.keys_text(a), a.description)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text(INTRO, style="italic"), id="help-intro")
            with Grid(id="help-grid"):
                for group, actions in keymap.grouped(getattr(self.app, "keys", keymap.KEYMAP)):
                    if actions:
                        box = Static(group_table(group, actions), classes="help-group")
                        box.border_title = group
                        yield box
            yield Static(Text("Valence: ▲ working well · ▼ to improve · ● neutral   "
                              "(hollow △ ▽ ○: another coder's coding)   Esc closes", style="dim"), id="help-legend")

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = "elc coding workbench · keys"

    def action_close(self) -> None:
        self.dismiss(None)
