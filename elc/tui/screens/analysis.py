"""What every analysis screen shares: Esc/q back to the transcript, the workbench, errors shown as
one notification (never a traceback), and the head line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

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
