"""Queries: code co-occurrence, code × community or × attribute, boolean/phrase/NEAR text search;
the passages behind any cell; saved queries and sets of interviews (library: elc.coding.queries).

Moving the cursor to a row or cell lists its passages below the table; Enter opens the first one
in its transcript. While others are hidden (blind coding) only your own codings are counted.
"""

from __future__ import annotations

import pandas as pd
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from elc.coding import queries as q
from elc.errors import ElcError


class QueryScreen(Screen[tuple[int, int] | None]):
    """Dismisses with (source_id, offset) to jump to a passage, or None."""

    DEFAULT_CSS = """
    QueryScreen #query-head { height: auto; padding: 0 1; border-bottom: solid $primary-background; }
    QueryScreen #query-table { height: 1fr; }
    QueryScreen #query-passages { height: auto; max-height: 12; padding: 0 1; border-top: solid $primary-background; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "back"),
        Binding("1", "cooccurrence", "co-occurrence"),
        Binding("2", "by_group('community')", "× community"),
        Binding("3", "by_attribute", "× attribute"),
        Binding("slash", "search", "text search"),
        Binding("i", "choose_set", "interviews"),
        Binding("S", "save_set", "results → set", show=False),
        Binding("s", "save_query", "save query"),
        Binding("l", "load_query", "saved"),
        Binding("enter", "jump", "go to passage", show=False),
    ]

    def __init__(self, main) -> None:
        super().__init__()
        self.main = main
        self.wb = main.wb
        self.current = q.SavedQuery("", "cooccurrence")
        self.cells: dict[tuple[int, int], list[int]] = {}  # (row, column) -> segment ids
        self.result: pd.DataFrame | None = None
        self._segs: dict[str, pd.DataFrame] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="query-head")
        yield DataTable(id="query-table", cursor_type="cell", zebra_stripes=True)
        yield Static("", id="query-passages")
        yield Footer()

    def on_mount(self) -> None:
        self.run_query()
        self.query_one(DataTable).focus()

    # ------------------------------------------------------------------ running
    @property
    def _coder(self) -> str | None:
        return None if self.wb.show_others else self.wb.coder

    def _sources(self) -> list[int] | None:
        if not self.current.set_name:
            return None
        return q.interview_sets(self.wb.project).get(self.current.set_name)

    def run_query(self) -> None:
        try:
            self.result = q.run_saved(self.wb.project, self.current, coder=self._coder) if (
                self.current.kind != "text" or self.current.text) else None
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title="Query")
            return
        self.show()

    def _head(self) -> Text:
        t = Text()
        kinds = {"cooccurrence": "Codes applied to the same sentence",
                 "by_group": f"Participants per code × {self.current.by}", "text": f"Text search: {self.current.text}"}
        t.append(kinds[self.current.kind], style="bold")
        t.append(f"  · {'all coders' if self._coder is None else f'coder {self._coder} (blind)'}"
                 f" · {('set ' + self.current.set_name) if self.current.set_name else 'all interviews'}"
                 + (f" · saved as “{self.current.name}”" if self.current.name else ""), style="dim")
        t.append("\n1 co-occurrence · 2 × community · 3 × attribute · / search · i interviews · s save · l saved",
                 style="dim")
        return t

    def show(self) -> None:
        self.query_one("#query-head", Static).update(self._head())
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.cells = {}
        df = self.result
        if df is None or df.empty:
            table.add_column("")
            table.add_row(Text("Nothing matches." if df is not None else "Type / to search.", style="italic"))
            self.query_one("#query-passages", Static).update("")
            return
        if self.current.kind == "cooccurrence":
            table.add_columns("Code", "with code", "people", "sentences")
            for i, r in enumerate(df.itertuples()):
                table.add_row(r.code_a, r.code_b, str(r.participants), str(r.sentences))
                for col in range(4):
                    self.cells[(i, col)] = list(r.segment_ids)
        elif self.current.kind == "by_group":
            groups = sorted(df.group.unique())
            of = df.drop_duplicates("group").set_index("group")["of"]
            table.add_columns("Code", *[f"{g} (of {int(of[g])})" for g in groups])
            for i, (code, sub) in enumerate(df.groupby("code", sort=True)):
                by = sub.set_index("group")
                row = [code]
                self.cells[(i, 0)] = sorted({x for ids in sub.segment_ids for x in ids})  # the whole row
                for j, g in enumerate(groups, start=1):
                    if g in by.index:
                        row.append(str(int(by.loc[g, "participants"])))
                        self.cells[(i, j)] = list(by.loc[g, "segment_ids"])
                    else:
                        row.append("·")
                table.add_row(*row)
        else:
            table.add_columns("Participant", "community", "passage")
            for i, r in enumerate(df.itertuples()):
                table.add_row(str(r.participant_id or "-"), str(r.community or "-"),
                              Text(" ".join(r.text.split())[:160], no_wrap=True, overflow="ellipsis"))
                for col in range(3):
                    self.cells[(i, col)] = [int(r.segment_id)]
        self.show_passages()

    # ------------------------------------------------------------------ passages behind a cell
    def _segments(self, kind: str):
        """The project's segments of one kind, read once per screen (the cursor moves often; the
        stored text never changes)."""
        if kind not in self._segs:
            self._segs[kind] = self.wb.project.segments(kind=kind)
        return self._segs[kind]

    def _passages(self) -> list[dict]:
        table = self.query_one(DataTable)
        ids = self.cells.get((table.cursor_row, table.cursor_column), [])
        if not ids:
            return []
        kind = "turn" if self.current.kind == "text" else "sentence"
        segs = self._segments(kind)
        segs = segs[segs.id.isin(ids)]
        starts = {}
        if kind == "turn" and len(segs):  # jump to the turn's first sentence, not to its speaker label
            sents = self._segments("sentence")
            sents = sents[sents.source_id.isin(set(segs.source_id))]
            for r in segs.itertuples():
                inside = sents[(sents.source_id == r.source_id) & (sents.start >= r.start) & (sents.start < r.end)]
                starts[int(r.id)] = int(inside.start.min()) if len(inside) else int(r.start)
        return [{"source_id": int(r.source_id), "start": starts.get(int(r.id), int(r.start)),
                 "participant": r.participant_id, "text": r.text} for r in segs.itertuples()]

    def show_passages(self) -> None:
        passages = self._passages()
        t = Text()
        if passages:
            t.append(f"{len(passages)} passage{'s' if len(passages) != 1 else ''} (Enter opens the first)\n",
                     style="dim")
        for p in passages[:8]:
            t.append(f"{p['participant'] or '-'}: ", style="bold")
            t.append(" ".join(p["text"].split())[:200] + "\n")
        if len(passages) > 8:
            t.append(f"… and {len(passages) - 8} more", style="dim")
        self.query_one("#query-passages", Static).update(t)

    def on_data_table_cell_highlighted(self, event) -> None:
        self.show_passages()

    def on_data_table_cell_selected(self, event) -> None:
        self.action_jump()

    def action_jump(self) -> None:
        passages = self._passages()
        if passages:
            self.dismiss((passages[0]["source_id"], passages[0]["start"]))

    # ------------------------------------------------------------------ choosing the query
    def _set(self, **changes) -> None:
        for k, v in changes.items():
            setattr(self.current, k, v)
        self.current.name = ""
        self.run_query()

    def action_cooccurrence(self) -> None:
        self._set(kind="cooccurrence")

    def action_by_group(self, by: str) -> None:
        self._set(kind="by_group", by=by)

    def action_by_attribute(self) -> None:
        from elc.tui.screens.dialogs import ChoiceScreen

        keys = q.recorded_attributes(self.wb.project)
        if not keys:
            self.app.notify("No participant attributes are recorded yet (age band, area, service...).",
                            severity="warning", title="Query")
            return
        self.app.push_screen(ChoiceScreen("Code × which attribute?", [(k, k) for k in keys]),
                             lambda key: self.action_by_group(key) if key else None)

    def action_search(self) -> None:
        from elc.tui.screens.dialogs import PromptScreen

        self.app.push_screen(PromptScreen(
            "Search participants' turns", self.current.text if self.current.kind == "text" else "",
            placeholder='words, "a phrase", AND OR NOT ( ), waited NEAR/3 lounge'),
            lambda text: self._set(kind="text", text=text) if text and text.strip() else None)

    def action_choose_set(self) -> None:
        from elc.tui.screens.dialogs import ChoiceScreen

        sets = q.interview_sets(self.wb.project)
        choices = [("*", "All interviews")] + [(name, f"{name} ({len(ids)} interviews)") for name, ids in sets.items()]
        self.app.push_screen(ChoiceScreen("Run on which interviews?", choices,
                                          hint="S saves the interviews of the current result as a set"),
                             lambda name: self._set(set_name="" if name == "*" else name) if name else None)

    def action_save_set(self) -> None:
        from elc.tui.screens.dialogs import PromptScreen

        ids: set[int] = set()
        segs = None
        for seg_ids in self.cells.values():
            ids.update(seg_ids)
        if ids:
            kind = "turn" if self.current.kind == "text" else "sentence"
            segs = self._segments(kind)
        sources = sorted(set(segs[segs.id.isin(ids)].source_id.astype(int))) if segs is not None else []
        if not sources:
            self.app.notify("This result has no passages to make a set from.", severity="warning")
            return

        def done(name):
            if name and name.strip():
                try:
                    q.save_set(self.wb.project, name.strip(), sources)
                except ElcError as exc:
                    self.app.notify(str(exc), severity="error")
                    return
                self.app.notify(f"{len(sources)} interviews saved as the set “{name.strip()}”", title="Sets")

        self.app.push_screen(PromptScreen(f"Name the set of these {len(sources)} interviews"), done)

    def action_save_query(self) -> None:
        from elc.tui.screens.dialogs import PromptScreen

        def done(name):
            if not name or not name.strip():
                return
            self.current.name = name.strip()
            try:
                q.save_query(self.wb.project, self.current)
            except ElcError as exc:
                self.app.notify(str(exc), severity="error")
                return
            self.show()
            self.app.notify(f"saved the query “{self.current.name}”", title="Queries")

        self.app.push_screen(PromptScreen("Save this query as"), done)

    def action_load_query(self) -> None:
        from elc.tui.screens.dialogs import ChoiceScreen

        saved = {s.name: s for s in q.saved_queries(self.wb.project)}
        if not saved:
            self.app.notify("No saved queries yet: s saves the one on screen.", title="Queries")
            return

        def done(name):
            if name in saved:
                self.current = saved[name]
                self.run_query()

        self.app.push_screen(ChoiceScreen("Run a saved query", [(n, n) for n in saved]), done)

    def action_close(self) -> None:
        self.dismiss(None)


def open_from(main) -> None:
    main.app.push_screen(QueryScreen(main), main.jump_to)
