"""De-identification review: every replacement, grouped by entity, in its sentence, the
groups holding the least certain unreviewed detections first.

Push it with ``app.push_screen(DeidReviewScreen(project, reviewer))``; it dismisses with ``True``
when a decision changed stored text (so the caller can reload what it shows). Every key press
is committed at once through :mod:`elc.deid.review`:

* up/down move between occurrences (group headers are skipped)
* ``a`` accept the occurrence, ``r`` reject it (its original is restored from the originals file)
* ``A`` / ``R`` accept / reject the whole entity group
* ``D`` done with this transcript: accept every detection of its source not yet reviewed (the
  source then counts as reviewed)
* ``n`` add a name the detector missed (``Name`` or ``Name:ORG``); it is replaced everywhere
* ``u`` show only unreviewed occurrences, or everything again
* ``escape`` back
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from elc.errors import ElcError
from elc.tui.screens.dialogs import PromptScreen

STATUS_GLYPH = {"auto": "·", "accepted": "✓", "rejected": "✗", "added": "+"}
STATUS_STYLE = {"auto": "bold", "accepted": "green", "rejected": "red", "added": "cyan"}
UNREVIEWED = ("auto", "added")


class NameDialog(PromptScreen):
    """Ask for a name to replace everywhere; Enter saves, Escape cancels.

    Carries its own layout so the screen also works outside the workbench's stylesheet."""

    DEFAULT_CSS = """
    NameDialog { align: center middle; }
    NameDialog > Vertical { width: 64; height: auto; padding: 1 2; border: round $accent; background: $surface; }
    NameDialog .dialog-hint { color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__("Add a name to replace everywhere", placeholder="e.g. Edna, or Kestrel Grange:ORG",
                         hint="Enter: replace in every transcript and on later imports · Esc: cancel")


def split_label(value: str) -> tuple[str, str]:
    """``"Kestrel Grange:ORG"`` -> (``"Kestrel Grange"``, ``"ORG"``); the label defaults to PERSON."""
    from elc.deid.types import LABELS

    name, sep, label = value.rpartition(":")
    if sep and label.strip().upper() in LABELS and name.strip():
        return name.strip(), label.strip().upper()
    return value.strip(), "PERSON"


class DeidReviewScreen(Screen[bool]):
    """Review the project's de-identification, one keypress per decision."""

    DEFAULT_CSS = """
    DeidReviewScreen #deid-head { height: auto; padding: 0 1; border-bottom: solid $primary-background; }
    DeidReviewScreen #deid-list { height: 1fr; border: none; }
    DeidReviewScreen #deid-list > .option-list--option-disabled { color: $text; text-style: bold; }
    DeidReviewScreen #deid-detail { height: auto; max-height: 4; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("a", "accept", "accept"),
        Binding("r", "reject", "reject (restore)"),
        Binding("A", "accept_group", "accept group"),
        Binding("R", "reject_group", "reject group"),
        Binding("D", "accept_source", "accept rest of transcript"),
        Binding("n", "add_name", "add name"),
        Binding("u", "toggle_unreviewed", "unreviewed only"),
    ]

    def __init__(self, project, reviewer: str) -> None:
        super().__init__()
        self.project = project
        self.reviewer = reviewer
        self.only_unreviewed = False
        self.changed = False
        self.rows: dict[int, dict] = {}  # detection id -> row
        self.groups: dict[str, list[int]] = {}  # entity -> detection ids, in order
        self.order: list[int] = []  # detection ids in list order

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("", id="deid-head")
        yield OptionList(id="deid-list")
        yield Static("", id="deid-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    # ------------------------------------------------------------------ data
    def reload(self, keep: int | None = None) -> None:
        """Read the detections again and rebuild the list, keeping the cursor on ``keep``."""
        from elc.deid import review

        df = review.detections(self.project, order_by="risk")
        rows = df.to_dict("records")
        total = len(rows)
        if self.only_unreviewed:
            rows = [r for r in rows if r["status"] in UNREVIEWED]
        self.rows = {int(r["id"]): r for r in rows}
        self.groups = {}
        for r in rows:
            self.groups.setdefault(r["entity"], []).append(int(r["id"]))
        options: list[Option] = []
        self.order = []
        for entity, ids in self.groups.items():
            first = self.rows[ids[0]]
            counts: dict[str, int] = {}
            for i in ids:
                counts[self.rows[i]["status"]] = counts.get(self.rows[i]["status"], 0) + 1
            head = Text()
            head.append(first["replacement"], style="bold reverse")
            if entity != first["replacement"]:
                head.append(f" {entity[len(first['replacement']) + 1:]}", style="italic")
            head.append(f"  {first['label']}  {len(ids)}×   ", style="dim")
            head.append(" · ".join(f"{k} {v}" for k, v in counts.items()), style="dim")
            options.append(Option(head, disabled=True))
            for i in ids:
                options.append(Option(self._occurrence(self.rows[i]), id=str(i)))
                self.order.append(i)
        lst = self.query_one(OptionList)
        lst.set_options(options)
        self._head(total, len(rows))
        if self.order:
            target = keep if keep in self.rows else self.order[0]
            lst.highlighted = lst.get_option_index(str(target))
        self._detail()

    def _occurrence(self, r: dict) -> Text:
        t = Text(overflow="fold")
        status = r["status"]
        t.append(f" {STATUS_GLYPH.get(status, '?')} ", style=STATUS_STYLE.get(status, ""))
        who = r["participant_id"] or r["source"]
        t.append(f"{who} ", style="bold")
        t.append(f"#{r['id']}  ", style="dim")
        sentence, a, b = r["sentence"], int(r["tag_start"]), int(r["tag_end"])
        t.append(sentence[:a].replace("\n", " "))
        t.append(sentence[a:b], style="bold reverse" if status != "rejected" else "bold red")
        t.append(sentence[b:].replace("\n", " "))
        if r.get("original") and status != "rejected":
            t.append(f"   ← {r['original']}", style="italic dim")
        return t

    def _head(self, total: int, shown: int) -> None:
        from elc.deid import originals as orig

        info = orig.status(self.project)
        text = Text()
        text.append("De-identification review", style="bold")
        text.append(f"  · reviewer {self.reviewer} · {total} detection(s) in {len(self.groups)} group(s)")
        from elc.deid import review

        text.append("\n" + review.review_summary(self.project).line(), style="italic")
        if self.only_unreviewed:
            text.append(f" · showing {shown} unreviewed", style="italic")
        if info.get("purged"):
            text.append("\noriginals purged: rejections cannot restore anything", style="red")
        elif not info.get("keep") or not info.get("exists"):
            text.append("\noriginals not kept: rejections cannot restore anything", style="yellow")
        self.query_one("#deid-head", Static).update(text)

    def current(self) -> dict | None:
        opt = self.query_one(OptionList).highlighted_option
        if opt is None or opt.id is None:
            return None
        return self.rows.get(int(opt.id))

    def _detail(self) -> None:
        r = self.current()
        text = Text()
        if r is not None:
            text.append(f"{r['source']} · {r['participant_id'] or 'no participant'} · {r['community'] or '-'} · "
                        f"detection {r['id']} by {r['detector']} · {r['status']}")
            if r.get("reviewer"):
                text.append(f" by {r['reviewer']}")
        self.query_one("#deid-detail", Static).update(text)

    @on(OptionList.OptionHighlighted)
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        self._detail()

    # ------------------------------------------------------------------ decisions
    def _decide(self, fn, what: list[int] | int, then: int | None) -> bool:
        """Run ``review.<fn>`` on detection ids (or, for accept_source, a source id)."""
        from elc.deid import review

        try:
            outcome = getattr(review, fn)(self.project, self.reviewer, what)
        except ElcError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        self.changed = True
        self.reload(keep=then)
        self.notify(str(outcome), timeout=3)
        return True

    def _next_after(self, ids: list[int]) -> int | None:
        """The occurrence to land on after deciding ``ids``: the next one below them."""
        if not self.order:
            return None
        last = max(self.order.index(i) for i in ids if i in self.order)
        if last + 1 < len(self.order):
            return self.order[last + 1]
        return self.order[min(self.order.index(ids[0]), len(self.order) - 1)]

    def action_accept(self) -> None:
        r = self.current()
        if r is not None:
            self._decide("accept", [int(r["id"])], self._next_after([int(r["id"])]))

    def action_reject(self) -> None:
        r = self.current()
        if r is not None:
            self._decide("reject", [int(r["id"])], self._next_after([int(r["id"])]))

    def _group(self) -> list[int]:
        r = self.current()
        return list(self.groups.get(r["entity"], [])) if r is not None else []

    def action_accept_group(self) -> None:
        ids = self._group()
        if ids:
            self._decide("accept", ids, self._next_after(ids))

    def action_reject_group(self) -> None:
        ids = [i for i in self._group() if self.rows[i]["status"] != "rejected"]
        if ids:
            self._decide("reject", ids, self._next_after(ids))

    def action_accept_source(self) -> None:
        r = self.current()
        if r is None:
            return
        ids = [i for i, row in self.rows.items()
               if row["source_id"] == r["source_id"] and row["status"] == "auto"]
        if ids:
            self._decide("accept_source", int(r["source_id"]), self._next_after(ids))

    def action_add_name(self) -> None:
        def done(value: str | None) -> None:
            if not value or not value.strip():
                return
            from elc.deid import review

            name, label = split_label(value)
            keep = self.current()
            try:
                outcome = review.add_name(self.project, self.reviewer, name, label)
            except ElcError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.changed = True
            self.reload(keep=outcome.detection_ids[0] if outcome.detection_ids else (keep or {}).get("id"))
            self.notify(str(outcome), timeout=4)

        self.app.push_screen(NameDialog(), done)

    def action_toggle_unreviewed(self) -> None:
        r = self.current()
        self.only_unreviewed = not self.only_unreviewed
        self.reload(keep=int(r["id"]) if r else None)

    def action_close(self) -> None:
        self.dismiss(self.changed)


__all__ = ["DeidReviewScreen", "NameDialog", "split_label"]


def open_from(main) -> None:
    main.app.push_screen(DeidReviewScreen(main.wb.project, main.wb.coder), main.after_reviewing_deidentification)
