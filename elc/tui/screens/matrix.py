"""The insight matrix: touchpoint × community, participants raising to improve (▼) and working well (▲).

Each cell is coloured by its balance (fixed foreground and background pairs, legible in the light
and the dark theme); moving the cursor to a cell shows its quotes below the grid.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from elc.tui.screens.analysis import AnalysisScreen
from elc.tui.controller import VALENCE_GLYPH, Workbench

# (upper bound of the balance, style): red for to improve, green for working well
BALANCE_STYLES = (
    (-0.5, "bold #ffffff on #a50026"),
    (-0.001, "#1a1a1a on #f4a582"),
    (0.001, "#1a1a1a on #d9d9d9"),
    (0.5, "#1a1a1a on #a6dba0"),
    (1.01, "bold #ffffff on #1b7837"),
)


def balance_style(balance) -> str:
    if balance is None or balance != balance:  # None or NaN: nothing valenced
        return ""
    for upper, style in BALANCE_STYLES:
        if balance <= upper:
            return style
    return BALANCE_STYLES[-1][1]


def cell_text(row: dict) -> Text:
    """``▼5 ▲2`` coloured by balance; ``·`` when nobody raised it; blank when not asked and not raised."""
    if not row["raised"]:
        return Text("" if not row["asked"] else "·", style="dim", justify="center")
    parts = []
    if row["to_improve"]:
        parts.append(f"▼{row['to_improve']}")
    if row["working_well"]:
        parts.append(f"▲{row['working_well']}")
    if row["neutral"] and not parts:
        parts.append(f"●{row['neutral']}")
    return Text(f" {' '.join(parts)} ", style=balance_style(row["balance"]), justify="center")


class MatrixScreen(AnalysisScreen):
    DEFAULT_CSS = """
    MatrixScreen #matrix-head { height: auto; padding: 0 1; border-bottom: solid $primary-background; }
    MatrixScreen #matrix-table { height: 1fr; }
    MatrixScreen #matrix-quotes { height: auto; max-height: 12; padding: 0 1; border-top: solid $primary-background; }
    """
    BINDINGS = [
        Binding("a", "toggle_all", "all touchpoints"),
        Binding("r", "reload", "reload"),
    ]

    def __init__(self, wb: Workbench) -> None:
        super().__init__(wb)
        self.show_all = False
        self.cells: dict[tuple[int, int], dict] = {}
        self.rows: list[str] = []
        self.columns: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="matrix-head")
        yield DataTable(id="matrix-table", cursor_type="cell", zebra_stripes=False)
        yield Static("", id="matrix-quotes")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one(DataTable).focus()

    def action_reload(self) -> None:
        m = self.attempt(self.wb.insight_matrix)
        if m is None:
            return
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.cells = {}
        records = m.to_dict("records")
        self.columns = list(dict.fromkeys((r["community"], r["community_name"]) for r in records))
        interviewed = {r["community"]: r["interviewed"] for r in records}
        raised_tp = {r["touchpoint"] for r in records if r["raised"]}
        self.rows = [tp for tp in dict.fromkeys(r["touchpoint"] for r in records)
                     if self.show_all or tp in raised_tp]
        table.add_column("Touchpoint", key="touchpoint")
        for key, _name in self.columns:
            table.add_column(f"{key} ({interviewed[key]})", key=key)
        by = {(r["touchpoint"], r["community"]): r for r in records}
        for i, tp in enumerate(self.rows):
            cells = [Text(tp, overflow="ellipsis", no_wrap=True)]
            for j, (key, _name) in enumerate(self.columns):
                row = by[(tp, key)]
                self.cells[(i, j + 1)] = row
                cells.append(cell_text(row))
            table.add_row(*cells, key=tp)
        head = Text()
        head.append("Insight matrix", style="bold")
        head.append("  participants raising ", style="dim")
        head.append("▼ to improve", style="bold")
        head.append(" / ", style="dim")
        head.append("▲ working well", style="bold")
        head.append(" (column: community, interviewed)\n", style="dim")
        head.append("balance: ")
        for label, b in (("mostly to improve", -1), ("leaning to improve", -0.3), ("even", 0),
                         ("leaning working well", 0.3), ("mostly working well", 1)):
            head.append(f" {label} ", style=balance_style(b))
            head.append(" ")
        shown = "all touchpoints" if self.show_all else f"{len(self.rows)} touchpoints raised by anyone"
        head.append(f"\n{shown} · a: {'only raised' if self.show_all else 'all touchpoints'}", style="dim")
        self.query_one("#matrix-head", Static).update(head)
        if not self.rows:
            self.query_one("#matrix-quotes", Static).update(
                Text("Nothing coded with a touchpoint yet: code some interviews first (a: show every touchpoint).",
                     style="italic"))
        elif self.columns:
            table.move_cursor(row=0, column=1)
            self.show_cell(0, 1)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self.show_cell(event.coordinate.row, event.coordinate.column)

    def show_cell(self, row: int, column: int) -> None:
        cell = self.cells.get((row, column))
        out = Text()
        if cell is None:
            if 0 <= row < len(self.rows):
                out.append(self.rows[row], style="bold")
                out.append("  (move right to a community for its quotes)", style="dim")
            self.query_one("#matrix-quotes", Static).update(out)
            return
        out.append(f"{cell['touchpoint']} · {cell['community_name']}", style="bold")
        n_of = f"of {cell['of']} asked" if cell["asked"] else "(not asked)"
        out.append(f"  {cell['raised']} {n_of} raised it: ▼ {cell['to_improve']} to improve, "
                   f"▲ {cell['working_well']} working well, ● {cell['neutral']} neutral", style="dim")
        if not cell["asked"]:
            out.append("  (not in this community's guide)", style="dim italic")
        for q in cell["quotes"]:
            out.append(f"\n{VALENCE_GLYPH.get(q.get('valence'), '●')} ")
            out.append(str(q.get("participant") or "?"), style="bold")
            out.append(f"  “{' '.join(str(q.get('text') or '').split())}”")
        if not cell["quotes"]:
            out.append("\nno quotes", style="dim italic")
        self.query_one("#matrix-quotes", Static).update(out)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.action_reload()



def open_from(main) -> None:
    main.app.push_screen(MatrixScreen(main.wb))
