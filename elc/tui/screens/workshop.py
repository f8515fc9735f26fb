"""The workshop screen: the candidate changes in the room, and what the room decides about each.

``e`` endorse, ``a`` amend (new title), ``m`` merge into another change, ``x`` reject; ``v`` votes,
``p`` priority, ``o`` owner, ``n`` next steps; ``c`` a challenge (agree / challenge / new evidence).
Every decision is committed at once and audited with your coder name; the header counts
update as you go.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from elc.tui.screens.analysis import ListDetailScreen
from elc.tui.workshop_controller import ChangeLine, WorkshopController

STATE_STYLE = {"candidate": "dim", "endorsed": "bold green", "amended": "bold cyan", "merged": "yellow",
               "rejected": "red", "new": "bold magenta"}


class WorkshopScreen(ListDetailScreen):
    PREFIX = "workshop"
    DEFAULT_CSS = """
    WorkshopScreen #workshop-head { height: auto; padding: 0 1; border-bottom: solid $primary-background; }
    WorkshopScreen #workshop-list { width: 3fr; height: 1fr; border: none; border-right: solid $primary-background; }
    WorkshopScreen #workshop-scroll { width: 2fr; height: 1fr; }
    WorkshopScreen #workshop-detail { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("e", "endorse", "endorse"),
        Binding("a", "amend", "amend"),
        Binding("m", "merge", "merge"),
        Binding("x", "reject", "reject"),
        Binding("v", "votes", "votes"),
        Binding("p", "priority", "priority"),
        Binding("o", "owner", "owner"),
        Binding("n", "next_steps", "next steps"),
        Binding("c", "challenge", "challenge"),
        Binding("r", "reload", "reload", show=False),
    ]

    def __init__(self, wb) -> None:
        super().__init__(wb)
        self.ctl = WorkshopController(wb.project, wb.coder)
        self.lines: list[ChangeLine] = []

    def listed(self) -> list[ChangeLine]:
        return self.lines

    def action_reload(self) -> None:
        lst = self.query_one(OptionList)
        keep = lst.highlighted or 0
        self.lines = self.ctl.lines()
        options = []
        for x in self.lines:
            t = Text(overflow="fold")
            t.append(f"{x.position + 1}. ", style="dim")
            t.append(x.title, style="bold")
            t.append("\n   ")
            t.append(x.state + (f" into {x.merged_into}" if x.merged_into else ""), style=STATE_STYLE.get(x.state, ""))
            if x.votes is not None:
                t.append(f" · {x.votes} votes", style="dim")
            if x.priority is not None:
                t.append(f" · priority {x.priority}", style="dim")
            if x.challenges:
                t.append(f" · {x.challenges} response(s)", style="dim")
            options.append(Option(t))
        lst.set_options(options)
        if options:
            lst.highlighted = min(keep, len(options) - 1)
        c = self.ctl.counts(self.lines)
        head = Text()
        head.append("Challenge workshop", style="bold")
        head.append(f"  {c.workshop or 'no workshop recorded yet'} · {c.attendees} attendee(s) · ", style="dim")
        head.append(" · ".join(f"{k} {v}" for k, v in sorted(c.states.items())), style="dim")
        head.append(f" · {c.votes} votes · {c.challenges} response(s)", style="dim")
        self.set_head(head)
        self.show_detail()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_detail()

    def show_detail(self) -> None:
        x = self.current()
        out = Text()
        if x is None:
            out.append("No changes yet: load or add the candidate changes first ('elc changes').", style="bold")
        else:
            out.append(x.title + "\n", style="bold")
            out.append(f"State: {x.state}" + (f" (into change {x.merged_into})" if x.merged_into else "") + "\n",
                       style=STATE_STYLE.get(x.state, ""))
            out.append(f"Votes: {'' if x.votes is None else x.votes}\nPriority: "
                       f"{'' if x.priority is None else x.priority}\nOwner: {x.owner}\nNext steps: {x.next_steps}\n")
            out.append(f"Responses recorded: {x.challenges}\n", style="dim")
            out.append("\ne endorse · a amend · m merge · x reject · v votes · p priority · o owner · n next steps · "
                       "c challenge", style="dim")
        self.set_detail(out)

    # ------------------------------------------------------------------ actions
    def _do(self, fn, message: str) -> None:
        if self.attempt(lambda: fn() or True):
            self.app.notify(message, title="elc")
            self.action_reload()

    def _decide(self, decision: str, **fields) -> None:
        x = self.current()
        if x is not None:
            self._do(lambda: self.ctl.decide(x.id, decision, **fields), f"change {x.id}: {decision}")

    def action_endorse(self) -> None:
        self._decide("endorsed")

    def action_reject(self) -> None:
        self._decide("rejected")

    def action_amend(self) -> None:
        from elc.tui.screens.dialogs import PromptScreen

        x = self.current()
        if x is None:
            return

        def done(title) -> None:
            if title and title.strip():
                self._decide("amended", title=title.strip())

        self.app.push_screen(PromptScreen(f"Amend change {x.id}: its new title", x.title), done)

    def action_merge(self) -> None:
        from elc.tui.screens.dialogs import ChoiceScreen

        x = self.current()
        if x is None:
            return

        def done(target) -> None:
            if target:
                self._decide("merged", merged_into=int(target))

        self.app.push_screen(ChoiceScreen(f"Merge “{x.title}” into…", self.ctl.targets(x.id)), done)

    def _field(self, name: str, label: str, value) -> None:
        from elc.tui.screens.dialogs import PromptScreen

        x = self.current()
        if x is None:
            return

        def done(text) -> None:
            if text is not None:
                self._do(lambda: self.ctl.set_fields(x.id, **{name: text.strip()}), f"change {x.id}: {label} set")

        self.app.push_screen(PromptScreen(f"{label} for change {x.id}", "" if value is None else str(value)), done)

    def action_votes(self) -> None:
        x = self.current()
        self._field("votes", "votes", x.votes if x else None)

    def action_priority(self) -> None:
        x = self.current()
        self._field("priority", "priority", x.priority if x else None)

    def action_owner(self) -> None:
        x = self.current()
        self._field("owner", "owner", x.owner if x else "")

    def action_next_steps(self) -> None:
        x = self.current()
        self._field("next_steps", "next steps", x.next_steps if x else "")

    def action_challenge(self) -> None:
        from elc.tui.screens.dialogs import ChoiceScreen, PromptScreen

        x = self.current()
        if x is None:
            return

        def said(response) -> None:
            if not response:
                return

            def text(t) -> None:
                if t is not None:
                    self._do(lambda: self.ctl.challenge(x.id, response, t.strip()), f"change {x.id}: {response}")

            self.app.push_screen(PromptScreen(f"What was said ({response})", ""), text)

        self.app.push_screen(ChoiceScreen(f"Response to “{x.title}”", [("agree", "agree"), ("challenge", "challenge"),
                                                                        ("new-evidence", "new evidence")]), said)


def open_from(main) -> None:
    main.app.push_screen(WorkshopScreen(main.wb), lambda _: main.after_analysis())
