"""Retrieve, the codebook editor, blind double-coding, and suggestions."""

from __future__ import annotations

from sqlalchemy import select

from elc.store import database, schema as s
from elc.tui.screens.codebook import CodebookScreen, parse_colour
from elc.tui.screens.dialogs import ConfirmScreen, PickerScreen, PromptScreen
from elc.tui.screens.retrieve import RetrieveScreen

from .helpers import SIZE, CodingSession, codings, elc, make_app, run, sentence_text, started, tv, type_text
from elc.tui.screens.main import MainScreen


def seed(path, coder, items):
    """items: (source_id, sentence index within the source, code name, valence)."""
    p = elc.open_project(path)
    session = CodingSession(p, coder)
    for source_id, index, code, valence in items:
        seg = p.segments(source_id=source_id).iloc[index]
        session.apply(source_id, int(seg.start), int(seg.end), p.code_id(code), valence)
    p.close()


# ---------------------------------------------------------------------------------------------- retrieve
def test_retrieve_lists_passages_by_community_and_jumps(elc_path):
    seed(elc_path, "alice", [(1, 3, "Making the booking", "to-improve"), (4, 3, "Making the booking", "neutral"),
                             (2, 7, "Making the booking", "to-improve"), (1, 8, "Timing and waiting", "neutral")])
    seed(elc_path, "bob", [(3, 1, "Making the booking", "working-well")])

    async def go():
        from textual.widgets import OptionList

        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("r")
            assert isinstance(app.screen, PickerScreen)
            await type_text(pilot, "making the booking")
            await pilot.press("enter")
            assert isinstance(app.screen, RetrieveScreen)
            ret = app.screen
            assert [p.label for p in ret.passages] == ["P07", "P09", "C02"]  # patients, then carers; bob hidden
            lst = ret.query_one(OptionList)
            titles = [str(o.prompt) for o in lst.options if o.disabled]
            assert titles[0].startswith("People who use non-emergency transport  2 passages from 2 participants")
            assert titles[1].startswith("Family carers and escorts  1 passage from 1 participant: C02")
            head = str(ret.query_one("#retrieve-head").render())
            assert "3 passages · 3 participants" in head
            await pilot.press("v", "v")  # valence filter: working well, then to improve
            assert [p.label for p in ret.passages] == ["P07", "C02"]
            await pilot.press("v", "v")
            await pilot.press("down", "enter")  # second passage: P09
            assert isinstance(app.screen, MainScreen)
            assert screen.doc.label == "P09" and sentence_text(app) == "Nobody came to tell me what was happening."
            # a category retrieves its sub-codes' passages too, labelled with the sub-code
            seed(elc_path, "alice", [(4, 1, "Waiting and delays", "to-improve")])
            screen.open_retrieve(screen.wb.project.code_id("Timing and waiting"))
            await pilot.pause()
            assert sorted(p.code for p in app.screen.passages) == ["Timing and waiting", "Waiting and delays"]
            await pilot.press("escape")
            screen.wb.show_others = True  # others shown: bob's passage, with his name
            screen.open_retrieve(screen.wb.project.code_id("Making the booking"))
            await pilot.pause()
            assert [p.coder for p in app.screen.passages if p.label == "D03"] == ["bob"]
    run(go())


