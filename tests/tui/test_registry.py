"""Analysis screens come from one registry: each entry is a key action and a module with open_from;
no two actions of a scope share a key."""

from importlib import import_module

from elc.tui import keymap
from elc.tui.screens.analysis import AnalysisScreen
from elc.tui.screens.registry import SCREENS

from .helpers import SIZE, make_app, run, started


def test_every_registered_screen_is_a_key_action_with_an_opener():
    for entry in SCREENS:
        action = keymap.BY_ID[entry.id]
        assert action.action_name == f"open_screen('{entry.id}')" and action.group == "Analyse"
        assert callable(import_module(f"elc.tui.screens.{entry.module}").open_from)


def test_no_key_is_bound_twice_in_a_scope():
    for scope in ("main", "app"):
        seen: dict[str, str] = {}
        for a in keymap.KEYMAP:
            if a.scope != scope or a.id in ("word_enter", "word_start_left", "word_start_right", "word_end_left",
                                              "word_end_right"):  # word mode reuses arrows on purpose
                continue
            for k in a.keys:
                assert k not in seen, f"{k} bound to {seen[k]} and {a.id}"
                seen[k] = a.id


def test_matrix_opens_from_its_key_and_closes_back(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(app, pilot)
            await pilot.press("M")
            await pilot.pause()
            assert isinstance(app.screen, AnalysisScreen) and type(app.screen).__name__ == "MatrixScreen"
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is main
    run(go())
