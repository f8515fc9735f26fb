"""High-impact changes and the evidence behind each: what a commissioner traces back to the interviews.

The list shows every change with its evidence strength and flags; the right pane the selected
change's participants per community, touchpoints and quotes. ``l`` links a code (fuzzy picker),
``L``/``u`` unlinks one; every change is committed at once.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from elc.errors import ElcError
from elc.tui.screens.analysis import ListDetailScreen
from elc.tui.controller import VALENCE_GLYPH, Workbench

STRENGTH_STYLE = {"strong": "bold green", "moderate": "bold yellow", "weak": "bold red", "none": "dim"}


def bar(share: float | None, width: int = 10) -> str:
    share = 0.0 if share is None or share != share else max(0.0, min(1.0, float(share)))
    full = round(share * width)
    return "█" * full + "░" * (width - full)


class ChangesScreen(ListDetailScreen):
    PREFIX = "changes"
    DEFAULT_CSS = """
    ChangesScreen #changes-head { height: auto; padding: 0 1; border-bottom: solid $primary-background; }
    ChangesScreen #changes-list { width: 2fr; height: 1fr; border: none; border-right: solid $primary-background; }
    ChangesScreen #changes-scroll { width: 3fr; height: 1fr; }
    ChangesScreen #changes-detail { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("l", "link", "link code"),
        Binding("L,u", "unlink", "unlink code"),
        Binding("r", "reload", "reload"),
    ]

    def __init__(self, wb: Workbench) -> None:
        super().__init__(wb)
        self.evidence: list[dict] = []

    # ------------------------------------------------------------------ data
    def listed(self) -> list[dict]:
        return self.evidence

    def action_reload(self, keep: int | None = None) -> None:
        try:
            self.evidence = self.wb.evidence()
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title="elc")
            self.evidence = []
        lst = self.query_one(OptionList)
        keep = keep if keep is not None else (lst.highlighted or 0)
        options = []
        for ev in self.evidence:
            t = Text(overflow="fold")
            t.append(f"{ev['position'] + 1}. ", style="dim")
            t.append(ev["title"], style="bold")
            t.append("\n   ")
            t.append(ev["strength"] if ev["strength"] != "none" else "no evidence", style=STRENGTH_STYLE.get(
                ev["strength"], ""))
            t.append(f" · {ev['participants']} participant{'s' if ev['participants'] != 1 else ''}", style="dim")
            if ev["flags"]:
                t.append(f" · ⚑ {len(ev['flags'])}", style="bold")
            options.append(Option(t))
        lst.set_options(options)
        head = Text()
        head.append("High-impact changes", style="bold")
        head.append(f"  {len(self.evidence)} change{'s' if len(self.evidence) != 1 else ''} · "
                    "the evidence behind each, by community", style="dim")
        self.set_head(head)
        if options:
            lst.highlighted = min(keep, len(options) - 1)
        self.show_detail()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_detail()

    def show_detail(self) -> None:
        from elc.insights.evidence import evidence_sentence, strength_label

        ev = self.current()
        out = Text()
        if ev is None:
            out.append("No high-impact changes yet.", style="bold")
            out.append("\nAdd them with 'elc changes add' (or load a changes file), then link codes here with l.",
                       style="dim")
            self.set_detail(out)
            return
        out.append(ev["title"] + "\n", style="bold")
        if ev["rationale"]:
            out.append(ev["rationale"] + "\n", style="italic")
        out.append(strength_label(ev), style=STRENGTH_STYLE.get(ev["strength"], ""))
        out.append(f" · {evidence_sentence(ev)}\n", style="dim")
        out.append("Linked codes: ", style="bold")
        out.append(", ".join(ev["codes"]) or "none (l to link one)")
        if ev["themes"]:
            out.append("\nLinked themes: ", style="bold")
            out.append(", ".join(ev["themes"]))
        for f in ev["flags"]:
            out.append(f"\n⚑ {f['message']}", style="bold")
        out.append("\n\nParticipants per community\n", style="bold underline")
        for b in ev["by_community"]:
            share = b["participants"] / b["of"] if b.get("of") else 0
            out.append(f"{b['name'][:34]:<34} ")
            out.append(bar(share), style="green" if b["participants"] else "dim")
            out.append(f" {b['participants']} of {b['of']} asked" if b.get("asked") else " not asked")
            if b["participants"]:
                out.append(f"  ▼{b['to_improve']} ▲{b['working_well']}", style="dim")
            out.append("\n")
        if ev["touchpoints"]:
            out.append("\nTouchpoints\n", style="bold underline")
            for tp in ev["touchpoints"]:
                out.append(f"{tp['touchpoint']}: {tp['participants']} "
                           f"(▼{tp['to_improve']} ▲{tp['working_well']})\n")
        if ev["quotes"]:
            out.append("\nQuotes\n", style="bold underline")
            for q in ev["quotes"]:
                out.append(f"{VALENCE_GLYPH.get(q.get('valence'), '●')} ")
                out.append(f"{q.get('participant') or '?'}, {q.get('community_name') or q.get('community') or '-'}",
                           style="bold")
                out.append(f"  “{' '.join(str(q.get('text') or '').split())}”\n")
        self.set_detail(out)

    # ------------------------------------------------------------------ actions
    def action_link(self) -> None:
        from elc.tui.screens.dialogs import PickerScreen

        ev = self.current()
        if ev is None:
            return
        linked = set(self.wb.change_codes(ev["id"]))

        chosen = self._after_pick(lambda code_id: self.wb.link_code(ev["id"], code_id),
                                  lambda name: f"linked “{name}” to “{ev['title']}”")
        self.app.push_screen(PickerScreen(f"Link a code to “{ev['title']}”", self.wb.all_codes(), exclude=linked),
                             chosen)

    def action_unlink(self) -> None:
        from elc.tui.screens.dialogs import PickerScreen

        ev = self.current()
        if ev is None:
            return
        linked = set(self.wb.change_codes(ev["id"]))
        if not linked:
            self.app.notify("this change has no linked codes", title="elc")
            return
        codes = [c for c in self.wb.all_codes() if c.id in linked]

        chosen = self._after_pick(lambda code_id: self.wb.unlink_code(ev["id"], code_id),
                                  lambda name: f"unlinked “{name}”")
        self.app.push_screen(PickerScreen(f"Unlink a code from “{ev['title']}”", codes), chosen)

    def _after_pick(self, change, message):
        """The picker callback for link/unlink: run ``change(code_id)``, report, reload."""

        def chosen(code_id) -> None:
            if not isinstance(code_id, int) or not code_id:
                return
            try:
                change(code_id)
            except ElcError as exc:
                self.app.notify(str(exc), severity="error", title="elc")
                return
            code = self.wb.code(code_id)
            self.app.notify(message(code.name if code else code_id), title="elc")
            self.action_reload()

        return chosen



def open_from(main) -> None:
    main.app.push_screen(ChangesScreen(main.wb))