# ---------------------------------------------------------------------------------------------- codebook editor
def test_codebook_editor_add_rename_define_colour_move_merge_archive(elc_path):
    seed(elc_path, "alice", [(1, 3, "Getting into the hospital", "to-improve")])

    async def go():
        from textual.widgets import OptionList

        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            wb = screen.wb
            await pilot.press("e")
            assert isinstance(app.screen, CodebookScreen)
            editor = app.screen
            # add a top-level theme
            await pilot.press("a")
            assert isinstance(app.screen, PromptScreen)
            await type_text(pilot, "Parking costs")
            await pilot.press("enter")
            new_id = wb.project.code_id("Parking costs")
            assert new_id is not None and editor.current_id() == new_id
            # rename, define, colour
            await pilot.press("r")
            await type_text(pilot, "Parking charges")
            await pilot.press("enter")
            assert wb.project.code_id("Parking costs") is None and wb.project.code_id("Parking charges") == new_id
            await pilot.press("d")
            await type_text(pilot, "What patients and carers pay to park.")
            await pilot.press("enter")
            await pilot.press("c")
            await type_text(pilot, "teal")
            await pilot.press("enter")
            codes = wb.project.codes().set_index("id")
            assert codes.loc[new_id, "definition"] == "What patients and carers pay to park."
            assert codes.loc[new_id, "colour"] == "#008080"
            # move under "Getting into the hospital"
            await pilot.press("m")
            await type_text(pilot, "getting into the hospital")
            await pilot.press("enter")
            parent = wb.project.code_id("Getting into the hospital")
            assert int(wb.project.codes().set_index("id").loc[new_id, "parent_id"]) == parent
            assert wb.code(new_id).depth == 1
            # merge "Getting into the hospital" into "Parking charges": its coding moves, intact
            lst = editor.query_one(OptionList)
            lst.highlighted = [o.id for o in lst.options].index(str(parent))
            await pilot.press("M")
            await type_text(pilot, "parking charges")
            await pilot.press("enter")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            df = codings(elc_path)
            assert list(df.code) == ["Parking charges"] and list(df.valence) == ["to-improve"]
            assert df.text.iloc[0] == "I ring the booking line and you're on hold for ages."
            assert wb.project.code_id("Getting into the hospital") is None
            # archive refuses a code with codings (a notification), accepts an unused one
            lst.highlighted = [o.id for o in lst.options].index(str(new_id))
            await pilot.press("x", "y")
            assert wb.project.code_id("Parking charges") == new_id
            assert any("still has 1 codings" in n.message for n in app._notifications)
            await pilot.press("A")
            await type_text(pilot, "Blue badge")
            await pilot.press("enter")
            badge = wb.project.code_id("Blue badge")
            assert wb.code(badge).parent_id == new_id
            await pilot.press("x", "y")
            assert wb.project.code_id("Blue badge") is None
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
            # the main screen shows the new name and colour, and the coding kept its place
            assert "Parking charges" in [c.name for c in screen.pane_codes]
            assert tv(app).colours[new_id] == "#008080"
            assert [c.code_id for c in screen.wb.codings(1)] == [new_id]
    run(go())


