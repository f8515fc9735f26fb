"""Noticing other coders' commits while the workbench is open (:class:`elc.store.watch.TeamWatch`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from elc.tui.controllers.state import WorkbenchState

if TYPE_CHECKING:
    from elc.store.watch import TeamWatch


class TeamController:
    """Polls for other coders' commits and drops the caches they make stale."""

    def __init__(self, state: WorkbenchState):
        self.state = state
        self.project = state.project
        self.coder = state.coder
        self._watch: TeamWatch | None = None  # elc.store.watch.TeamWatch: start_team_watch() (the app, at start) or first poll

    def start_team_watch(self) -> None:
        """Take "now" as the point other coders' commits are noticed from (the app does this as soon as
        the workbench has loaded, so nothing committed before its first poll is missed)."""
        from elc.store.watch import TeamWatch

        if self._watch is None:
            self._watch = TeamWatch(self.project.engine, self.coder)

    def poll_team(self):
        """Other coders' commits since the last call (:class:`elc.store.watch.TeamChanges`, falsy
        when none); the caches they affect are dropped. Own codings and progress are unaffected,
        and in blind mode nothing of theirs is shown."""
        self.start_team_watch()
        assert self._watch is not None
        changes = self._watch.poll()
        if changes.codebook:
            self.state.codebook_changed()
        if changes.coders:
            self.state.counts = None
            self.state.views.clear()
            self.state.codings.clear()
        return changes

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None

