"""De-identification review from the workbench: the review rewrites stored text, so every
loaded document and coding cache must go."""

from __future__ import annotations

from elc.tui.controllers.sources import SourcesController
from elc.tui.controllers.state import WorkbenchState


class DeidController:
    """What the workbench does around a de-identification review."""

    def __init__(self, state: WorkbenchState, sources: SourcesController):
        self.state = state
        self.sources = sources

    def reload_texts(self) -> None:
        """Stored text changed (de-identification review): forget the loaded documents and codings."""
        self.state.docs.clear()
        self.sources.invalidate()

