"""Codebook edits undo in reverse order, per coder; a merge gives back its codings and sub-codes."""

from __future__ import annotations

import pytest

from elc.coding import Codebook
from elc.errors import CodingError


def test_undo_each_kind_of_edit(coded_project):
    p = coded_project
    book, other = Codebook(p, "alice"), Codebook(p, "bob")
    waiting, booking = p.code_id("Waiting and delays"), p.code_id("Making the booking")
    new = book.add("Parking charges", parent_id=None)
    child = book.add("Blue badge", parent_id=new)
    book.move(child, None)
    book.recolour(new, "#123456")
    book.define(new, "Paying to park at the hospital")
    other.rename(booking, "Booking")  # bob's edit is not alice's to undo
    before = p.codings()[["id", "code"]].sort_values("id").values.tolist()
    book.merge(new, waiting)
    book.merge(waiting, booking)
    assert book.undo()["action"] == "merge"
    assert book.undo()["action"] == "merge"
    assert p.codings()[["id", "code"]].sort_values("id").values.tolist() == before
    codes = p.codes().set_index("name")
    assert codes.loc["Parking charges", "archived"] == 0
    assert [book.undo()["action"] for _ in range(3)] == ["define", "colour", "move"]
    assert int(p.codes().set_index("name").loc["Blue badge", "parent_id"]) == new
    assert [book.undo()["action"] for _ in range(2)] == ["add", "add"]
    assert "Parking charges" not in set(p.codes().name)
    assert book.undo() is None
    assert "Booking" in set(p.codes().name)  # bob's rename stands


def test_undo_of_an_add_with_codings_is_refused(coded_project):
    from elc.coding import CodingSession

    p = coded_project
    book = Codebook(p, "alice")
    cid = book.add("Something new")
    seg = p.segments(role="participant").iloc[0]
    CodingSession(p, "alice").apply(int(seg.source_id), int(seg.start), int(seg.end), cid)
    with pytest.raises(CodingError, match="has 1 codings"):
        book.undo()
