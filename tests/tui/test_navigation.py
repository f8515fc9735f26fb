"""Moving around: sources, sentences, turns, next uncoded, search, code filter."""

from __future__ import annotations

from .helpers import SIZE, CodingSession, elc, make_app, run, sentence_text, started, tv, type_text


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


def test_search_and_jump_to_hit(elc_path):
    async def go():
        from elc.tui.screens.search import SearchScreen

        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            await pilot.press("slash")
            assert isinstance(app.screen, SearchScreen)
            await type_text(pilot, "PARKING")
            await pilot.press("enter")
            await pilot.pause()
            assert screen.doc.label == "C02"
            assert "parking" in sentence_text(app)
            a, b = tv(app).match
            assert tv(app).doc.text[a:b] == "parking"
            # search again: the hits are kept, and the list is on the next hit
            await pilot.press("slash")
            search = app.screen
            await pilot.press("delete")
            await type_text(pilot, "wait")
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
            await pilot.press("g", "f")
            await type_text(pilot, "the pick-up")
            await pilot.press("enter")
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
            await pilot.press("f")
            await type_text(pilot, "journey home")
            await pilot.press("enter")
            assert t.filter_indices is None
    run(go())
