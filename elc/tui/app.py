"""The coding workbench app, its factory and runner.

``make_app`` is shared by ``elc code`` / ``elc demo`` and the tests (like posting's
``make_posting``)::

    app = make_app("nepts.elc", "alice", on_coding=refit)   # on_coding(CodingEvent) after each change
    app.run()
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType

import gc
import os
from collections.abc import Callable
from pathlib import Path

from textual.app import App

from elc.errors import ElcError
from elc.tui import keymap
from elc.tui.commands import ElcCommands
from elc.tui.controller import CodingEvent, Workbench
from elc.tui.settings import Settings, load_settings

THEMES = ("textual-dark", "textual-light")
_FROZEN: set[str] = set()


def _freeze_once(stage: str) -> None:
    """Move long-lived objects out of the cyclic garbage collector's way (``gc.freeze``).

    After imports: once per process. After a screen is up: every time, after a collection, so that a
    process making many apps (tests, benches) neither leaks the previous apps nor pays for them.
    """
    if stage == "mounted":
        gc.collect()
        gc.freeze()
    elif stage not in _FROZEN:
        _FROZEN.add(stage)
        gc.freeze()


def default_coder() -> str:
    """``$ELC_CODER``, else the login name."""
    from elc.coding.actions import default_coder as _default

    return _default("coder")


class ElcApp(App):
    """Keyboard-first coding workbench for one coder on one project."""

    CSS_PATH = "app.tcss"
    TITLE = "elc"
    BINDINGS: ClassVar[list[BindingType]] = list(keymap.bindings("app"))
    COMMANDS = App.COMMANDS | {ElcCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, project, coder: str, *, on_coding: Callable[[CodingEvent], None] | None = None,
                 show_others: bool = False, source: int | None = None, theme: str | None = None,
                 owns_project: bool = False, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.keys = self.settings.actions()  # the keymap with the user's keys, for help and the palette
        if self.settings.theme and self.settings.theme not in self.available_themes:
            from elc.tui.settings import SettingsError

            raise SettingsError(f"{self.settings.path}: theme: no theme '{self.settings.theme}' "
                                f"(themes: {', '.join(THEMES)})")
        self.project = project
        self.wb = Workbench(project, coder, show_others=show_others)
        self.wb.start_team_watch()
        if source is not None and not self.wb.has_source(source):
            ids = sorted(self.wb.source_order)
            known = f"{ids[0]}-{ids[-1]}" if ids else "none yet"
            raise ElcError(f"{project.location}: no source with id {source} (source ids: {known})")
        self.on_coding = on_coding
        self.start_source = source
        self.owns_project = owns_project
        self.start_theme = theme or os.environ.get("ELC_THEME") or self.settings.theme or THEMES[0]
        if self.start_theme in self.available_themes:
            self.theme = self.start_theme  # before the first screen: one stylesheet pass, not two
        self.events: list[CodingEvent] = []
        self.wb.listeners.append(self._coding_event)
        self.sub_title = f"{project.programme.name} · {self.wb.coder}"

    # the main screen is the default screen
    def get_default_screen(self):
        from elc.tui.screens.main import MainScreen

        self.main_screen = MainScreen(self.wb, self.start_source)
        return self.main_screen

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.textual_keymap())
        # Everything loaded so far (pandas, SQLAlchemy, the project) lives for the whole session:
        # keep it out of the garbage collector's way so key presses never pay for full collections.
        self.call_after_refresh(_freeze_once, "mounted")
        self.set_interval(float(os.environ.get("ELC_TEAM_POLL_SECONDS", "2") or 2), self.poll_team)

    def poll_team(self) -> None:
        """Live team view: other coders' commits refresh the open screens (blind stays blind)."""
        try:
            changes = self.wb.poll_team()
        except ElcError:
            return
        if not changes:
            return
        screens = [getattr(self, "main_screen", None), self.screen]
        for screen in dict.fromkeys(s for s in screens if s is not None):
            handler = getattr(screen, "team_changed", None)
            if handler is not None:
                handler(changes)

    def on_unmount(self) -> None:
        self.wb.close()
        if self.owns_project:
            self.project.close()

    # ------------------------------------------------------------------ hook
    def _coding_event(self, event: CodingEvent) -> None:
        self.events.append(event)
        hook = self.on_coding
        if hook is None:
            return

        def call() -> None:
            hook(event)

        self.run_worker(call, thread=True, group="on_coding", exit_on_error=False, name=f"on_coding:{event.action}")

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.worker.group == "on_coding" and event.state == WorkerState.ERROR:
            self.notify(f"the on_coding hook failed: {event.worker.error}", severity="warning", title="elc")

    def suggestions_updated(self, n: int = 0) -> None:
        """New suggestions were stored (e.g. by a background refit): show them for the cursor sentence."""
        screen = getattr(self, "main_screen", None)
        if screen is not None and screen.is_mounted:
            screen.refresh_detail()
            screen.say(f"suggestions refreshed ({n})")
            screen.refresh_status()

    # ------------------------------------------------------------------ app actions
    def action_help(self) -> None:
        from elc.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    async def action_quit(self) -> None:
        self.exit()


def make_app(project_path: str | Path, coder: str | None = None, *, on_coding=None, suggester=None,
             show_others: bool = False, source: int | None = None, theme: str | None = None,
             settings: Settings | None = None) -> ElcApp:
    """Open ``project_path`` and build the app for ``coder`` (default ``$ELC_CODER`` or the login name).

    ``on_coding`` (alias ``suggester``) is called with a :class:`CodingEvent` in a worker thread after
    every committed coding change, so a background suggestion refit can be wired in without touching
    widgets. ``settings`` defaults to the user's settings file (:mod:`elc.tui.settings`). Raises
    :class:`elc.errors.ElcError` for a missing or invalid project or a broken settings file.
    """
    from elc import open_project

    settings = settings if settings is not None else load_settings()
    _freeze_once("imported")  # the modules just imported live as long as the app: out of collections
    project = open_project(project_path)
    try:
        return ElcApp(project, (coder or default_coder()), on_coding=on_coding or suggester,
                      show_others=show_others, source=source, theme=theme, owns_project=True,
                      settings=settings)
    except Exception:
        project.close()
        raise


def run_app(project_path: str | Path, coder: str | None = None, *, live_suggestions: bool = False,
            **opts) -> None:
    """Run the workbench in the terminal until the coder quits (everything is already saved).

    With ``live_suggestions`` the suggestion model refits in the background every few codings
    and the detail pane refreshes when new suggestions are stored.
    """
    coder = coder or default_coder()
    refits = None
    holder: dict = {}
    if live_suggestions:
        from elc.suggest.live import LiveSuggestions

        def updated(n: int) -> None:  # called on the refit thread
            app = holder.get("app")
            if app is not None and app.is_running:
                try:
                    app.call_from_thread(app.suggestions_updated, n)
                except RuntimeError:
                    pass

        refits = LiveSuggestions(str(project_path), coder, on_update=updated)
    app = make_app(project_path, coder, on_coding=refits.notify if refits else None, **opts)
    holder["app"] = app
    try:
        if refits is not None:
            refits.start()
        app.run()
    finally:
        if refits is not None:
            refits.close()
