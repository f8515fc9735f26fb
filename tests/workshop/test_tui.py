"""The workshop screen under Textual's Pilot: open it with W, endorse, merge, set votes, add a challenge."""

from __future__ import annotations

import pytest

from elc.tui.screens.dialogs import ChoiceScreen, PromptScreen
from elc.tui.screens.main import MainScreen
from tests.tui.conftest import FOUR_INTERVIEWS, SIZE, build_project, run
from tests.tui.helpers import make_app, started, type_text

from .conftest import CORPUS


@pytest.fixture
def tui_project(tmp_path):
    import elc
    from elc.insights.changes import load_changes_file

    path = build_project(tmp_path / "tui.elc", FOUR_INTERVIEWS)
    p = elc.open_project(path)
    load_changes_file(p, CORPUS / "changes.yaml")
    p.close()
    return path


def test_workshop_screen_records_decisions(tui_project):
    from elc.tui.screens.workshop import WorkshopScreen

    async def go():
        app = make_app(tui_project, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("W")
            assert isinstance(app.screen, WorkshopScreen)
            screen = app.screen
            assert [x.state for x in screen.lines] == ["candidate"] * 10
            await pilot.press("e")  # endorse change 1
            await pilot.pause()
            assert screen.lines[0].state == "endorsed"
            head = str(screen.query_one("#workshop-head").render())
            assert "endorsed 1" in head and "candidate 9" in head and "Workshop 1" in head
            await pilot.press("v")
            assert isinstance(app.screen, PromptScreen)
            await type_text(pilot, "12")
            await pilot.press("enter")
            await pilot.pause()
            assert screen.lines[0].votes == 12 and "12 votes" in str(screen.query_one("#workshop-head").render())
            await pilot.press("down", "down", "m")  # merge change 3 ...
            assert isinstance(app.screen, ChoiceScreen)
            await pilot.press("down", "enter")  # ... into change 2 (the list skips change 3 itself)
            await pilot.pause()
            assert (screen.lines[2].state, screen.lines[2].merged_into) == ("merged", 2)
            await pilot.press("c")
            await pilot.press("down", "enter")  # "challenge"
            await type_text(pilot, "Not for dialysis patients")
            await pilot.press("enter")
            await pilot.pause()
            assert screen.lines[2].challenges == 1
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)

    run(go())
    import elc
    from elc.store import workshop as ws

    p = elc.open_project(tui_project)
    try:
        states = {cid: d.decision for cid, d in ws.current_decisions(p).items()}
        assert states == {1: "endorsed", 3: "merged"}
        assert all(d.recorded_by == "alice" for d in ws.decisions(p))
        (c,) = ws.challenges(p)
        assert (c.finding, c.response, c.text) == ("change:3", "challenge", "Not for dialysis patients")
    finally:
        p.close()
