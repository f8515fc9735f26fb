"""App-wide: help, command palette, themes, errors shown as notifications."""

from __future__ import annotations

from .helpers import SIZE, codings, make_app, run, started, type_text
from elc.tui.screens.main import MainScreen


def test_help_screen_lists_every_key(elc_path):
    async def go():
        from rich.console import Console

        from elc.tui import keymap
        from elc.tui.screens.help import HelpScreen, group_table

        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            titles = [w.border_title for w in app.screen.query(".help-group")]
            assert titles == [g for g, actions in keymap.grouped() if actions]
            console = Console(width=200, record=True, file=open("/dev/null", "w"))
            for group, actions in keymap.grouped():
                console.print(group_table(group, actions))
            text = console.export_text()
            for a in keymap.KEYMAP:
                assert a.description in text
                assert keymap.keys_text(a) in text
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
    run(go())


def test_command_palette_runs_actions_and_codes(elc_path):
    async def go():
        from textual.command import CommandPalette

        from elc.tui.screens.retrieve import RetrieveScreen

        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("ctrl+p")
            assert isinstance(app.screen, CommandPalette)
            await type_text(pilot, "apply code: making the")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert list(codings(elc_path).code) == ["Making the booking"]
            await pilot.press("ctrl+p")
            await type_text(pilot, "retrieve: making")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert isinstance(app.screen, RetrieveScreen)
    run(go())


def test_palette_provider_lists_keymap_actions_with_keys(elc_path):
    async def go():
        from elc.tui import keymap
        from elc.tui.commands import ElcCommands

        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            provider = ElcCommands(app.screen)
            hits = [h async for h in provider.discover()]
            texts = {h.text: h.help for h in hits}
            for a in keymap.KEYMAP:
                if a.palette:
                    assert a.description in texts
            assert texts["Undo your last coding action"].startswith("^z u")
    run(go())


def test_theme_toggle_and_sources_pane_toggle(elc_path):
    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            assert app.theme == "textual-dark"
            await pilot.press("t")
            assert app.theme == "textual-light"
            await pilot.press("t")
            assert app.theme == "textual-dark"
            await pilot.press("ctrl+b")
            assert not screen.query_one("SourcesPane").display
            await pilot.press("ctrl+b")
            assert screen.query_one("SourcesPane").display
    run(go())


def test_user_errors_are_notifications_not_crashes(elc_path):
    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("x", "a", "d", "s")  # nothing to remove, no suggestions
            screen.apply_code(99999)  # unknown code: a CodingError from the library
            await pilot.pause()
            messages = " | ".join(n.message for n in app._notifications)
            assert "No coding here to remove" in messages
            assert "No suggestions" in messages
            assert "no code with id 99999" in messages
            assert app.is_running
    run(go())


def test_empty_project_opens_and_explains(tmp_path):
    from elc import new_project

    from .conftest import CODEBOOK, GUIDE

    new_project(tmp_path / "empty.elc", GUIDE, CODEBOOK).close()

    async def go():
        app = make_app(tmp_path / "empty.elc", "alice")
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            assert screen.doc is None
            await pilot.press("j", "J", "w", "shift+down", "1", "n", "a", "x", "u", "f", "escape", "slash", "escape")
            assert app.is_running and isinstance(app.screen, MainScreen)
            messages = " | ".join(n.message for n in app._notifications)
            assert "Open a source first" in messages
            text = app.screen._compositor.render_strips()
            assert any("No transcripts in this project yet" in strip.text for strip in text)
            assert any("elc import" in strip.text for strip in text)
    run(go())
