"""What every analysis screen shares: Esc/q back to the transcript, the workbench, errors shown as
one notification (never a traceback), and the head line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static

from elc.errors import ElcError

T = TypeVar("T")


class AnalysisScreen(Screen[None]):
    """Base class: subclasses compose their widgets (a ``Static`` head with id ``HEAD``) and bindings."""

    BINDINGS = [Binding("escape,q", "close", "back")]
    HEAD = ""  # the id of the head line
    NOTIFY_TITLE = "elc"

    def __init__(self, wb) -> None:
        super().__init__()
        self.wb = wb

    def attempt(self, fn: Callable[..., T], *args, default: T | None = None, **kwargs) -> T | None:
        """``fn(*args)``; an :class:`ElcError` becomes an error notification and ``default``."""
        try:
            return fn(*args, **kwargs)
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title=self.NOTIFY_TITLE)
            return default

    def set_head(self, text: Text | str) -> None:
        self.query_one(f"#{self.HEAD}", Static).update(text)

    def result(self):
        """What the screen returns to the main screen when closed (None by default)."""
        return None

    def action_close(self) -> None:
        self.dismiss(self.result())


class ListDetailScreen(AnalysisScreen):
    """An analysis screen of a head line, a list on the left and the highlighted item's detail
    on the right (changes, workshop). ``PREFIX`` names the widgets (``PREFIX-head``,
    ``-list``, ``-scroll``, ``-detail``); subclasses give ``listed()`` (the list's items, in
    order) and ``action_reload``."""

    PREFIX = ""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.PREFIX:
            cls.HEAD = f"{cls.PREFIX}-head"

    def compose(self) -> ComposeResult:
        yield Static("", id=f"{self.PREFIX}-head")
        with Horizontal():
            yield OptionList(id=f"{self.PREFIX}-list")
            with VerticalScroll(id=f"{self.PREFIX}-scroll"):
                yield Static("", id=f"{self.PREFIX}-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one(OptionList).focus()

    def listed(self) -> list:
        raise NotImplementedError

    def action_reload(self) -> None:
        raise NotImplementedError

    def current(self):
        """The highlighted item, or None."""
        items = self.listed()
        i = self.query_one(OptionList).highlighted
        return items[i] if i is not None and 0 <= i < len(items) else None

    def set_detail(self, text: Text | str) -> None:
        self.query_one(f"#{self.PREFIX}-detail", Static).update(text)
