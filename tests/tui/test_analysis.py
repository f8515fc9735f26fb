"""The analysis screens: themes, insight matrix, high-impact changes, coder comparison, de-identification."""

from __future__ import annotations

import shutil
import time

import pytest
from textual.widgets import DataTable, OptionList

from elc.tui.screens.dialogs import ChoiceScreen, PickerScreen, PromptScreen
from elc.tui.screens.main import MainScreen

from .helpers import SIZE, codings, elc, make_app, run, started, type_text


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


# ---------------------------------------------------------------------------------------------- matrix
def test_matrix_grid_counts_participants_and_shows_quotes(coded_project):
    from elc.tui.screens.matrix import MatrixScreen

    path = coded_project.location

    async def go():
        app = make_app(path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("M")
            assert isinstance(app.screen, MatrixScreen)
            screen = app.screen
            table = screen.query_one(DataTable)
            assert "Making the booking" in screen.rows
            r = screen.rows.index("Making the booking")
            col = [k for k, _ in screen.columns].index("patients") + 1
            assert str(table.get_cell_at((r, col))).strip() == "▼1"  # alice and bob: one participant
            table.move_cursor(row=r, column=col)
            await pilot.pause()
            quotes = text_of(screen, "#matrix-quotes")
            assert "Making the booking · People who use" in quotes and "P07" in quotes and "booking line" in quotes
            n = len(screen.rows)
            await pilot.press("a")
            assert len(screen.rows) > n
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
    run(go())


# ---------------------------------------------------------------------------------------------- changes
def add_changes(project):
    from elc.insights.changes import add_change

    add_change(project, "Answer the booking line within five minutes", rationale="People wait on hold for ages.",
               codes=["Making the booking"])
    add_change(project, "Tell people when transport will arrive")


def test_changes_evidence_link_and_unlink(coded_project):
    from elc.insights.changes import changes
    from elc.tui.screens.changes import ChangesScreen

    add_changes(coded_project)
    path = coded_project.location

    async def go():
        app = make_app(path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("I")
            assert isinstance(app.screen, ChangesScreen)
            screen = app.screen
            assert [e["title"] for e in screen.evidence] == ["Answer the booking line within five minutes",
                                                             "Tell people when transport will arrive"]
            detail = text_of(screen, "#changes-detail")
            assert "Linked codes: Making the booking" in detail and "P07" in detail and "booking line" in detail
            assert "missing voice" in detail
            await pilot.press("down")
            detail = text_of(screen, "#changes-detail")
            assert "not linked to any code" in detail
            await pilot.press("l")
            assert isinstance(app.screen, PickerScreen)
            await type_text(pilot, "waiting and delays")
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen
            assert changes(coded_project).codes.tolist()[1] == ["Waiting and delays"]
            assert "Linked codes: Waiting and delays" in text_of(screen, "#changes-detail")
            assert screen.evidence[1]["participants"] == 1
            await pilot.press("u")
            assert isinstance(app.screen, PickerScreen)
            await pilot.press("enter")
            await pilot.pause()
            assert changes(coded_project).codes.tolist()[1] == []
            assert screen.query_one(OptionList).highlighted == 1
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
    run(go())


# ---------------------------------------------------------------------------------------------- compare coders
def test_compare_coders_walk_adopt_and_remove(coded_project):
    from elc.coding import CodingSession
    from elc.tui.screens.compare import CompareScreen

    p = coded_project
    segs = p.segments(role="participant")
    chat = segs[segs.text.str.contains("Always has a chat")].iloc[0]
    CodingSession(p, "bob").apply(int(chat.source_id), int(chat.start), int(chat.end),
                                  p.code_id("Driver-patient relationship"), "working-well")

    async def go():
        app = make_app(p.location, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("V")
            assert isinstance(app.screen, ChoiceScreen)
            await pilot.press("enter")  # bob
            assert isinstance(app.screen, CompareScreen)
            screen = app.screen
            assert "alice (A, you) vs bob (B)" in text_of(screen, "#compare-head") and "κ" in text_of(
                screen, "#compare-head")
            assert screen.query_one(DataTable).row_count >= 2
            codes = sorted(i["code"] for i in screen.items)
            assert codes == ["Driver-patient relationship", "Relationship with crew (driver)"]
            seen = []
            for _ in screen.items:
                seen.append(screen.current()["code"])
                await pilot.press("n")
            assert sorted(seen) == codes and screen.index == 0
            await pilot.press("p")
            assert screen.index == 1
            # walk to bob's extra code and adopt it (working well)
            while screen.current()["code"] != "Driver-patient relationship":
                await pilot.press("n")
            assert "did not apply" in text_of(screen, "#compare-a")
            assert "applied Driver-patient relationship (working well)" in text_of(screen, "#compare-b")
            assert "Always has a chat." in text_of(screen, "#compare-context")
            await pilot.press("a")
            mine = codings(p.location, "alice")
            assert ((mine.code == "Driver-patient relationship") & (mine.valence == "working-well")).sum() == 1
            assert [i["code"] for i in screen.items] == ["Relationship with crew (driver)"]
            await pilot.press("x")  # remove my own coding bob did not apply
            assert screen.items == []
            assert "No disagreements" in text_of(screen, "#compare-where")
            assert "Relationship with crew (driver)" not in set(codings(p.location, "alice").code)
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
    run(go())


# ---------------------------------------------------------------------------------------------- themes
async def finished(screen, pilot, limit: float = 60) -> None:
    """Wait for the theme worker to finish."""
    t0 = time.monotonic()
    while screen.running and time.monotonic() - t0 < limit:
        await pilot.pause(0.1)
    await pilot.pause()
    assert not screen.running


def test_themes_without_a_run_and_compare_without_other_coders(elc_path):
    from elc.tui.screens.themes import ThemesScreen

    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("T")
            assert isinstance(app.screen, ThemesScreen)
            assert "no theme run yet: press R" in text_of(app.screen, "#themes-head")
            await pilot.press("n", "m", "x", "p")  # nothing to decide on: no crash, no dialog
            assert isinstance(app.screen, ThemesScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
            # the palette's "Compare coders…": nobody else has coded this project
            await pilot.press("ctrl+p")
            await type_text(pilot, "compare coders")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert isinstance(app.screen, MainScreen)
            assert "nobody else has coded this project yet" in [n.message for n in app._notifications]
    run(go())


def test_themes_list_detail_rename_rerun_and_decisions(themed_path):
    from elc.themes.service import decisions
    from elc.tui.screens.themes import ThemesScreen

    async def go():
        app = make_app(themed_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("T")
            assert isinstance(app.screen, ThemesScreen)
            screen = app.screen
            assert len(screen.themes) >= 2
            head = text_of(screen, "#themes-head")
            assert "bertopic-kmeans (small corpus)" in head
            first = str(screen.query_one(OptionList).get_option_at_index(0).prompt)
            assert "patients " in first and "/2" in first and "drivers " in first
            detail = text_of(screen, "#themes-detail")
            assert "Participants per community" in detail and "Valence" in detail and "Quotes" in detail
            assert any(label in detail for label in ("P07, ", "P09, ", "C02, ", "D03, "))
            n = len(screen.themes)
            order = [t["id"] for t in screen.themes]
            # rename: applied to the stored run at once, no refit, the list keeps its order
            await pilot.press("n")
            assert isinstance(app.screen, PromptScreen)
            await type_text(pilot, "Waiting for transport")
            await pilot.press("enter")
            await pilot.pause()
            said = [n.message for n in app._notifications]
            assert "rename: applied to the stored themes (no refit)" in said
            assert not screen.running
            assert screen.themes[0]["label"] == "Waiting for transport"
            assert [t["id"] for t in screen.themes] == order
            # merge the two marked themes: applied to the stored run, no refit
            await pilot.press("down", "space", "down", "space")
            assert len(screen.marked) == 2 and "marked for merging: 2" in text_of(screen, "#themes-head")
            await pilot.press("m")
            assert isinstance(app.screen, PromptScreen)
            await type_text(pilot, "Hospital discharge")
            await pilot.press("enter")
            await pilot.pause()
            assert not screen.running and screen.marked == set()
            assert len(screen.themes) == n - 1
            assert "Hospital discharge" in [t["label"] for t in screen.themes]
            # a refit (R, in a worker) re-applies both decisions: the same themes come back
            decided = [(t["label"], t["size"]) for t in screen.themes]
            await pilot.press("R")
            await finished(screen, pilot)
            assert [(t["label"], t["size"]) for t in screen.themes] == decided
            await pilot.press("p")
            await type_text(pilot, "Theme from interviews")
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("x")  # discard the last theme: its segments become unassigned
            await pilot.pause()
            assert screen.themes == []
            acts = [d["action"] for d in decisions(screen.wb.project)]
            assert acts == ["rename", "merge", "promote", "discard"]
            assert screen.wb.project.code_id("Theme from interviews") is not None
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
            assert any(c.name == "Theme from interviews" for c in app.main_screen.wb.all_codes())
    run(go())


# ------------------------------------------------------------------------------------ de-identification review
CALL = """Interviewer: Hello, is that Edna? Thanks for talking to me about the transport.
P11: Yes love. My daughter Zelda rang the booking line and waited forty minutes.
Interviewer: Anything else, Edna?
P11: Zelda sends her love.
"""


@pytest.fixture(scope="session")
def deid_template(tmp_path_factory):
    from elc.ingest import ImportOptions, import_files

    from .conftest import CODEBOOK, GUIDE, blank_nlp

    folder = tmp_path_factory.mktemp("tui-deid")
    p = elc.new_project(folder / "d.elc", GUIDE, CODEBOOK)
    (folder / "P11-call.txt").write_text(CALL, encoding="utf-8")
    assert import_files(p, [folder / "P11-call.txt"], ImportOptions(community="patients"), nlp=blank_nlp()).ok
    with p.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    p.close()
    return folder / "d.elc"


def test_deid_review_from_the_workbench_reloads_the_transcript(deid_template, tmp_path):
    from elc.tui.screens.deid_review import DeidReviewScreen
    from elc.tui.widgets.transcript import TranscriptView

    shutil.copy(deid_template, tmp_path / "d.elc")
    shutil.copy(str(deid_template) + ".originals", tmp_path / "d.elc.originals")

    async def go():
        app = make_app(tmp_path / "d.elc", "rita", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            assert "Edna" not in screen.query_one(TranscriptView).doc.text
            await pilot.press("D")
            assert isinstance(app.screen, DeidReviewScreen)
            review = app.screen
            while "Edna" not in str(review.current()["original"]):
                await pilot.press("down")
            await pilot.press("r")  # restore the original
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert "Edna" in screen.query_one(TranscriptView).doc.text
    run(go())


def test_theme_detail_lists_the_whole_themes_touchpoints_with_counts():
    from elc.tui.screens.themes import _touchpoints

    recs = [{"community": "patients", "touchpoints": "Booking (3); Pick-up (2)", "theme_touchpoints": "Booking (5); Pick-up (4); Home (1)"},
            {"community": "drivers", "touchpoints": "Booking (2); Pick-up (2)", "theme_touchpoints": "Booking (5); Pick-up (4); Home (1)"}]
    assert _touchpoints(recs) == ["Booking (5)", "Pick-up (4)", "Home (1)"]
    legacy = [{k: v for k, v in r.items() if k != "theme_touchpoints"} for r in recs]  # a run stored before the column
    assert _touchpoints(legacy) == ["patients: Booking (3); Pick-up (2)", "drivers: Booking (2); Pick-up (2)"]
