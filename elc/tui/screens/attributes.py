"""Participant attributes (area, age band, sex, ethnicity, disability, service used): one row per
participant, Enter on a cell sets or clears it. The same records `elc attributes` edits and the
breakdowns (`elc matrix --by`, queries `3`) read; identifying values are refused."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Static

from elc.errors import ElcError
from elc.tui.screens.analysis import AnalysisScreen


class AttributesScreen(AnalysisScreen):
    DEFAULT_CSS = """
    AttributesScreen #attributes-head { height: auto; padding: 0 1; border-bottom: solid $primary-background; }
    AttributesScreen #attributes-table { height: 1fr; }
    """
    BINDINGS = [Binding("enter", "edit", "set value")]

    def __init__(self, wb, participant: str | None = None) -> None:
        super().__init__(wb)
        self.start = participant
        self.rows: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="attributes-head")
        yield DataTable(id="attributes-table", cursor_type="cell", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        table = self.query_one(DataTable)
        if self.start in self.rows:
            table.move_cursor(row=self.rows.index(self.start), column=2)
        table.focus()

    def reload(self) -> None:
        from elc.store.attributes import ATTRIBUTES, participant_attributes

        df = participant_attributes(self.wb.project)
        table = self.query_one(DataTable)
        where = (table.cursor_row, table.cursor_column) if table.row_count else None
        table.clear(columns=True)
        table.add_column("Participant", width=max(11, *(len(str(x)) for x in df.participant_id)) if len(df) else 11)
        table.add_column("community", width=14)
        for a in ATTRIBUTES:  # wide enough for a category ("Hinckley and Bosworth", "haemodialysis")
            values = [len(str(v)) for v in df[a] if v]
            table.add_column(a.replace("_", " "), width=min(24, max(len(a), 10, *values)))
        self.rows = list(df.participant_id)
        for r in df.itertuples():
            table.add_row(str(r.participant_id), str(r.community or "-"),
                          *[Text(getattr(r, a) or "·", style="" if getattr(r, a) else "dim") for a in ATTRIBUTES])
        if where:
            table.move_cursor(row=where[0], column=where[1])
        filled = int(df[list(ATTRIBUTES)].notna().any(axis=1).sum()) if len(df) else 0
        self.query_one("#attributes-head", Static).update(Text.assemble(
            ("Participant attributes", "bold"),
            f"  {filled} of {len(df)} participants have any · Enter sets or clears a value · "
            "short categories only (no names, numbers or postcodes)"))

    def on_data_table_cell_selected(self, event) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        from elc.store.attributes import ATTRIBUTES
        from elc.tui.screens.dialogs import PromptScreen

        table = self.query_one(DataTable)
        row, col = table.cursor_row, table.cursor_column
        if not self.rows or col < 2:
            self.app.notify("Move to an attribute column (→), then Enter.", title="Attributes")
            return
        pid, key = self.rows[row], ATTRIBUTES[col - 2]
        current = str(table.get_cell_at(Coordinate(row, col)))
        current = "" if current == "·" else current

        def done(value) -> None:
            if value is None:
                return
            try:
                from elc.store.attributes import set_attributes

                set_attributes(self.wb.project, pid, {key: value})
            except ElcError as exc:
                self.app.notify(str(exc), severity="error", title="Attributes")
                return
            self.reload()

        self.app.push_screen(PromptScreen(f"{key.replace('_', ' ')} of {pid}", current,
                                          hint="Enter save (empty clears) · Esc cancel"), done)



def open_from(main) -> None:
    pid = main.wb.source_info(main.doc.id).get("participant_id") if main.doc is not None else None
    main.app.push_screen(AttributesScreen(main.wb, pid), lambda _: main.wb.invalidate())
