"""Themes of the latest run: who raised each, by community, with quotes; the researcher's decisions.

The list shows every theme (label, keywords, size, participants per community); the right pane the
selected theme's share per community as bars, valence balance, touchpoints and quotes with the
participant's pseudonym and community. ``R`` re-runs the theme model in a worker thread (the UI
stays live); ``n`` rename, ``m`` merge the marked themes (space marks), ``x`` discard, ``p`` promote
to a code. Decisions go through :func:`elc.themes.service.add_decision`: they apply at once to the
stored themes without refitting (a rename only relabels, so the list keeps its order) and again
after every re-run.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from elc.errors import ElcError
from elc.tui.screens.analysis import AnalysisScreen
from elc.tui.controller import Workbench
from elc.tui.screens.changes import bar

METHOD_NOTE = {"bertopic-kmeans": "small corpus", "bertopic-hdbscan": "density clusters"}


def method_text(method: str | None) -> str:
    if not method:
        return "unknown method"
    note = METHOD_NOTE.get(method)
    return f"{method} ({note})" if note else method


def _int(v) -> int:
    try:
        return int(v) if v == v else 0
    except (TypeError, ValueError):
        return 0


def _items(value, sep: str) -> list[str]:
    """The non-empty items of a ``sep``-separated cell (a missing cell reads as "nan": dropped too)."""
    return [x.strip() for x in str(value or "").split(sep) if x.strip() and x.strip() != "nan"]


def _touchpoints(recs: list[dict]) -> list[str]:
    """The theme's most coded touchpoints with their counts over every community ("name (n)");
    a run stored before that column existed lists each community's own, named."""
    whole = _items(recs[0].get("theme_touchpoints"), ";") if recs else []
    if whole:
        return whole
    return [f"{r['community']}: {r['touchpoints']}" for r in recs if _items(r.get("touchpoints"), ";")]


def _theme(tid: int, recs: list[dict]) -> dict:
    first = recs[0]
    return {
        "id": tid, "label": str(first["label"]), "phrases": _items(first.get("phrases"), ";"),
        "subthemes": _items(first.get("subthemes"), ";"),
        "quote_ids": [int(x) for x in str(first.get("theme_quote_ids") or "").split(";") if x.strip().isdigit()],
        "keywords": [k.strip() for k in str(first["keywords"] or "").split(",") if k.strip()],
        "size": _int(first["theme_size"]), "participants": _int(first["theme_participants"]),
        "communities": recs, "touchpoints": _touchpoints(recs),
        "valence": {k: sum(_int(r.get(k)) for r in recs) for k in ("to_improve", "working_well", "neutral",
                                                                     "uncoded")},
    }


def summarise(run: dict | None, order: list[str]) -> list[dict]:
    """One dict per theme (not the unassigned -1) from the run's theme × community table."""
    if run is None or not len(run["table"]):
        return []
    rank = {k: i for i, k in enumerate(order)}
    out = []
    for tid, rows in run["table"].groupby("theme_id", sort=False):
        if int(tid) < 0:
            continue
        recs = sorted(rows.to_dict("records"), key=lambda r: rank.get(r["community"], len(rank)))
        out.append(_theme(int(tid), recs))
    return out