def test_codebook_editor_rejects_bad_input(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("e", "a")
            await type_text(pilot, "The pick-up")  # a name in use
            await pilot.press("enter")
            await pilot.press("c")
            await type_text(pilot, "not a colour")
            await pilot.press("enter")
            messages = " | ".join(n.message for n in app._notifications)
            assert "already exists" in messages and "is not a colour" in messages
            assert isinstance(app.screen, CodebookScreen)
    run(go())


def test_parse_colour():
    assert parse_colour("#abcdef") == "#ABCDEF"
    assert parse_colour("1") == "#E69F00"
    assert parse_colour("red") == "#FF0000"


# ---------------------------------------------------------------------------------------------- blind coding
def test_coder_sees_only_own_codings_until_toggled(elc_path):
    seed(elc_path, "bob", [(1, 2, "Making the booking", "to-improve")])

    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("j", "j")  # "Um, yeah." which bob coded
            assert screen.wb.codings(1) == [] and tv(app).codings == []
            assert "none yet" in str(screen.query_one("DetailPane").text)
            assert screen.wb.source_row(1).n_coded == 0  # progress is this coder's
            await pilot.press("o")
            assert [c.coder for c in tv(app).codings] == ["bob"] and not tv(app).codings[0].own
            detail = str(screen.query_one("DetailPane").text)
            assert "Making the booking" in detail and "by bob" in detail
            # others' codings cannot be changed
            await pilot.press("plus", "x")
            assert list(codings(elc_path, "bob").valence) == ["to-improve"]
            assert any("belongs to bob" in n.message for n in app._notifications)
            await pilot.press("1")  # alice's own coding on the same span
            assert len(tv(app).codings) == 2
            await pilot.press("o")
            assert [c.coder for c in tv(app).codings] == ["alice"]
    run(go())


# ---------------------------------------------------------------------------------------------- suggestions
def add_suggestions(path, rows):
    """rows: (source_id, sentence index, code name, probability, valence or None)."""
    p = elc.open_project(path)
    with p.engine.begin() as conn:
        for source_id, index, code, prob, valence in rows:
            seg = p.segments(source_id=source_id).iloc[index]
            conn.execute(s.suggestions.insert().values(
                segment_id=int(seg.id), code_id=p.code_id(code), probability=prob, valence=valence,
                valence_probability=0.7 if valence else None, model_version="test-1", created_at=database.now()))
    p.close()


def decisions(path):
    p = elc.open_project(path)
    with p.engine.connect() as conn:
        rows = conn.execute(select(s.suggestion_decisions).order_by(s.suggestion_decisions.c.id)).mappings().all()
    p.close()
    return [dict(r) for r in rows]


def test_suggestions_shown_accepted_and_rejected(elc_path):
    add_suggestions(elc_path, [(1, 3, "Making the booking", 0.82, "to-improve"), (1, 3, "Waiting and delays", 0.41, None),
                               (1, 4, "Waiting and delays", 0.66, None), (1, 6, "Relationship with crew (driver)", 0.9,
                                                                        "working-well")])

    async def go():
        from elc.tui.screens.dialogs import ChoiceScreen

        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("j", "j", "j")  # sentence 3
            detail = str(screen.query_one("DetailPane").text)
            lines = [" ".join(x.split()) for x in detail.splitlines()]
            assert "82% Making the booking ▼" in lines and "41% Waiting and delays" in lines
            await pilot.press("a")  # accept the top one
            df = codings(elc_path)
            assert list(zip(df.code, df.valence, df.origin)) == [("Making the booking", "to-improve", "suggestion")]
            assert df.text.iloc[0] == sentence_text(app)
            d = decisions(elc_path)
            assert [(x["decision"], x["probability"], x["coder"]) for x in d] == [("accepted", 0.82, "alice")]
            assert d[0]["coding_id"] == int(df.id.iloc[0])
            detail = str(screen.query_one("DetailPane").text)
            lines = [" ".join(x.split()) for x in detail.splitlines()]
            assert "82%" not in detail and "41% Waiting and delays" in lines  # accepted: no longer suggested
            await pilot.press("d")  # reject the remaining one
            assert [x["decision"] for x in decisions(elc_path)] == ["accepted", "rejected"]
            assert "Suggestions" not in str(screen.query_one("DetailPane").text)
            await pilot.press("a")  # nothing left: a notice
            assert len(codings(elc_path)) == 1
            # choose among suggestions
            await pilot.press("j")
            await pilot.press("s")
            assert isinstance(app.screen, ChoiceScreen)
            await pilot.press("enter")
            df = codings(elc_path)
            assert "Waiting and delays" in set(df.code)
            # a fresh app (a restart) still hides what alice decided, but bob still sees them
            await pilot.press("u")  # undoing an accepted coding keeps the decision log
            assert "Waiting and delays" not in set(codings(elc_path).code)
    run(go())

    from elc.coding.suggestions import suggestions_for

    p = elc.open_project(elc_path)
    seg3 = int(p.segments(source_id=1).iloc[3].id)
    assert suggestions_for(p, seg3, "alice") == []
    assert [x["code"] for x in suggestions_for(p, seg3, "bob")] == ["Making the booking", "Waiting and delays"]
    p.close()
