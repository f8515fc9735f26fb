"""The pieces under the widgets: wrapping, fuzzy ranking, the controller, and elc.coding.suggestions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import elc
from elc.coding import CodingSession
from elc.coding import suggestions as sg
from elc.errors import CodingError
from elc.store import database, schema as s
from elc.tui.controller import Workbench, fuzzy_codes
from elc.tui.widgets.transcript import wrap


def test_wrap_breaks_at_spaces_and_folds_long_words():
    text = "Speaker: one two three four five six seven eight nine ten"
    lines = wrap(text, 0, len(text), 20)
    assert [text[a:b] for a, b in lines] == ["Speaker: one two", "three four five six", "seven eight nine ten"]
    assert all(b - a <= 20 for a, b in lines)
    long = "x" * 45
    assert [b - a for a, b in wrap(long, 0, 45, 20)] == [20, 20, 5]
    # offsets are absolute (a turn in the middle of a source) and newlines start new lines
    text = "AAAA\n\nP1: hello there\nsecond line"
    start = text.index("P1")
    assert [text[a:b] for a, b in wrap(text, start, len(text), 40)] == ["P1: hello there", "second line"]


@pytest.fixture
def wb(elc_path):
    project = elc.open_project(elc_path)
    yield Workbench(project, "alice")
    project.close()


def test_fuzzy_codes_ranks_names_typos_and_definitions(wb):
    codes = wb.all_codes()
    top = lambda q: fuzzy_codes(codes, q)[0][0].name  # noqa: E731
    assert top("booking") == "Making the booking"
    assert top("escrot ineligble") == "Carer/escort being ineligible for travel"
    assert top("chase phone") == "Knowing when transport will arrive"  # keywords and definition
    assert top("KPI") == "Contract metrics and incentives"
    assert fuzzy_codes(codes, "qqqqzzzz") == []
    assert len(fuzzy_codes(codes, "")) == len(codes)


def test_all_codes_orders_families_then_themes(wb):
    names = [c.name for c in wb.all_codes()]
    assert names[0] == "Making the booking" and names[10] == "Getting information about pick ups"
    assert names[20] == "Information and communication"
    assert [c.depth for c in wb.all_codes()][21] == 1
    assert wb.descendants(wb.project.code_id("Timing and waiting")) == {
        wb.project.code_id(n) for n in ("Timing and waiting", "Early morning pick-ups", "Pick-up time windows",
                                        "Waiting and delays")}


def test_load_search_and_next_uncoded(wb):
    doc = wb.load(1)
    assert doc.label == "P07" and len(doc.turns) == 6 and len(doc.sentences) == 12
    assert doc.turns[1].body_start == doc.turns[1].start + len("P07: ")
    assert doc.sentences[doc.sentence_at(doc.sentences[7].start + 3)].index == 7
    assert [doc.text[a:b] for a, b in doc.words(doc.sentences[6].start, doc.sentences[6].end)] == [
        "The", "driver,", "Dev,", "he's", "lovely."]
    hits = wb.search("the")
    assert len({h.source_id for h in hits}) == 4 and all(h.match.lower() == "the" for h in hits)
    hit = wb.search("discharge lounge")[0]
    assert (hit.label, hit.speaker, hit.community) == ("P09", "P09", "patients")
    assert hit.before.endswith("in the ") and hit.after == "."
    assert wb.search("   ") == []
    # next uncoded: from P07's first participant sentence with something to code ("Um, yeah." is passed over)
    assert wb.next_uncoded(1, -1) == (1, doc.sentences[3].start)
    for x in doc.sentences:
        if x.role == "participant":
            wb.apply(1, x.start, x.end, wb.project.code_id("The pick-up"))
    assert wb.source_row(1).status == "done"
    sid, start = wb.next_uncoded(1, doc.sentences[11].start)
    assert sid == 4
    assert wb.next_uncoded(4, 0, backwards=True)[0] == 3  # wraps round to the last source (D03)


def test_undo_reports_where_the_coding_is(wb):
    doc = wb.load(2)
    x = doc.sentences[1]
    cid = wb.apply(2, x.start, x.end, wb.project.code_id("Eligibility and escorts"), "to-improve")
    undone = wb.undo()
    assert undone["coding_id"] == cid and undone["source_id"] == 2 and undone["start"] == x.start
    assert wb.codings(2) == [] and wb.source_row(2).n_coded == 0
    assert wb.redo()["action"] == "apply" and len(wb.codings(2)) == 1


# ---------------------------------------------------------------------------------------------- suggestions
def _suggest(project, segment_id, code, prob, valence=None):
    with project.engine.begin() as conn:
        conn.execute(s.suggestions.insert().values(
            segment_id=segment_id, code_id=project.code_id(code), probability=prob, valence=valence,
            valence_probability=None, model_version="m1", created_at=database.now()))


def test_suggestions_module(elc_path):
    p = elc.open_project(elc_path)
    segs = p.segments(source_id=1)
    seg = segs.iloc[3]
    sid = int(seg.id)
    _suggest(p, sid, "Making the booking", 0.9, "to-improve")
    _suggest(p, sid, "Waiting and delays", 0.5)
    _suggest(p, sid, "Journey home", 0.05)
    got = sg.suggestions_for(p, sid)
    assert [x["code"] for x in got] == ["Making the booking", "Waiting and delays", "Journey home"]
    assert got[0]["probability"] == 0.9 and got[0]["valence"] == "to-improve" and got[0]["model_version"] == "m1"
    assert len(sg.suggestions_for(p, sid, min_probability=0.1)) == 2
    assert sg.segments_with_suggestions(p, 1) == {sid}

    alice = CodingSession(p, "alice")
    cid = sg.accept(alice, seg, p.code_id("Making the booking"))  # a pandas row works
    coding = p.codings(coder="alice").iloc[0]
    assert (int(coding.id), coding.origin, coding.valence, coding.text) == (cid, "suggestion", "to-improve", seg.text)
    sg.reject(p, "alice", sid, p.code_id("Waiting and delays"))
    assert [x["code"] for x in sg.suggestions_for(p, sid, "alice")] == ["Journey home"]
    assert len(sg.suggestions_for(p, sid, "bob")) == 3  # decisions are per coder
    assert len(sg.suggestions_for(p, sid, "alice", include_decided=True)) == 3
    log = sg.decisions(p, "alice")
    assert list(log.decision) == ["accepted", "rejected"] and list(log.probability) == [0.9, 0.5]
    assert int(log.coding_id.iloc[0]) == cid and log.coding_id.isna().iloc[1]
    sg.reject(p, "alice", sid, p.code_id("Journey home"))
    assert sg.segments_with_suggestions(p, 1, "alice") == set()
    assert sg.segments_with_suggestions(p, 1, "bob") == {sid}
    # a code applied by hand over the segment also hides its suggestion
    other = segs.iloc[4]
    _suggest(p, int(other.id), "The pick-up", 0.7)
    alice.apply(1, int(other.start), int(other.end), p.code_id("The pick-up"))
    assert sg.suggestions_for(p, int(other.id), "alice") == []
    # accept with an explicit valence (dict row), reject errors
    bob = CodingSession(p, "bob")
    sg.accept(bob, {"id": sid, "source_id": 1, "start": int(seg.start), "end": int(seg.end)},
              p.code_id("Waiting and delays"), "working-well")
    assert p.codings(coder="bob").valence.tolist() == ["working-well"]
    with pytest.raises(CodingError):
        sg.reject(p, "", sid, 1)
    with pytest.raises(CodingError):
        sg.reject(p, "bob", 999999, 1)
    with p.engine.connect() as conn:
        n = len(conn.execute(select(s.suggestion_decisions)).all())
    assert n == 4
    p.close()
