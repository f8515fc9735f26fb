"""Retrieve: every passage coded with a code, grouped by community, with participant ids.

What a researcher reads before a challenge workshop. Enter jumps to the passage in its transcript.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from elc.tui.controller import VALENCE_GLYPH, VALENCE_LABEL, CodeView, Passage, Workbench
from elc.tui.widgets.panes import add_swatch


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class RetrieveScreen(Screen[Passage | None]):
    BINDINGS = [
        Binding("escape,q", "close", "back"),
        Binding("enter", "jump", "go to passage", show=True),
        Binding("c", "change_code", "other code"),
        Binding("v", "cycle_valence", "valence filter"),
    ]

    VALENCE_FILTERS = (None, "working-well", "to-improve", "neutral")

    def __init__(self, wb: Workbench, code_id: int) -> None:
        super().__init__()
        self.wb = wb
        self.code_id = code_id
        self.valence: str | None = None
        self.passages: list[Passage] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="retrieve-box"):
            yield Static("", id="retrieve-head")
            yield OptionList(id="retrieve-list")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_passages()
        self.query_one(OptionList).focus()

    def refresh_passages(self) -> None:
        code = self.wb.code(self.code_id)
        groups = self.wb.retrieve(self.code_id)
        head = Text()
        if code is None:
            head.append("That code no longer exists.", style="bold")
            self.query_one("#retrieve-head", Static).update(head)
            return
        _code_head(head, code)
        options: list[Option] = []
        self.passages = []
        n_total = 0
        people: set[str] = set()
        summary = []
        for key, name, passages in groups:
            if self.valence:
                passages = [p for p in passages if p.valence == self.valence]
            if not passages:
                continue
            pids = sorted({p.label for p in passages})
            people |= {f"{key}:{p}" for p in pids}
            n_total += len(passages)
            options.append(Option(_group_title(name, passages, pids), disabled=True))
            summary.append(f"{key or '-'} {len(passages)}")
            for p in passages:
                options.append(Option(self._passage_text(p, code.colour), id=str(len(self.passages))))
                self.passages.append(p)
        head.append(f"{plural(n_total, 'passage')} · {plural(len(people), 'participant')} · ", style="bold")
        head.append(" · ".join(summary) or "nothing coded yet", style="dim")
        filt = VALENCE_LABEL[self.valence] if self.valence else "all valences"
        who = "all coders" if self.wb.show_others else f"coder {self.wb.coder}"
        head.append(f"\n{filt} · {who}", style="dim")
        self.query_one("#retrieve-head", Static).update(head)
        lst = self.query_one(OptionList)
        lst.set_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        if first is not None:
            lst.highlighted = first

    def _passage_text(self, p: Passage, colour: str) -> Text:
        """One passage: valence, participant, the sub-code and the other coder when not ours, the quote, the memo."""
        t = Text(overflow="fold")
        t.append(f"{VALENCE_GLYPH[p.valence]} ", style=colour)
        t.append(f"{p.label}", style="bold")
        if p.code_id != self.code_id:
            t.append(f" [{p.code}]", style="dim")
        if p.coder != self.wb.coder:
            t.append(f" ({p.coder})", style="italic")
        t.append("  “" + " ".join(p.text.split()) + "”")
        if p.memo:
            t.append(f"\n     memo: {p.memo}", style="italic dim")
        return t

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self.passages[int(event.option.id)])

    def action_jump(self) -> None:
        opt = self.query_one(OptionList).highlighted_option
        if opt is not None and opt.id is not None:
            self.dismiss(self.passages[int(opt.id)])

    def action_cycle_valence(self) -> None:
        i = self.VALENCE_FILTERS.index(self.valence)
        self.valence = self.VALENCE_FILTERS[(i + 1) % len(self.VALENCE_FILTERS)]
        self.refresh_passages()

    def action_change_code(self) -> None:
        from elc.tui.screens.dialogs import PickerScreen

        def chosen(code_id):
            if isinstance(code_id, int) and code_id:
                self.code_id = code_id
                self.refresh_passages()

        self.app.push_screen(PickerScreen("Retrieve passages for…", self.wb.all_codes(), highlight=self.code_id),
                             chosen)

    def action_close(self) -> None:
        self.dismiss(None)


def _code_head(head: Text, code: CodeView) -> None:
    """The code's swatch, name, kind and family, and its definition."""
    add_swatch(head, code.colour)
    head.append(code.name, style="bold")
    head.append(f"  {code.kind}{' · ' + code.family if code.family else ''}\n", style="dim")
    if code.definition:
        head.append(code.definition + "\n", style="italic")


def _group_title(name: str, passages: list[Passage], pids: list[str]) -> Text:
    """A community's heading: how many passages from whom, and the count per valence."""
    counts = {v: sum(1 for p in passages if p.valence == v) for v in VALENCE_GLYPH}
    title = Text()
    title.append(f"{name}", style="bold underline")
    title.append(f"  {plural(len(passages), 'passage')} from {plural(len(pids), 'participant')}: "
                 f"{', '.join(pids)}  ", style="dim")
    title.append("  ".join(f"{VALENCE_GLYPH[v]} {n}" for v, n in counts.items() if n))
    return title
