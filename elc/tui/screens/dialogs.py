"""Small modal dialogs: text prompt, confirmation, fuzzy code picker, generic choice list."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from elc.tui.controller import CodeView
from elc.tui.widgets.panes import add_swatch

NEW_CODE = "new:"


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; Enter saves, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "", hint: str | Text = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(self.hint or "Enter save · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = not self.app.is_headless
        field.focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("y,enter", "yes", "yes"), Binding("n,escape", "no", "no")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.message, classes="dialog-title")
            yield Static("y / Enter: yes · n / Esc: no", classes="dialog-hint")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class _ListDialog(ModalScreen):
    """Input over an OptionList; up/down move in the list while typing, Enter picks."""

    BINDINGS = [
        Binding("escape", "cancel", "cancel"),
        Binding("down", "down", show=False, priority=True),
        Binding("up", "up", show=False, priority=True),
        Binding("pagedown", "page(1)", show=False, priority=True),
        Binding("pageup", "page(-1)", show=False, priority=True),
    ]

    def _list(self) -> OptionList:
        return self.query_one("#dialog-list", OptionList)

    def action_down(self) -> None:
        self._list().action_cursor_down()

    def action_up(self) -> None:
        self._list().action_cursor_up()

    def action_page(self, delta: int) -> None:
        lst = self._list()
        lst.action_page_down() if delta > 0 else lst.action_page_up()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _chosen(self):
        lst = self._list()
        if lst.highlighted is None:
            return None
        opt = lst.highlighted_option
        return opt.id if opt is not None else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._finish(event.option.id)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish(self._chosen())

    def _finish(self, option_id) -> None:
        raise NotImplementedError


class PickerScreen(_ListDialog):
    """Fuzzy code picker (rapidfuzz over names, definitions and keywords).

    Dismisses with a code id, with ``"new:NAME"`` when the user chose to create a code, with
    ``0`` for an ``extra`` choice such as "(top level)", or None on Escape.
    """

    def __init__(self, title: str, codes: list[CodeView], *, highlight: int | None = None,
                 allow_new: bool = False, extra: str | None = None, exclude: set[int] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.codes = [c for c in codes if not exclude or c.id not in exclude]
        self.highlight = highlight
        self.allow_new = allow_new
        self.extra = extra

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder="type to search codes by name or definition", id="picker-input")
            yield OptionList(id="dialog-list")
            yield Static("↑↓ choose · Enter pick · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill("")
        field = self.query_one(Input)
        field.cursor_blink = not self.app.is_headless
        field.focus()

    @staticmethod
    def code_prompt(c: CodeView, query: str = "", depth: bool = True) -> Text:
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append("  " * (c.depth if depth and not query else 0))
        add_swatch(t, c.colour)
        t.append(c.name, style="bold")
        kind = c.kind if c.kind != "touchpoint" else f"touchpoint · {c.family}" if c.family else "touchpoint"
        t.append(f"  {kind}", style="dim")
        if query and c.definition:
            t.append(f"  {c.definition[:80]}", style="dim italic")
        return t

    def _fill(self, query: str) -> None:
        from elc.tui.codesearch import rank_codes

        options: list[Option] = []
        if self.extra and not query:
            options.append(Option(Text(self.extra, style="italic"), id="0"))
        ranked = rank_codes(self.codes, query)
        q = " ".join(query.split())
        strong = bool(q) and bool(ranked) and ranked[0].strong
        offer_new = self.allow_new and q and not any(m.how == "exact" for m in ranked)
        new_option = Option(Text(f"+ new theme code “{q}”", style="italic"), id=NEW_CODE + q) if offer_new else None
        if new_option is not None and not strong:
            options.append(new_option)  # nothing names what was typed: creating is the first choice offered
        for m in ranked:
            options.append(Option(self.code_prompt(m.code, query), id=str(m.code.id)))
        if new_option is not None and strong:
            options.append(new_option)
        lst = self._list()
        lst.set_options(options)
        hint = self.query_one(".dialog-hint", Static)
        if not options:
            lst.highlighted = None
            hint.update(f"No code matches “{q}” · Esc cancel")
        elif q and not strong:
            # a weak fuzzy match is never pre-selected: Enter must not apply a code nobody named
            lst.highlighted = None
            hint.update(f"No code is named “{q}”: ↓ choose one{' or + new' if offer_new else ''}, "
                        "then Enter · Esc cancel")
        else:
            ids = [o.id for o in options]
            lst.highlighted = ids.index(str(self.highlight)) if (not q and str(self.highlight) in ids) else 0
            hint.update("↑↓ choose · Enter pick · Esc cancel")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    def _finish(self, option_id) -> None:
        if option_id is None:
            self.query_one(".dialog-hint", Static).update(
                "Nothing chosen: ↓ to highlight a code (or + new), then Enter · Esc cancel")
            return
        if option_id.startswith(NEW_CODE):
            self.dismiss(option_id)
        else:
            self.dismiss(int(option_id))


class ChoiceScreen(_ListDialog):
    """Pick one of a few prepared options (id, prompt); dismisses with the id."""

    def __init__(self, title: str, choices: Sequence[tuple[str, Text | str]], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(p, id=i) for i, p in self.choices], id="dialog-list")
            yield Static(self.hint or "↑↓ choose · Enter pick · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self._list().focus()
        if self.choices:
            self._list().highlighted = 0

    def _finish(self, option_id) -> None:
        if option_id is not None:
            self.dismiss(option_id)


__all__ = ["PromptScreen", "ConfirmScreen", "PickerScreen", "ChoiceScreen", "NEW_CODE"]
