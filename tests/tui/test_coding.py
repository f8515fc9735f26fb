"""Coding by keyboard: apply (number, picker, pane), selections, words, valence, memo, remove, undo."""

from __future__ import annotations

from .helpers import SIZE, codings, make_app, run, started, tv, type_text
from elc.tui.screens.main import MainScreen


def test_apply_by_number_over_extended_selection(elc_path):
    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("shift+down", "shift+down")
            assert tv(app).selection_range() == (2, 4)
            await pilot.press("1")
            df = codings(elc_path)
            assert list(df.code) == ["Making the booking"]
            assert df.text.iloc[0].startswith("Um, yeah.") and df.text.iloc[0].endswith("honestly.")
            assert df.valence.iloc[0] == "neutral" and df.origin.iloc[0] == "manual"
            await pilot.press("shift+up", "4")  # shrink the selection by one and apply another code
            df = codings(elc_path)
            assert sorted(df.code) == ["Making the booking", "The pick-up"]
            assert df[df.code == "The pick-up"].text.iloc[0].endswith("ages.")
            # progress in the sources pane and the status line follow
            row = app.main_screen.wb.source_row(1)
            assert row.n_coded == 3 and row.status == "in progress"
    run(go())


def test_word_mode_narrows_to_a_sub_span(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("J", "J", "J")  # "The driver, Dev, he's lovely."
            await pilot.press("w")
            t = tv(app)
            assert t.word_mode
            await pilot.press("right", "right", "right")  # start: The -> driver, -> Dev, -> he's
            await pilot.press("shift+left")  # end: lovely. -> he's ... then extend back
            assert t.doc.text[slice(*t.selection_span())] == "he's"
            await pilot.press("shift+right", "5")
            df = codings(elc_path)
            assert list(df.text) == ["he's lovely."]
            assert list(df.code) == ["Relationship with crew (driver)"]
            await pilot.press("h", "L")  # vim-style keys move start and end too
            assert t.doc.text[slice(*t.selection_span())] == "Dev, he's lovely."
            await pilot.press("escape")
            assert not t.word_mode
            await pilot.press("left")  # arrow keys enter word mode on the sentence
            assert t.word_mode and t.doc.text[slice(*t.selection_span())] == "The driver, Dev, he's lovely."
            await pilot.press("escape", "right")  # and right moves the start at once
            assert t.word_mode and t.doc.text[slice(*t.selection_span())] == "driver, Dev, he's lovely."
            await pilot.press("escape")
            await pilot.press("j")
            assert not t.word_mode and t.cursor == 7
    run(go())


def test_apply_by_fuzzy_picker_and_create_a_code(elc_path):
    async def go():
        from textual.widgets import OptionList

        from elc.tui.screens.dialogs import PickerScreen

        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("c")
            assert isinstance(app.screen, PickerScreen)
            await pilot.press(*"escrot ineligble")  # typos: fuzzy
            await pilot.press("enter")
            assert isinstance(app.screen, MainScreen)
            assert list(codings(elc_path).code) == ["Carer/escort being ineligible for travel"]
            # definitions are searched too: "hold" is in no name but in a definition/keywords
            await pilot.press("j", "c")
            await type_text(pilot, "chase phone")
            lst = app.screen.query_one(OptionList)
            assert lst.highlighted_option.id == str(app.main_screen.wb.project.code_id("Knowing when transport will arrive"))
            await pilot.press("escape")
            # a new code from the picker
            await pilot.press("c")
            await type_text(pilot, "Zzyzx parking fees")
            lst = app.screen.query_one(OptionList)
            lst.highlighted = lst.option_count - 1
            assert lst.highlighted_option.id == "new:Zzyzx parking fees"
            await pilot.press("enter")
            await pilot.pause()
            assert "Zzyzx parking fees" in set(codings(elc_path).code)
            assert app.main_screen.wb.project.code_id("Zzyzx parking fees") is not None
    run(go())


def test_codebook_pane_enter_applies(elc_path):
    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("ctrl+k")
            assert app.focused.id == "codebook-list"
            await pilot.press("down", "enter")  # the first code is highlighted: one down is the second
            assert list(codings(elc_path).code) == ["Getting ready for pick up"]
    run(go())


def test_valence_on_selected_coding_and_as_default(elc_path):
    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("1", "plus")
            assert list(codings(elc_path).valence) == ["working-well"]
            await pilot.press("minus")
            assert list(codings(elc_path).valence) == ["to-improve"]
            assert screen.default_valence == "to-improve"
            await pilot.press("j", "2")  # the default carries to the next apply
            df = codings(elc_path)
            assert df[df.code == "Getting ready for pick up"].valence.iloc[0] == "to-improve"
            await pilot.press("equals_sign")
            df = codings(elc_path)
            assert df[df.code == "Getting ready for pick up"].valence.iloc[0] == "neutral"
            assert df[df.code == "Making the booking"].valence.iloc[0] == "to-improve"
            # two codings on one sentence: . selects the other one for valence
            await pilot.press("3", "full_stop")
            sel = screen.selected_coding()
            assert screen.wb.code(sel.code_id).name != "Carer/escort being ineligible for travel"
            await pilot.press("plus")
            df = codings(elc_path)
            assert df[df.code == "Getting ready for pick up"].valence.iloc[0] == "working-well"
            assert df[df.code == "Carer/escort being ineligible for travel"].valence.iloc[0] == "neutral"
    run(go())


def test_memo(elc_path):
    async def go():
        from textual.widgets import TextArea

        from elc.store.memos import MemoTarget, get_memo
        from elc.tui.screens.memos import MemoScreen

        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("m")  # no coding here: a memo on the interview
            assert isinstance(app.screen, MemoScreen) and "interview" in app.screen.title_text
            await pilot.press("escape")
            await pilot.press("1", "m")
            assert isinstance(app.screen, MemoScreen)
            app.screen.query_one(TextArea).text = "forty minutes on hold\nand nobody rang back"
            await pilot.press("ctrl+s")
            assert list(codings(elc_path).memo) == ["forty minutes on hold\nand nobody rang back"]
            await pilot.press("m", "escape")  # cancel keeps it
            assert list(codings(elc_path).memo) == ["forty minutes on hold\nand nobody rang back"]
            detail = str(app.main_screen.query_one("DetailPane").text)
            assert "forty minutes on hold" in detail
            # an interview memo, through the browser
            await pilot.press("b")
            await pilot.press("down", "enter")  # second row: this interview
            assert isinstance(app.screen, MemoScreen)
            app.screen.query_one(TextArea).text = "Called from a care home; daughter present."
            await pilot.press("ctrl+s")
            await pilot.pause()
            p = app.wb.project
            assert get_memo(p, MemoTarget("source", str(screen.doc.id)), "alice").startswith("Called from")
    run(go())


def test_remove_undo_redo(elc_path):
    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("1", "x")
            assert codings(elc_path).empty
            await pilot.press("u")
            assert len(codings(elc_path)) == 1
            await pilot.press("U")
            assert codings(elc_path).empty
            await pilot.press("ctrl+z")
            assert len(codings(elc_path)) == 1
            await pilot.press("ctrl+z")  # undo the apply itself
            assert codings(elc_path).empty
            await pilot.press("ctrl+y")
            assert len(codings(elc_path)) == 1
            await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")  # more undos than actions: a notice, no crash
            assert codings(elc_path).empty
            assert any("Nothing to undo" in n.message for n in app._notifications)
    run(go())


def test_undo_jumps_to_the_coding_in_another_source(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("J", "j", "4")  # code "I ring the booking line..."
            await pilot.press("right_square_bracket")
            assert screen.doc.label == "P09"
            await pilot.press("u")
            assert screen.doc.label == "P07" and tv(app).cursor == 3
            assert codings(elc_path).empty
    run(go())


def test_on_coding_hook_is_called_after_each_change(elc_path):
    seen = []

    async def go():
        app = make_app(elc_path, "alice", on_coding=seen.append)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("1", "plus", "x", "u")
            await app.workers.wait_for_complete()
            await pilot.pause()
    run(go())
    assert [e.action for e in seen] == ["apply", "valence", "remove", "undo"]
    assert all(e.coder == "alice" and e.source_id == 1 for e in seen)


def test_resize_a_coding_to_the_selection(elc_path):
    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("1", "shift+down", "ctrl+r")  # grow it over the next sentence
            df = codings(elc_path)
            assert df.text.iloc[0] == "Um, yeah. I ring the booking line and you're on hold for ages."
            await pilot.press("escape", "ctrl+r")  # the cursor sentence alone
            assert codings(elc_path).text.iloc[0] == "I ring the booking line and you're on hold for ages."
            await pilot.press("w", "right", "right", "ctrl+r")  # shrink it to words
            assert codings(elc_path).text.iloc[0] == "the booking line and you're on hold for ages."
            await pilot.press("escape")
            detail = str(app.main_screen.query_one("DetailPane").text)
            assert "“the booking line and you're" in detail
            await pilot.press("u")
            assert codings(elc_path).text.iloc[0] == "I ring the booking line and you're on hold for ages."
    run(go())
