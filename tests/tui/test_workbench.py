"""Pilot tests of the coding workbench: every action goes through the keyboard and lands in SQLite."""

from __future__ import annotations

import elc
from elc.coding import CodingSession
from elc.tui.app import make_app
from elc.tui.screens.main import MainScreen
from elc.tui.widgets.transcript import TranscriptView

from .conftest import SIZE, run

# P07 (source 1) sentences, as the sentencizer splits them:
# 0 Interviewer "Thanks for talking to me."        1 Interviewer "Can you tell me about making the booking?"
# 2 P07 "Um, yeah."  3 P07 "I ring the booking line and you're on hold for ages."
# 4 P07 "Sometimes forty minutes, honestly."       5 Interviewer "And the pick-up itself?"
# 6 P07 "The driver, Dev, he's lovely."  7 P07 "Always has a chat."  8 P07 "But they came at half six ..."
# 9 Wife "He was sat there in his coat from six!"  10 P07 "[laughs] I was."  11 P07 "It's the waiting that gets you."


def main(app) -> MainScreen:
    return app.main_screen


def tv(app) -> TranscriptView:
    return app.main_screen.query_one(TranscriptView)


def sentence_text(app) -> str:
    s = tv(app).sentence
    return tv(app).doc.text[s.start:s.end]


def codings(path, coder="alice"):
    p = elc.open_project(path)
    try:
        return p.codings(coder=coder)
    finally:
        p.close()


async def started(app, pilot):
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    return app.main_screen


# ---------------------------------------------------------------------------------------------- opening
def test_opens_first_source_at_first_uncoded_participant_sentence(elc_path):
    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            assert screen.doc.label == "P07"
            assert tv(app).cursor == 2 and sentence_text(app) == "Um, yeah."
            rows = screen.query_one("SourcesPane").rows
            assert [r.label for r in rows] == ["P07", "P09", "C02", "D03"]  # programme community order
            assert app.focused is tv(app)
            # codebook pane: the patients' touchpoints in journey order, numbered 1-9, then themes
            names = [c.name for c in screen.pane_codes]
            assert names[0] == "Making the booking" and screen.pane_codes[0].number == 1
            assert screen.pane_codes[8].number == 9 and screen.pane_codes[9].number is None
            assert "Saying no to carers and escorts" not in names  # a staff touchpoint
            assert names.index("Knowing when transport will arrive") > names.index("Information and communication")
    run(go())


def test_staff_source_shows_staff_touchpoints(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=3)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            assert screen.doc.label == "D03"
            assert screen.pane_codes[0].name == "Getting information about pick ups"
            assert "Making the booking" not in [c.name for c in screen.pane_codes]
    run(go())


