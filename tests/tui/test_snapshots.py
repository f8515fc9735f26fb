"""Snapshots (pytest-textual-snapshot) of the main screen, retrieve, help and the codebook editor.

Regenerate after a deliberate visual change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the SVGs under ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from elc.tui.app import make_app

from .conftest import SIZE
from .test_screens import add_suggestions, seed


def coded(elc_path):
    seed(elc_path, "alice", [
        (1, 3, "Making the booking", "to-improve"), (1, 4, "Waiting and delays", "to-improve"),
        (1, 6, "Relationship with crew (driver)", "working-well"), (1, 6, "Driver-patient relationship", "working-well"),
        (1, 8, "Early morning pick-ups", "to-improve"), (4, 3, "Making the booking", "neutral"),
        (2, 7, "Knowing when transport will arrive", "to-improve"), (2, 7, "Making the booking", "to-improve"),
    ])
    seed(elc_path, "bob", [(1, 11, "Waiting and delays", "to-improve")])
    add_suggestions(elc_path, [(1, 7, "Driver-patient relationship", 0.78, "working-well"),
                               (1, 7, "Relationship with crew (driver)", 0.64, None)])


def test_main_screen(elc_path, snap_compare):
    coded(elc_path)

    async def before(pilot):
        await pilot.pause()
        await pilot.press("J", "J", "J", "j")  # "Always has a chat.": two suggestions
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=SIZE, run_before=before)


def test_main_screen_word_selection_light_theme_with_others(elc_path, snap_compare):
    coded(elc_path)

    async def before(pilot):
        await pilot.pause()
        await pilot.press("t", "o", "G", "k", "w", "right", "right", "shift+left")
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=SIZE, run_before=before)


def test_retrieve_screen(elc_path, snap_compare):
    coded(elc_path)

    async def before(pilot):
        await pilot.pause()
        pilot.app.main_screen.open_retrieve(pilot.app.wb.project.code_id("Making the booking"))
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=SIZE, run_before=before)


def test_help_screen(elc_path, snap_compare):
    assert snap_compare(make_app(elc_path, "alice", source=1), press=["question_mark"], terminal_size=SIZE)


def test_codebook_editor(elc_path, snap_compare):
    coded(elc_path)

    async def before(pilot):
        await pilot.pause()
        await pilot.press("e", "down", "down", "down")
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=SIZE, run_before=before)


def test_themes_screen(themed_path, snap_compare):
    async def before(pilot):
        await pilot.pause()
        await pilot.press("T", "down", "space")
        await pilot.pause()

    assert snap_compare(make_app(themed_path, "alice", source=1), terminal_size=SIZE, run_before=before)


def test_matrix_screen(elc_path, snap_compare):
    coded(elc_path)

    async def before(pilot):
        await pilot.pause()
        await pilot.press("M", "right", "down")
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=SIZE, run_before=before)


def test_changes_screen(elc_path, snap_compare):
    import elc
    from elc.insights.changes import add_change

    coded(elc_path)
    p = elc.open_project(elc_path)
    add_change(p, "Answer the booking line within five minutes", rationale="People wait on hold for ages.",
               codes=["Making the booking", "Waiting and delays"])
    add_change(p, "Tell people when transport will arrive")
    p.close()

    async def before(pilot):
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=SIZE, run_before=before)


def test_compare_screen(elc_path, snap_compare):
    coded(elc_path)

    async def before(pilot):
        await pilot.pause()
        await pilot.press("V", "enter", "n")
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=SIZE, run_before=before)


def test_main_screen_80x24(elc_path, snap_compare):
    coded(elc_path)

    async def before(pilot):
        await pilot.pause()
        await pilot.press("J", "J", "J", "j", "3")
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=(80, 24), run_before=before)


def test_main_screen_200x50(elc_path, snap_compare):
    coded(elc_path)

    async def before(pilot):
        await pilot.pause()
        await pilot.press("J", "J", "J", "j")
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=(200, 50), run_before=before)


def test_query_screen(elc_path, snap_compare):
    coded(elc_path)

    async def before(pilot):
        await pilot.pause()
        await pilot.press("o", "Q", "2")
        await pilot.pause()

    assert snap_compare(make_app(elc_path, "alice", source=1), terminal_size=SIZE, run_before=before)
