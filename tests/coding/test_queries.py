"""Queries: co-occurrence, code x community/attribute, boolean/phrase/NEAR search, saved queries, sets."""

from __future__ import annotations

import pytest

from elc.coding import CodingSession
from elc.coding.queries import (
    SavedQuery, code_by_group, cooccurrence, interview_sets, parse_query, run_saved, save_query, save_set,
    saved_queries, text_search,
)
from elc.errors import ElcError
from elc.ingest import ImportOptions, import_files

P1 = """Interviewer: Tell me about the booking.
P01: I ring the booking line and wait for ages. The driver was lovely though.
Interviewer: And getting home?
P01: Getting home takes hours. Nobody tells you when the transport will come.
"""
P2 = """Interviewer: How was the journey home?
P02: The journey home was awful. I waited in the discharge lounge for four hours.
"""


@pytest.fixture
def queried(project, tmp_path):
    for name, text in (("P01-a.txt", P1), ("P02-b.txt", P2)):
        f = tmp_path / name
        f.write_text(text)
        assert import_files(project, [f], ImportOptions(community="patients"), deidentify=False).ok
    segs = project.segments(role="participant")
    s = CodingSession(project, "alice")

    def code(needle, name, valence="to-improve"):
        row = segs[segs.text.str.contains(needle)].iloc[0]
        s.apply(int(row.source_id), int(row.start), int(row.end), project.code_id(name), valence)

    code("booking line", "Making the booking")
    code("booking line", "Waiting and delays")
    code("Getting home takes", "Waiting and delays")
    code("Getting home takes", "Journey home")
    code("journey home was awful", "Journey home")
    code("discharge lounge", "Waiting and delays")
    code("discharge lounge", "Journey home")
    from elc.store import schema as sc
    with project.engine.begin() as conn:
        conn.execute(sc.participants.update().where(sc.participants.c.id == "P01").values(attributes='{"area": "Melton"}'))
        conn.execute(sc.participants.update().where(sc.participants.c.id == "P02").values(attributes='{"area": "Hinckley"}'))
    return project


def test_cooccurrence_counts_sentences_and_people(queried):
    co = cooccurrence(queried)
    row = co[(co.code_a == "Journey home") & (co.code_b == "Waiting and delays")].iloc[0]
    assert (row.sentences, row.participants) == (2, 2)
    row = co[(co.code_a == "Making the booking") & (co.code_b == "Waiting and delays")].iloc[0]
    assert (row.sentences, row.participants) == (1, 1)
    texts = set(queried.segments().set_index("id").loc[list(row.segment_ids)].text)
    assert texts == {"I ring the booking line and wait for ages."}


def test_code_by_community_and_attribute(queried):
    by_area = code_by_group(queried, "area")
    cell = by_area[(by_area.code == "Journey home") & (by_area.group == "Melton")].iloc[0]
    assert (cell.participants, cell.of) == (1, 1)
    by_c = code_by_group(queried, "community")
    cell = by_c[(by_c.code == "Journey home")].iloc[0]
    assert (cell.group, cell.participants, cell.of) == ("patients", 2, 2)
    with pytest.raises(ElcError, match="no participant has the attribute 'age'.*area"):
        code_by_group(queried, "age")


def test_boolean_phrase_and_near_search(queried):
    def who(q):
        return sorted(text_search(queried, q).participant_id)

    assert who("home") == ["P01", "P02"]
    assert who('"journey home"') == ["P02"]
    assert who("home NOT lounge") == ["P01"]
    assert who("booking OR lounge") == ["P01", "P02"]
    assert who("(booking OR lounge) AND driver") == ["P01"]
    assert who("waited NEAR/3 lounge") == ["P02"]
    assert who("waited NEAR/1 lounge") == []
    assert who("tells NEAR/4 transport") == ["P01"]
    for bad in ("", "(home", "home AND", "NEAR/2 home"):
        with pytest.raises(ElcError):
            parse_query(bad)


def test_saved_queries_and_interview_sets_persist(queried):
    p2 = int(queried.sources().set_index("participant_id").loc["P02", "id"])
    save_set(queried, "lounge", [p2])
    assert interview_sets(queried) == {"lounge": [p2]}
    save_query(queried, SavedQuery("waits with home", "cooccurrence", set_name="lounge"))
    save_query(queried, SavedQuery("home not lounge", "text", text="home NOT lounge"))
    assert [q.name for q in saved_queries(queried)] == ["waits with home", "home not lounge"]
    co = run_saved(queried, saved_queries(queried)[0])
    assert set(co.sentences) == {1}  # only P02's interview
    with pytest.raises(ElcError):
        save_query(queried, SavedQuery("broken", "text", text="(oops"))
    with pytest.raises(ElcError, match="no sources"):
        save_set(queried, "x", [999])