# ---------------------------------------------------------------------------------------------- movement
def test_move_by_sentence_turn_and_edges(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            t = tv(app)
            assert t.cursor == 0
            await pilot.press("j", "down")
            assert t.cursor == 2
            await pilot.press("k")
            assert t.cursor == 1
            await pilot.press("up", "up")
            assert t.cursor == 0
            await pilot.press("J")  # next speaker turn
            assert t.cursor == 2
            await pilot.press("J", "J")
            assert t.cursor == 6 and sentence_text(app) == "The driver, Dev, he's lovely."
            await pilot.press("ctrl+down")
            assert t.cursor == 9
            await pilot.press("K")  # previous turn
            assert t.cursor == 6
            await pilot.press("j", "K")  # mid-turn: back to the turn's first sentence
            assert t.cursor == 6
            await pilot.press("ctrl+up")
            assert t.cursor == 5
            await pilot.press("G")
            assert t.cursor == 11
            await pilot.press("g")
            assert t.cursor == 0
            await pilot.press("end", "home")
            assert t.cursor == 0
    run(go())


def test_next_and_previous_source(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("right_square_bracket")
            assert screen.doc.label == "P09"
            await pilot.press("right_square_bracket", "right_square_bracket")
            assert screen.doc.label == "D03"
            await pilot.press("left_square_bracket")
            assert screen.doc.label == "C02"
    run(go())


def test_open_source_from_the_list(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("ctrl+s")
            assert app.focused.id == "sources-list"
            await pilot.press("down", "down", "enter")
            assert screen.doc.label == "C02"
            assert app.focused is tv(app)
    run(go())


# ---------------------------------------------------------------------------------------------- coding
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
            await pilot.press("j", "c", *"chase phone")
            lst = app.screen.query_one(OptionList)
            assert lst.highlighted_option.id == str(app.main_screen.wb.project.code_id("Knowing when transport will arrive"))
            await pilot.press("escape")
            # a new code from the picker
            await pilot.press("c", *"Zzyzx parking fees")
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
            await pilot.press("down", "down", "enter")  # row 0 is the section title
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
        from elc.tui.screens.dialogs import PromptScreen

        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("m")  # nothing to memo yet: a warning, no dialog
            assert isinstance(app.screen, MainScreen)
            await pilot.press("1", "m")
            assert isinstance(app.screen, PromptScreen)
            await pilot.press(*"forty minutes on hold", "enter")
            assert list(codings(elc_path).memo) == ["forty minutes on hold"]
            await pilot.press("m", "escape")  # cancel keeps it
            assert list(codings(elc_path).memo) == ["forty minutes on hold"]
            detail = str(app.main_screen.query_one("DetailPane").text)
            assert "forty minutes on hold" in detail
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


# ---------------------------------------------------------------------------------------------- navigation
def test_next_uncoded_across_sources(elc_path):
    p = elc.open_project(elc_path)
    alice = CodingSession(p, "alice")
    for s in p.segments(source_id=1, role="participant").itertuples():
        alice.apply(1, int(s.start), int(s.end), p.code_id("The pick-up"))
    p.close()

    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            assert screen.wb.source_row(1).status == "done"
            await pilot.press("n")
            assert screen.doc.label == "P09"
            assert sentence_text(app) == "Getting home is the worst part."
            await pilot.press("n")
            assert sentence_text(app) == "I waited four hours in the discharge lounge."
            await pilot.press("N", "N")  # back to P07? It is all coded: wraps to the last uncoded one (D03)
            assert screen.doc.label == "D03"
            assert tv(app).sentence.role == "participant"
    run(go())


def test_search_and_jump_to_hit(elc_path):
    async def go():
        from elc.tui.screens.search import SearchScreen

        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("slash")
            assert isinstance(app.screen, SearchScreen)
            await pilot.press(*"PARKING", "enter")
            await pilot.pause()
            assert screen.doc.label == "C02"
            assert "parking" in sentence_text(app)
            a, b = tv(app).match
            assert tv(app).doc.text[a:b] == "parking"
            # search again: the hits are kept, and the list is on the next hit
            await pilot.press("slash")
            search = app.screen
            await pilot.press("delete")
            await pilot.press(*"wait")
            await pilot.pause(0.3)
            labels = [h.label for h in search.hits]
            assert labels == ["P07", "P09", "D03"]  # "waiting", "waited", "wait an hour": in list order
            assert "hits in 3 sources" in str(search.query_one("#search-count").render())
            await pilot.press("down", "down", "enter")
            assert screen.doc.label == "D03" and "wait an hour" in sentence_text(app)
            await pilot.press("escape")
            assert tv(app).match is None
    run(go())


def test_filter_transcript_to_one_code(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            t = tv(app)
            await pilot.press("j", "j", "j", "4")  # sentence 3
            await pilot.press("J", "J", "J", "4")  # sentence 9 (the wife)
            await pilot.press("g", "f", *"the pick-up", "enter")
            assert screen.code_filter == screen.wb.project.code_id("The pick-up")
            assert t.filter_indices == [3, 9] and t.cursor == 3
            await pilot.press("j")
            assert t.cursor == 9
            await pilot.press("j")
            assert t.cursor == 9
            await pilot.press("k")
            assert t.cursor == 3
            shown_turns = {ln.turn for ln in t._lines if ln.turn >= 0}
            assert shown_turns == {1, 4}
            await pilot.press("F")
            assert t.filter_indices is None and screen.code_filter is None
            # a code with nothing in this source: a notice, no filter
            await pilot.press("f", *"journey home", "enter")
            assert t.filter_indices is None
    run(go())


def test_sources_filters(elc_path):
    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            pane = screen.query_one("SourcesPane")
            await pilot.press("C")
            assert screen.community_filter == "patients" and [r.label for r in pane.rows] == ["P07", "P09"]
            await pilot.press("C")
            assert [r.label for r in pane.rows] == ["C02"]
            await pilot.press("C", "C", "C", "C")
            assert screen.community_filter is None and len(pane.rows) == 4
            await pilot.press("1")  # P07 now in progress
            await pilot.press("P")
            assert screen.progress_filter == "uncoded" and [r.label for r in pane.rows] == ["P09", "C02", "D03"]
            await pilot.press("P")
            assert [r.label for r in pane.rows] == ["P07"]
            await pilot.press("P")
            assert pane.rows == []
    run(go())


# ---------------------------------------------------------------------------------------------- view and app
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
            await pilot.press(*"apply code: making the", )
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert list(codings(elc_path).code) == ["Making the booking"]
            await pilot.press("ctrl+p", *"retrieve: making")
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


def test_persistence_across_restart(elc_path):
    async def first():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("1", "minus", "j", "w", "right", "4", "m", *"on hold", "enter")
            await pilot.press("q")
        assert not app.is_running

    async def second():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            seen = screen.wb.codings(1)
            assert {(screen.wb.code(c.code_id).name, c.valence, c.memo) for c in seen} == {
                ("Making the booking", "to-improve", ""), ("The pick-up", "to-improve", "on hold")}
            assert len(tv(app)._by_turn[1]) == 2  # drawn in the transcript
            await pilot.press("u")  # undo works across the restart: the memo goes
            assert set(codings(elc_path).memo) == {""}

    run(first())
    run(second())
