"""Compare coders: agreement (kappa, alpha) overall and per code, then the disagreements one by one.

You are coder A; the other coder (B) is chosen when the screen opens. Each disagreement shows the
sentence in context and what each coder applied, with valence. ``a`` adopts B's coding as yours,
``x`` removes your own coding of that code on that sentence; both are committed at once (through
the coding session, so undo on the main screen works) and the agreement is recomputed.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from elc.errors import ElcError
from elc.tui.controller import VALENCE_GLYPH, VALENCE_LABEL, Workbench


def stat(value) -> str:
    return "–" if value is None or value != value else f"{value:.2f}"


def percent(value) -> str:
    return "–" if value is None or value != value else f"{value:.0%}"


class CompareScreen(Screen[bool]):
    DEFAULT_CSS = """
    CompareScreen #compare-head { height: auto; padding: 0 1; border-bottom: solid $primary-background; }
    CompareScreen #compare-codes { height: 9; }
    CompareScreen #compare-item { height: 1fr; border-top: solid $primary-background; }
    CompareScreen #compare-where { height: auto; padding: 0 1; }
    CompareScreen #compare-context { height: auto; padding: 0 1; }
    CompareScreen #compare-sides { height: auto; }
    CompareScreen .side { width: 1fr; height: auto; padding: 0 1; margin: 1 1 0 1; border: round $primary; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "back"),
        Binding("n,right,j", "move(1)", "next"),
        Binding("p,left,k", "move(-1)", "previous"),
        Binding("a", "adopt", "adopt theirs"),
        Binding("x", "drop", "remove mine"),
    ]

    def __init__(self, wb: Workbench, other: str) -> None:
        super().__init__()
        self.wb = wb
        self.other = other
        self.index = 0
        self.changed = False
        self.report: dict | None = None
        self.items: list[dict] = []
        self.sentences: dict[int, dict] = {}
        self.by_source: dict[int, list[int]] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="compare-head")
        yield DataTable(id="compare-codes", cursor_type="row", zebra_stripes=True)
        with Vertical(id="compare-item"):
            yield Static("", id="compare-where")
            yield Static("", id="compare-context")
            with Horizontal(id="compare-sides"):
                yield Static("", id="compare-a", classes="side")
                yield Static("", id="compare-b", classes="side")
        yield Footer()

    def on_mount(self) -> None:
        self.sentences = self.wb.segment_rows()
        for sid, row in sorted(self.sentences.items(), key=lambda kv: (kv[1]["source_id"], kv[1]["start"])):
            self.by_source.setdefault(row["source_id"], []).append(sid)
        self.query_one(DataTable).can_focus = False  # left/right/j/k walk the disagreements
        self.reload()

    def team_changed(self, changes) -> None:
        """The other coder committed meanwhile: recompute the agreement."""
        if self.other in changes.coders or changes.codebook:
            self.reload()

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        try:
            self.report = self.wb.agreement(self.other)
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title="elc")
            self.report = None
            self.items = []
            self.show()
            return
        d = self.report["disagreements"]
        self.items = d.to_dict("records") if len(d) else []
        self.index = max(0, min(self.index, len(self.items) - 1))
        o = self.report["overall"]
        head = Text()
        head.append(f"{self.wb.coder} (A, you) vs {self.other} (B)", style="bold")
        head.append(f"  κ {stat(o.get('kappa'))} · α {stat(o.get('alpha'))} · "
                    f"agreement {percent(o.get('percent_agreement'))} · mean κ {stat(o.get('mean_kappa'))}\n")
        head.append(f"{o.get('n_segments', 0)} participant sentences in {len(self.report['sources'])} "
                    f"interview{'s' if len(self.report['sources']) != 1 else ''} both coded, up to where both "
                    f"reached ({self.report.get('not_reached', 0)} later left out) · "
                    f"{len(self.items)} disagreement{'s' if len(self.items) != 1 else ''}", style="dim")
        self.query_one("#compare-head", Static).update(head)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns("Code", "A", "B", "both", "κ", "α")
        per = self.report["per_code"]
        if len(per):
            per = per[(per.n_a > 0) | (per.n_b > 0)].sort_values("kappa", na_position="first")
            for r in per.to_dict("records"):
                table.add_row(Text(str(r["code"]), overflow="ellipsis", no_wrap=True), str(r["n_a"]), str(r["n_b"]),
                              str(r["n_both"]), stat(r["kappa"]), stat(r["alpha"]))
        self.show()

    def current(self) -> dict | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def segment(self, item: dict) -> dict:
        seg = self.sentences.get(int(item["segment_id"]))
        if seg is None:
            raise ElcError(f"segment {item['segment_id']} no longer exists")
        return seg

    def show(self) -> None:
        where = self.query_one("#compare-where", Static)
        context = self.query_one("#compare-context", Static)
        a, b = self.query_one("#compare-a", Static), self.query_one("#compare-b", Static)
        item = self.current()
        if item is None:
            where.update(Text("No disagreements: you and "
                              f"{self.other} coded the shared interviews the same way." if self.report else
                              "Nothing to compare.", style="bold"))
            for w in (context, a, b):
                w.update("")
            return
        seg = self.sentences.get(int(item["segment_id"]), {})
        t = Text()
        t.append(f"Disagreement {self.index + 1} of {len(self.items)}", style="bold")
        kind = "valence differs" if item.get("kind") == "valence" else "one coder applied it"
        t.append(f" · {item['code']} · {kind}", style="bold")
        t.append(f" · {seg.get('participant_id') or '?'} ({seg.get('community') or '-'})", style="dim")
        where.update(t)
        ctx = Text()
        order = self.by_source.get(int(seg["source_id"]), []) if seg and seg.get("source_id") is not None else []
        i = order.index(seg["id"]) if seg and seg["id"] in order else -1
        if i > 0:
            ctx.append(" ".join(str(self.sentences[order[i - 1]]["text"]).split()) + " ", style="dim")
        ctx.append(" ".join(str(seg.get("text") or "").split()), style="bold reverse")
        if 0 <= i < len(order) - 1:
            ctx.append(" " + " ".join(str(self.sentences[order[i + 1]]["text"]).split()), style="dim")
        context.update(ctx)
        va, vb = item.get("a_valence"), item.get("b_valence")
        if seg and item.get("a_applied") and va not in VALENCE_LABEL:
            va = self.wb.coder_valence(seg, item["code"], self.wb.coder)
        if seg and item.get("b_applied") and vb not in VALENCE_LABEL:
            vb = self.wb.coder_valence(seg, item["code"], self.other)
        a.update(self._side(f"{self.wb.coder} (A, you)", item["code"], item.get("a_applied"), va))
        b.update(self._side(f"{self.other} (B)", item["code"], item.get("b_applied"), vb))

    @staticmethod
    def _side(who: str, code: str, applied, valence) -> Text:
        t = Text()
        t.append(who + "\n", style="bold")
        if applied:
            v = valence if valence in VALENCE_GLYPH else None
            t.append(f"{VALENCE_GLYPH.get(v or '', '●')} applied ")
            t.append(code, style="bold")
            if v:
                t.append(f" ({VALENCE_LABEL[v]})")
        else:
            t.append("— did not apply ", style="dim")
            t.append(code, style="dim bold")
        return t

    # ------------------------------------------------------------------ actions
    def action_move(self, delta: int) -> None:
        if self.items:
            self.index = (self.index + delta) % len(self.items)
            self.show()

    def action_adopt(self) -> None:
        item = self.current()
        if item is None:
            return
        try:
            said = self.wb.adopt(self.segment(item), item["code"], bool(item.get("b_applied")), item.get("b_valence"),
                                 self.other)
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title="elc")
            return
        self.changed = True
        self.app.notify(f"adopted {self.other}'s “{item['code']}”: {said}", title="elc")
        self.reload()

    def action_drop(self) -> None:
        item = self.current()
        if item is None:
            return
        try:
            n = self.wb.drop_own(self.segment(item), item["code"])
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title="elc")
            return
        if not n:
            self.app.notify(f"you have not applied “{item['code']}” here", title="elc")
            return
        self.changed = True
        self.app.notify(f"removed your “{item['code']}” on this sentence", title="elc")
        self.reload()

    def action_close(self) -> None:
        self.dismiss(self.changed)


def open_from(main) -> None:
    """Ask which coder to compare with, then open the comparison."""
    from elc.tui.screens.dialogs import ChoiceScreen

    others = main.wb.other_coders()
    if not others:
        main.app.notify("nobody else has coded this project yet", title="elc")
        return

    def chosen(other) -> None:
        if other:
            main.app.push_screen(CompareScreen(main.wb, other), lambda _: main.after_analysis())

    main.app.push_screen(ChoiceScreen(f"Compare your coding ({main.wb.coder}) with…", [(c, c) for c in others]),
                         chosen)