class ThemesScreen(AnalysisScreen):
    DEFAULT_CSS = """
    ThemesScreen #themes-head { height: auto; padding: 0 1; border-bottom: solid $primary-background; }
    ThemesScreen #themes-list { width: 2fr; height: 1fr; border: none; border-right: solid $primary-background; }
    ThemesScreen #themes-scroll { width: 3fr; height: 1fr; }
    ThemesScreen #themes-detail { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("R", "rerun", "re-run"),
        Binding("space", "toggle_mark", "mark"),
        Binding("n", "rename", "rename"),
        Binding("m", "merge", "merge marked"),
        Binding("x", "discard", "discard"),
        Binding("p", "promote", "promote to code"),
    ]

    def __init__(self, wb: Workbench) -> None:
        super().__init__(wb)
        self.run: dict | None = None
        self.themes: list[dict] = []
        self.marked: set[int] = set()
        self.running = False
        self.segments: dict[int, dict] = {}
        self.contexts: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="themes-head")
        with Horizontal():
            yield OptionList(id="themes-list")
            with VerticalScroll(id="themes-scroll"):
                yield Static("", id="themes-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        try:
            self.run = self.wb.theme_run()
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title="elc")
            self.run = None
        self.themes = summarise(self.run, [k for k, _, _ in self.wb.communities])
        ids = {t["id"] for t in self.themes}
        self.marked &= ids
        wanted = set()
        self.contexts = {}
        if self.run is not None:
            t = self.run["table"]
            wanted = {int(x) for x in t.quote_segment_id.dropna()} if "quote_segment_id" in t else set()
            wanted |= set(self.run["assignments"])
            self.contexts = ({int(i): str(c) for i, c in zip(t.quote_segment_id, t.quote_context)
                              if i == i and isinstance(c, str) and c} if "quote_context" in t else {})
        self.segments = self.wb.segment_rows(wanted) if wanted else {}
        lst = self.query_one(OptionList)
        keep = lst.highlighted or 0
        lst.set_options([Option(self.prompt(t)) for t in self.themes])
        if self.themes:
            lst.highlighted = min(keep, len(self.themes) - 1)
        self.show_head()
        self.show_detail()

    def prompt(self, t: dict) -> Text:
        out = Text(overflow="fold")
        out.append("◆ " if t["id"] in self.marked else "  ", style="bold")
        out.append(t["label"] + "\n", style="bold")
        also = t.get("phrases", [])[1:3] or t["keywords"][:4]
        out.append("  " + "; ".join(also) + "\n", style="italic")
        per = [f"{r['community']} {_int(r['participants'])}/{_int(r['community_participants'])}"
               + ("★" if r.get("distinctive") is True else "") for r in t["communities"]]
        out.append(f"  size {t['size']} · " + " · ".join(per), style="dim")
        return out

    def show_head(self) -> None:
        head = Text()
        head.append("Themes", style="bold")
        if self.running:
            head.append("  ⟳ finding themes in the background… (a few seconds; keep working)", style="bold")
        elif self.run is None:
            head.append("  no theme run yet: press R to find themes in the interviews", style="bold")
        else:
            params = self.run.get("params") or {}
            head.append(f"  {len(self.themes)} themes · {method_text(self.run.get('method'))} · "
                        f"{params.get('segments', '?')} segments · {params.get('decisions', 0)} decisions applied",
                        style="dim")
        if self.marked:
            head.append(f"\nmarked for merging: {len(self.marked)} (m merges them)", style="bold")
        self.query_one("#themes-head", Static).update(head)

    def current(self) -> dict | None:
        i = self.query_one(OptionList).highlighted
        return self.themes[i] if i is not None and 0 <= i < len(self.themes) else None

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_detail()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle_mark()

    def quotes(self, t: dict, k: int = 5) -> list[dict]:
        """The theme's most representative participant sentences, then each community's."""
        out, seen = [], set()
        for sid in t.get("quote_ids", []):
            if sid in self.segments and sid not in seen:
                out.append(self.segments[sid])
                seen.add(sid)
        for r in t["communities"]:
            sid = r.get("quote_segment_id")
            if sid is not None and sid == sid and int(sid) in self.segments and int(sid) not in seen:
                out.append(self.segments[int(sid)])
                seen.add(int(sid))
        if self.run is not None:
            for sid, theme in self.run["assignments"].items():
                if len(out) >= k:
                    break
                if int(theme) == t["id"] and sid not in seen and sid in self.segments:
                    out.append(self.segments[sid])
                    seen.add(sid)
        return out[:k]

    def show_detail(self) -> None:
        out = Text()
        t = self.current()
        if t is None:
            out.append("No themes to show." if self.run is not None else "No themes yet.", style="bold")
            out.append("\nR finds themes in the participants' words (a few seconds, in the background).",
                       style="dim")
            self.query_one("#themes-detail", Static).update(out)
            return
        names = {k: n for k, n, _ in self.wb.communities}
        out.append(t["label"] + "\n", style="bold")
        if t.get("phrases", [])[1:]:
            out.append("also: " + "; ".join(t["phrases"][1:]) + "\n", style="italic")
        out.append("keywords: " + ", ".join(t["keywords"]) + "\n", style="italic dim")
        out.append(f"{t['size']} segments from {t['participants']} participants\n\n")
        out.append("Participants per community\n", style="bold underline")
        for r in t["communities"]:
            n, of = _int(r["participants"]), _int(r["community_participants"])
            out.append(f"{str(names.get(r['community'], r['community']))[:30]:<30} ")
            out.append(bar(n / of if of else 0), style="green" if n else "dim")
            out.append(f" {n}/{of}")
            out.append(f"  ({_int(r['segments'])} of {_int(r['community_segments'])} segments)", style="dim")
            if r.get("distinctive") is True:
                out.append(f"  ★ distinctive (z {float(r.get('log_odds_z') or 0):+.1f})", style="bold")
            out.append("\n")
        v = t["valence"]
        out.append("\nValence  ", style="bold")
        out.append(f"▼ {v['to_improve']} to improve  ▲ {v['working_well']} working well  "
                   f"● {v['neutral']} neutral  · {v['uncoded']} uncoded\n")
        out.append("Touchpoints  ", style="bold")
        out.append(("; ".join(t["touchpoints"]) or "none coded yet") + "\n")
        if t.get("subthemes"):
            out.append("Sub-themes  ", style="bold")
            out.append("; ".join(t["subthemes"]) + "\n")
        quotes = self.quotes(t)
        if quotes:
            out.append("\nQuotes\n", style="bold underline")
            for q in quotes:
                community = names.get(q.get("community"), q.get("community") or "-")
                out.append(f"{q.get('participant_id') or '?'}, {community}", style="bold")
                out.append(f"  “{' '.join(str(q.get('text') or '').split())}”\n")
                qid = q.get("id")
                if qid is not None and self.contexts.get(int(qid)):
                    out.append(f"    in context: {self.contexts[int(qid)]}\n", style="dim")
        self.query_one("#themes-detail", Static).update(out)

    # ------------------------------------------------------------------ re-run in a worker
    def action_rerun(self) -> None:
        if self.running:
            self.app.notify("themes are already being found", title="elc")
            return
        self.running = True
        self.query_one(OptionList).loading = True
        self.show_head()
        self.run_worker(self.wb.run_themes, name="themes", group="themes", thread=True, exclusive=True,
                        exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "themes" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                                   WorkerState.CANCELLED):
            return
        event.stop()
        self.running = False
        self.query_one(OptionList).loading = False
        if event.state == WorkerState.SUCCESS:
            self.reload()
            self.app.notify(f"{len(self.themes)} themes found with {method_text(event.worker.result)}",
                            title="elc")
        else:
            self.reload()
            if event.state == WorkerState.ERROR:
                self.app.notify(f"finding themes failed: {event.worker.error}", severity="error", title="elc")

    # ------------------------------------------------------------------ decisions
    def decide(self, action: str, themes: list[int], label: str | None = None) -> bool:
        if self.running:
            self.app.notify("wait for the themes being found, then decide", title="elc")
            return False
        try:
            self.wb.theme_decision(action, themes, label)
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title="elc")
            return False
        self.app.notify(f"{action}: applied to the stored themes (no refit)", title="elc")
        self.marked.clear()
        self.reload()
        return True

    def action_toggle_mark(self) -> None:
        t = self.current()
        if t is None:
            return
        self.marked ^= {t["id"]}
        i = self.query_one(OptionList).highlighted
        if i is not None:
            self.query_one(OptionList).replace_option_prompt_at_index(i, self.prompt(t))
        self.show_head()

    def _ask(self, title: str, value: str, then) -> None:
        from elc.tui.screens.dialogs import PromptScreen

        def done(text) -> None:
            if text is not None and text.strip():
                then(text.strip())

        self.app.push_screen(PromptScreen(title, value), done)

    def action_rename(self) -> None:
        t = self.current()
        if t is not None:
            self._ask(f"Rename theme “{t['label']}”", t["label"],
                      lambda label: self.decide("rename", [t["id"]], label))

    def action_merge(self) -> None:
        t = self.current()
        ids = sorted(self.marked | ({t["id"]} if t is not None and len(self.marked) == 1 else set()))
        if len(ids) < 2:
            self.app.notify("mark two or more themes with space, then m to merge them", title="elc")
            return
        labels = [x["label"] for x in self.themes if x["id"] in ids]
        self._ask(f"Label for the merged theme ({len(ids)} themes)", labels[0],
                  lambda label: self.decide("merge", ids, label))

    def action_discard(self) -> None:
        t = self.current()
        if t is not None:
            self.decide("discard", [t["id"]])

    def action_promote(self) -> None:
        t = self.current()
        if t is not None:
            self._ask(f"Promote “{t['label']}” to a code named", t["label"],
                      lambda name: self.decide("promote", [t["id"]], name))



def open_from(main) -> None:
    main.app.push_screen(ThemesScreen(main.wb), lambda _: main.after_analysis())
