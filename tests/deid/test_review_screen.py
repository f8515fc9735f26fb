"""Pilot tests of the de-identification review screen: each keypress is a decision stored at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, OptionList

import elc
from elc.deid import originals as orig
from elc.deid import review
from elc.ingest import ImportOptions, import_files
from elc.tui.screens.deid_review import DeidReviewScreen, NameDialog, split_label
from tests.conftest import CODEBOOK, GUIDE

SIZE = (140, 40)
CALL = """Interviewer: Hello, is that Edna? Thanks for talking to me about the transport.
P11: Yes love. My daughter Zelda tried the booking line, 0116 496 0123, and waited forty minutes.
Interviewer: And where do you live now?
P11: At Kestrel Grange, the care home. The driver, Kev, is lovely. He speaks Gujarati with me.
Interviewer: Anything else, Edna?
P11: My NHS number is 943 476 5919. Zelda sends her love.
"""


class Host(App):
    """The smallest app that pushes the screen, as the workbench will."""

    def __init__(self, project, reviewer: str) -> None:
        super().__init__()
        self.project = project
        self.reviewer = reviewer
        self.result = None

    def on_mount(self) -> None:
        self.push_screen(DeidReviewScreen(self.project, self.reviewer), self.review_closed)

    def review_closed(self, changed) -> None:
        self.result = changed


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    folder = tmp_path_factory.mktemp("deid-screen")
    p = elc.new_project(folder / "t.elc", GUIDE, CODEBOOK)
    (folder / "P11-call.txt").write_text(CALL, encoding="utf-8")
    report = import_files(p, [folder / "P11-call.txt"], ImportOptions(community="patients"), nlp=nlp)
    assert report.ok
    with p.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    p.close()
    return folder / "t.elc"


@pytest.fixture
def project(template, tmp_path):
    import shutil

    shutil.copy(template, tmp_path / "t.elc")
    shutil.copy(str(template) + ".originals", tmp_path / "t.elc.originals")
    p = elc.open_project(tmp_path / "t.elc")
    yield p
    p.close()


def run(coro):
    return asyncio.run(coro)


def screen_of(app) -> DeidReviewScreen:
    assert isinstance(app.screen, DeidReviewScreen)
    return app.screen


def status(project, detection_id):
    df = review.detections(project)
    return df.set_index("id").loc[detection_id, "status"]


def test_lists_groups_and_occurrences_in_context(project):
    async def go():
        app = Host(project, "rita")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = screen_of(app)
            lst = screen.query_one(OptionList)
            heads = [o for o in lst.options if o.disabled]
            assert len(heads) == len(screen.groups) and len(screen.order) == len(review.detections(project))
            assert any("[Person" in str(h.prompt) and "2×" in str(h.prompt) for h in heads)  # Edna, twice
            first = screen.current()
            assert first is not None and first["id"] == screen.order[0]
            prompt = str(lst.get_option(str(first["id"])).prompt)
            assert first["replacement"] in prompt and first["original"] in prompt
            assert "reviewer rita" in str(screen.query_one("#deid-head").render())
            await pilot.press("down")
            assert screen.current()["id"] == screen.order[1]
            await pilot.press("up")
            assert screen.current()["id"] == screen.order[0]

    run(go())


def test_accept_and_reject_one_occurrence(project):
    async def go():
        app = Host(project, "rita")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = screen_of(app)
            first, second = screen.order[0], screen.order[1]
            await pilot.press("a")
            assert status(project, first) == "accepted"
            assert screen.current()["id"] == second  # moves on to the next occurrence
            original = screen.current()["original"]
            await pilot.press("r")
            assert status(project, second) == "rejected"
            assert original in project.source_text(1)
            await pilot.press("escape")
            await pilot.pause()
        assert app.result is True

    run(go())


def test_whole_group_decisions(project):
    async def go():
        app = Host(project, "rita")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = screen_of(app)
            edna = next(e for e, ids in screen.groups.items() if len(ids) == 2)
            ids = screen.groups[edna]
            lst = screen.query_one(OptionList)
            lst.highlighted = lst.get_option_index(str(ids[0]))
            await pilot.press("A")
            assert [status(project, i) for i in ids] == ["accepted", "accepted"]
            lst.highlighted = lst.get_option_index(str(ids[1]))
            await pilot.press("R")
            assert [status(project, i) for i in ids] == ["rejected", "rejected"]
            assert project.source_text(1).count("Edna") == 2
            await pilot.press("u")  # unreviewed only: the decided group disappears
            assert edna not in screen.groups and all(r["status"] in ("auto", "added") for r in screen.rows.values())

    run(go())


def test_add_a_name_through_the_dialog(project):
    async def go():
        app = Host(project, "rita")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, NameDialog)
            app.screen.query_one(Input).value = "Zelda"
            await pilot.press("enter")
            await pilot.pause()
            screen = screen_of(app)
            assert "Zelda" not in project.source_text(1)
            added = [r for r in screen.rows.values() if r["status"] == "added"]
            assert len(added) == 2 and screen.current()["id"] in {r["id"] for r in added}
            await pilot.press("n")
            await pilot.press("escape")  # cancelling the dialog changes nothing
            await pilot.pause()
            assert isinstance(app.screen, DeidReviewScreen)

    run(go())


def test_reject_without_originals_is_refused_with_a_message(project):
    review.purge_originals(project, "boss")

    async def go():
        app = Host(project, "rita")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = screen_of(app)
            assert "originals purged" in str(screen.query_one("#deid-head").render())
            first = screen.current()["id"]
            before = project.source_text(1)
            await pilot.press("r")
            await pilot.pause()
            assert status(project, first) == "auto" and project.source_text(1) == before
            assert any("purged" in n.message for n in app._notifications)
            await pilot.press("escape")
            await pilot.pause()
        assert app.result is False

    assert not orig.sidecar_path(project).exists()
    run(go())


def test_split_label():
    assert split_label("Kestrel Grange:org") == ("Kestrel Grange", "ORG")
    assert split_label(" Edna ") == ("Edna", "PERSON")
    assert split_label("Time: 10:30") == ("Time: 10:30", "PERSON")


def test_riskiest_groups_first_and_D_finishes_a_transcript(project):
    async def go():
        app = Host(project, "rita")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = screen_of(app)
            risks = [max(screen.rows[i]["risk"] for i in ids) for ids in screen.groups.values()]
            assert risks == sorted(risks, reverse=True)  # uncertain first
            before = review.review_summary(project)
            assert before.unreviewed == before.total > 0 and not before.reviewed_sources
            assert "not yet reviewed" in str(screen.query_one("#deid-head").render())
            await pilot.press("a")  # one decision, then the rest of the transcript at once
            await pilot.press("D")
            await pilot.pause()
            after = review.review_summary(project)
            assert after.unreviewed == 0 and after.accepted == after.total
            assert [x.source_id for x in after.reviewed_sources] == [1]
            assert "all" in after.line() and "reviewed" in after.line()

    run(go())
