"""Memos: a multi-line editor, and a browser that lists and searches every memo in the project.

`m` on the main screen writes a memo on the selected coding (or, with none, on the interview);
`b` opens the browser, which also starts memos on the project, the interview, the participant or
a code. Memos are committed when saved (ctrl+s), like every other action.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option


class MemoScreen(ModalScreen[str | None]):
    """Edit a memo; ctrl+s saves (dismisses with the text), Escape leaves it unchanged (None)."""

    BINDINGS = [Binding("ctrl+s", "save", "save", priority=True), Binding("escape", "cancel", "cancel")]

    def __init__(self, title: str, text: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo"):
            yield Label(self.title_text, classes="dialog-title")
            yield TextArea(self.text, id="memo-text", soft_wrap=True, show_line_numbers=False)
            yield Static(self.hint or "ctrl+s save · Esc cancel · an empty memo is deleted", classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemosScreen(Screen[None]):
    """Every memo (newest first), searchable; Enter edits one, or starts one on what a top row names."""

    BINDINGS = [Binding("escape", "close", "back"), Binding("down", "down", show=False, priority=True),
                Binding("up", "up", show=False, priority=True)]

    def __init__(self, main) -> None:
        super().__init__()
        self.main = main
        self.wb = main.wb
        self.rows: dict[str, tuple[str, str]] = {}  # option id -> (kind, target)

    def compose(self) -> ComposeResult:
        with Vertical(id="memos-box"):
            yield Static("", id="memos-head")
            yield Input(placeholder="search memos", id="memos-search")
            yield OptionList(id="memos-list")
        yield Footer()

    def on_mount(self) -> None:
        self.refill("")
        self.query_one(Input).focus()

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def _new_rows(self) -> list[tuple[str, str, str]]:
        """(kind, target, prompt) of the things a memo can be started on from here."""
        doc = self.main.doc
        out = [("project", "", "the project")]
        if doc is not None:
            out.append(("source", str(doc.id), f"this interview ({doc.label})"))
            pid = self.wb.source_info(doc.id).get("participant_id")
            if pid:
                out.append(("participant", pid, f"participant {pid}"))
        out.append(("code", "?", "a code…"))
        return out

    def refill(self, query: str) -> None:
        from elc.store.memos import memos

        df = memos(self.wb.project, query)
        options: list[Option] = []
        self.rows = {}
        if not query.strip():
            for i, (kind, target, prompt) in enumerate(self._new_rows()):
                oid = f"new{i}"
                self.rows[oid] = (kind, target)
                options.append(Option(Text(f"✎ write or edit your memo on {prompt}", style="italic"), id=oid))
        for i, r in enumerate(df.itertuples()):
            oid = f"m{i}"
            self.rows[oid] = (r.kind, r.target) if r.author == self.wb.coder else ("", "")
            t = Text(no_wrap=True, overflow="ellipsis")
            t.append(r.label, style="bold")
            t.append(f"  {r.author} · {str(r.updated_at)[:16].replace('T', ' ')}\n", style="dim")
            t.append(" ".join(str(r.text).split())[:300])
            options.append(Option(t, id=oid))
        lst = self.query_one(OptionList)
        lst.set_options(options)
        if options:
            lst.highlighted = 0
        self.query_one("#memos-head", Static).update(Text.assemble(
            ("Memos", "bold"), f"  {len(df)} memo{'s' if len(df) != 1 else ''}"
            + (f" matching “{query.strip()}”" if query.strip() else "")
            + " · Enter edits your own · Esc back", ))

    @on(Input.Changed)
    def _search(self, event: Input.Changed) -> None:
        self.refill(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        opt = self.query_one(OptionList).highlighted_option
        if opt is not None and opt.id is not None:
            self.open(opt.id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.open(event.option.id)

    def open(self, option_id: str) -> None:
        kind, target = self.rows.get(option_id, ("", ""))
        if not kind:
            self.app.notify("That memo is another researcher's: you can read it here, not change it.",
                            severity="warning", title="Memos")
            return
        if kind == "code" and target == "?":
            from elc.tui.screens.dialogs import PickerScreen

            self.app.push_screen(PickerScreen("Memo on which code?", self.wb.all_codes()),
                                 lambda code_id: self.main.edit_memo("code", str(code_id), self._after)
                                 if isinstance(code_id, int) and code_id else None)
            return
        self.main.edit_memo(kind, target, self._after)

    def _after(self) -> None:
        self.refill(self.query_one(Input).value)

    def action_close(self) -> None:
        self.dismiss(None)
