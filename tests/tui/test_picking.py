"""Picking and selecting right: the picker never applies a code nobody named, selections stay in
one speaker's turn unless extended on purpose, accept codes the whole selection, `n` passes over
sentences with nothing to code."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from elc.coding.backchannel import is_backchannel
from elc.tui.codesearch import rank_codes
from elc.tui.screens.dialogs import PickerScreen

from .helpers import MainScreen, codings, make_app, run, sentence_text, started, tv, type_text
from .conftest import SIZE
from .test_screens import add_suggestions


def test_near_miss_name_is_never_applied_and_new_code_needs_a_choice(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("j", "j", "j")
            await pilot.press("c")
            await type_text(pilot, "Language and interpreting")
            lst = app.screen.query_one(OptionList)
            assert lst.highlighted is None  # no weak match pre-selected
            assert lst.get_option_at_index(0).id == "new:Language and interpreting"
            await pilot.press("enter")
            assert isinstance(app.screen, PickerScreen)  # Enter alone chose nothing
            assert "Nothing chosen" in str(app.screen.query_one(".dialog-hint", Static).render())
            assert codings(elc_path).empty
            await pilot.press("down", "enter")  # the explicit choice: + new theme code
            assert isinstance(app.screen, MainScreen)
            df = codings(elc_path)
            assert list(df.code) == ["Language and interpreting"]
            assert "applied" in screen.message.plain and "Language and interpreting" in screen.message.plain
    run(go())


def test_prefix_and_exact_names_rank_first_and_are_applied(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("j", "j", "j", "c")
            await type_text(pilot, "waiting")
            lst = app.screen.query_one(OptionList)
            code_id = app.main_screen.wb.project.code_id("Waiting and delays")
            assert lst.highlighted_option.id == str(code_id)
            await pilot.press("enter")
            assert list(codings(elc_path).code) == ["Waiting and delays"]
    run(go())


def test_rank_tiers_exact_prefix_words_before_fuzzy(elc_path):
    import elc
    from elc.tui.controller import Workbench

    p = elc.open_project(elc_path)
    try:
        codes = Workbench(p, "alice").all_codes()
        top = rank_codes(codes, "Waiting and delays")[0]
        assert (top.code.name, top.how, top.strong) == ("Waiting and delays", "exact", True)
        assert rank_codes(codes, "pick win")[0].code.name == "Pick-up time windows"
        assert rank_codes(codes, "waitng and delays")[0].how == "typo"
        assert not any(m.strong for m in rank_codes(codes, "Language and interpreting"))
        assert rank_codes(codes, "transport")[0].code.name == "Transport logistics and planning"
    finally:
        p.close()


def test_selection_stops_at_the_turn_and_crosses_only_when_asked(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            t = tv(app)
            await pilot.press("j", "j")  # sentence 2, first of P07's turn (2-4)
            await pilot.press("shift+down", "shift+down")
            assert t.selection_range() == (2, 4)
            await pilot.press("shift+down")  # sentence 5 is the interviewer's: refused, and said why
            assert t.selection_range() == (2, 4)
            assert "end of this speaker's turn" in screen.message.plain
            await pilot.press("3")  # applying now codes P07's words only
            df = codings(elc_path)
            assert "Interviewer" not in df.text.iloc[0] and df.text.iloc[0].endswith("honestly.")
            await pilot.press("shift+down")  # again, on purpose: crosses
            await pilot.press("shift+down")
            assert t.selection_range() == (2, 5)
    run(go())


def test_v_selects_the_whole_turn(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            t = tv(app)
            for _ in range(7):
                await pilot.press("j")  # sentence 7, in the middle of P07's turn 6-8
            await pilot.press("v")
            assert t.selection_range() == (6, 8)
            assert "whole turn (3 sentences)" in screen.message.plain
    run(go())


def test_accept_codes_the_whole_selection(elc_path):
    add_suggestions(elc_path, [(1, 3, "Making the booking", 0.82, "to-improve")])

    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("j", "j", "j", "j", "shift+up")  # selection 3-4, cursor on the suggested 3
            await pilot.press("a")
            df = codings(elc_path)
            assert list(df.origin) == ["suggestion"]
            assert df.text.iloc[0].startswith("I ring the booking line") and df.text.iloc[0].endswith("honestly.")
            assert "on 2 sentences" in screen.message.plain
    run(go())


def test_next_uncoded_passes_over_sentences_with_nothing_to_code(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("n")  # sentence 2 "Um, yeah." is skipped
            assert sentence_text(app) == "I ring the booking line and you're on hold for ages."
    run(go())


def test_backchannel_rules():
    for text in ("[laughs]", "Um, yeah.", "Yes, yes I can hear you.", "Mm.", "(inaudible)", "Okay, thank you."):
        assert is_backchannel(text), text
    for text in ("Yes, the driver was late.", "No.", "Good.", "[laughs] I was.", "It's the waiting that gets you."):
        assert not is_backchannel(text), text


def test_80x24_keeps_a_readable_transcript_and_the_whole_message(elc_path):
    async def go():
        from elc.tui.widgets.panes import SourcesPane, StatusBar

        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await started(app, pilot)
            await pilot.press("j", "j", "j", "3")
            await pilot.pause()
            assert tv(app).size.width >= 45
            assert not screen.query_one(SourcesPane).display
            bar = screen.query_one(StatusBar)
            assert bar.size.height == 2 and screen.message.plain in bar.text.plain.splitlines()[-1]
            await pilot.press("ctrl+b")  # the sources pane is one key away
            await pilot.pause()
            assert screen.query_one(SourcesPane).display
    run(go())


def test_valence_keys_never_change_an_earlier_coding_the_cursor_merely_lands_on(elc_path):
    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("j", "j", "j", "1")  # code sentence 3 (neutral)
            await pilot.press("j", "k")  # away and back: the earlier coding is no longer the target
            await pilot.press("plus")
            assert list(codings(elc_path).valence) == ["neutral"]
            assert screen.default_valence == "working-well"
            assert "choose it with . first" in screen.message.plain
            await pilot.press("full_stop", "minus")  # chosen on purpose: now it changes
            assert list(codings(elc_path).valence) == ["to-improve"]
    run(go())


def test_retrieve_shows_a_double_coded_sentence_once_and_blind_matrix_is_own_codings(elc_path):
    import elc
    from elc.tui.controller import Workbench

    from .test_screens import seed

    seed(elc_path, "alice", [(1, 3, "Making the booking", "to-improve")])
    seed(elc_path, "bob", [(1, 3, "Making the booking", "to-improve"), (4, 3, "Making the booking", "to-improve")])
    p = elc.open_project(elc_path)
    try:
        code = p.code_id("Making the booking")
        blind = Workbench(p, "alice")
        everyone = Workbench(p, "alice", show_others=True)
        (_, _, passages), = everyone.retrieve(code)
        assert [(x.label, x.coder) for x in passages] == [("P07", "alice + bob"), ("P09", "bob")]
        (_, _, mine), = blind.retrieve(code)
        assert [(x.label, x.coder) for x in mine] == [("P07", "alice")]

        def raised(wb):
            m = wb.insight_matrix()
            row = m[(m.touchpoint == "Making the booking") & (m.community == "patients")].iloc[0]
            return int(row.to_improve)

        assert raised(blind) == 1 and raised(everyone) == 2  # blind: bob's P09 coding is not pooled in
    finally:
        p.close()


def test_reports_and_exports_from_the_palette(elc_path, tmp_path):
    from elc.tui.commands import ElcCommands

    from .test_screens import seed

    seed(elc_path, "alice", [(1, 3, "Making the booking", "to-improve")])

    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            titles = [t for t, _, _ in ElcCommands(app.screen)._commands() if t.startswith("Export:")]
            assert any("workbook" in t for t in titles) and any("specification" in t for t in titles)
            for kind, name in (("workbook", "w.xlsx"), ("spec", "s.docx"), ("qdpx", "p.qdpx")):
                worker = screen._start_export(kind, str(tmp_path / name))
                await worker.wait()
                await pilot.pause()
                assert (tmp_path / name).stat().st_size > 0
                assert "p.qdpx" in screen.message.plain or name in screen.message.plain
    run(go())


def test_memo_browser_lists_and_searches_every_memo(elc_path):
    import elc
    from elc.store.memos import MemoTarget, memos, set_memo

    p = elc.open_project(elc_path)
    set_memo(p, MemoTarget("project"), "alice", "Focus: the journey home after dialysis.")
    set_memo(p, MemoTarget("code", str(p.code_id("Waiting and delays"))), "bob", "Split waits at pick-up from waits at home?")
    set_memo(p, MemoTarget("participant", "P07"), "alice", "Uses the service twice a week.")
    set_memo(p, MemoTarget("participant", "P07"), "alice", "")  # empty deletes
    assert set(memos(p).kind) == {"project", "code"}
    assert list(memos(p, "pick-up").author) == ["bob"]
    p.close()

    async def go():
        from textual.widgets import Input, OptionList

        from elc.tui.screens.memos import MemosScreen

        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("b")
            assert isinstance(app.screen, MemosScreen)
            lst = app.screen.query_one(OptionList)
            texts = [str(lst.get_option_at_index(i).prompt) for i in range(lst.option_count)]
            assert any("journey home" in t for t in texts) and any("Split waits" in t for t in texts)
            app.screen.query_one(Input).value = "dialysis"
            await pilot.pause()
            assert lst.option_count == 1 and "the project" in str(lst.get_option_at_index(0).prompt)
            await pilot.press("enter")  # bob's memo would be refused; this one is alice's own: editor
            from elc.tui.screens.memos import MemoScreen
            assert isinstance(app.screen, MemoScreen)
    run(go())


def test_query_screen_cooccurrence_passages_search_and_saved(elc_path):
    from .test_screens import seed

    seed(elc_path, "alice", [(1, 3, "Making the booking", "to-improve"), (1, 3, "Waiting and delays", "to-improve"),
                             (4, 1, "Waiting and delays", "to-improve")])

    async def go():
        from textual.widgets import DataTable, Static

        from elc.coding.queries import saved_queries
        from elc.tui.screens.queries import QueryScreen

        app = make_app(elc_path, "alice", source=4)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("Q")
            assert isinstance(app.screen, QueryScreen)
            qs = app.screen
            table = qs.query_one(DataTable)
            assert table.row_count == 1 and qs.result.iloc[0][["code_a", "code_b"]].tolist() == [
                "Making the booking", "Waiting and delays"]
            assert "I ring the booking line" in str(qs.query_one("#query-passages", Static).render())
            await pilot.press("2")  # code x community
            assert {"Making the booking", "Waiting and delays"} <= set(qs.result.code)
            qs._set(kind="text", text='"booking line" NOT lounge')
            await pilot.pause()
            assert list(qs.result.participant_id) == ["P07"]
            qs.current.name = "booking"
            from elc.coding.queries import save_query
            save_query(app.wb.project, qs.current)
            assert [x.name for x in saved_queries(app.wb.project)] == ["booking"]
            await pilot.press("enter")  # jump to the passage
            await pilot.pause()
            assert not isinstance(app.screen, QueryScreen)
            assert screen.doc.label == "P07" and tv(app).sentence.speaker == "P07"  # the matching turn
    run(go())


def test_codebook_edits_are_undoable_merge_included(elc_path):
    from .test_screens import seed

    seed(elc_path, "alice", [(1, 3, "Making the booking", "to-improve"), (1, 4, "Waiting and delays", "to-improve")])

    async def go():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            wb = screen.wb
            booking, waiting = wb.project.code_id("Making the booking"), wb.project.code_id("Waiting and delays")
            wb.rename_code(waiting, "Waits")
            wb.merge_code(booking, waiting)
            assert set(codings(elc_path).code) == {"Waits"}
            await pilot.press("u")  # the merge is the latest action: undone, not a coding
            assert sorted(codings(elc_path).code) == ["Making the booking", "Waits"]
            assert "codebook merge" in screen.message.plain
            await pilot.press("u")  # then the rename
            assert sorted(codings(elc_path).code) == ["Making the booking", "Waiting and delays"]
            await pilot.press("u")  # then the codings, in reverse order
            assert list(codings(elc_path).code) == ["Making the booking"]
    run(go())


def test_attributes_set_in_the_workbench_feed_the_attribute_query(elc_path):
    from .test_screens import seed

    seed(elc_path, "alice", [(1, 3, "Making the booking", "to-improve")])

    async def go():
        from textual.widgets import DataTable

        from elc.coding.queries import code_by_group
        from elc.store.attributes import participant_attributes
        from elc.tui.screens.attributes import AttributesScreen
        from elc.tui.screens.dialogs import PromptScreen

        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("A")
            assert isinstance(app.screen, AttributesScreen)
            table = app.screen.query_one(DataTable)
            assert app.screen.rows[table.cursor_row] == "P07" and table.cursor_column == 2  # area of P07
            await pilot.press("enter")
            assert isinstance(app.screen, PromptScreen)
            await type_text(pilot, "Melton")
            await pilot.press("enter")
            await pilot.press("enter")
            await type_text(pilot, "07700 900123")  # identifying: refused, nothing stored
            await pilot.press("enter")
            df = participant_attributes(app.wb.project).set_index("participant_id")
            assert df.loc["P07", "area"] == "Melton"
            by = code_by_group(app.wb.project, "area")
            assert by[by.code == "Making the booking"].group.tolist() == ["Melton"]
    run(go())
