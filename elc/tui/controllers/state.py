"""What the per-feature controllers share: the project, the coder, the "show others" switch and the
caches that make moving around instant. One object, so a change made through one controller is seen
by every other (the codebook pane, the transcript, the progress counts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elc.tui.controllers.records import CodeView, CodingView, SourceDoc


@dataclass
class WorkbenchState:
    project: Any
    coder: str
    show_others: bool = False
    docs: dict[int, SourceDoc] = field(default_factory=dict)  # loaded sources (at most nine)
    codes: list[CodeView] | None = None  # every code, flat, as stored
    counts: dict[int, int] | None = None  # code id -> codings visible to this coder
    views: dict = field(default_factory=dict)  # code lists built for the panes
    code_map: dict[int, CodeView] | None = None
    codings: dict[int, list[CodingView]] = field(default_factory=dict)  # per source, everyone's

    def codings_changed(self) -> None:
        """A coding was added, changed or removed: counts and the pane views are stale."""
        self.counts = None
        self.views.clear()

    def codebook_changed(self) -> None:
        """A code was added, renamed, moved, merged...: every code list is stale."""
        self.codes = None
        self.code_map = None
        self.codings_changed()
