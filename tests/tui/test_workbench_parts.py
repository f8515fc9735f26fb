"""The workbench as composed parts: one shared state behind the per-feature controllers, and the
transcript's line-drawing helpers as plain functions."""

from __future__ import annotations

import pytest

import elc
from elc.tui.controller import Workbench
from elc.tui.controllers.records import CodingView
from elc.tui.widgets.transcript_render import cut_points, innermost, selection_kind


@pytest.fixture
def wb(elc_path):
    project = elc.open_project(elc_path)
    yield Workbench(project, "alice")
    project.close()


def test_a_coding_through_one_controller_is_seen_by_the_others(wb):
    doc = wb.load(1)
    s = next(x for x in doc.sentences if x.role == "participant")
    code = wb.codes(doc.family)[0]
    before_count = wb.counts().get(code.id, 0)
    before_row = wb.source_row(1).n_coded
    events = []
    wb.listeners.append(events.append)
    cid = wb.coding.apply(1, s.start, s.end, code.id, "to-improve")
    assert wb.counts()[code.id] == before_count + 1  # the code tree's counts were dropped and re-read
    assert wb.source_row(1).n_coded == before_row + 1  # the sources' progress was refreshed
    assert [c.id for c in wb.codings(1) if c.code_id == code.id and c.start == s.start] == [cid]
    assert [(e.action, e.coding_id) for e in events] == [("apply", cid)]
    wb.undo()
    assert wb.counts().get(code.id, 0) == before_count and wb.source_row(1).n_coded == before_row


def test_show_others_is_one_switch_for_every_part(wb):
    assert wb.show_others is False and wb.state.show_others is False
    wb.show_others = True
    assert wb.state.show_others is True
    assert wb.sources.state is wb.tree.state is wb.coding.state is wb.analysis.state is wb.state


def test_a_codebook_edit_rebuilds_the_code_lists(wb):
    cid = wb.add_code("Parking at the hospital")
    assert wb.code(cid).name == "Parking at the hospital"
    wb.rename_code(cid, "Hospital parking")
    assert wb.code(cid).name == "Hospital parking"
    assert "Hospital parking" in [c.name for c in wb.all_codes()]


def _coding(id_, start, end, own=True):
    return CodingView(id_, 1, start, end, 7, "neutral", "alice" if own else "bob", "", "manual", own)


def test_line_pieces_cut_at_every_boundary_and_take_the_innermost_coding():
    codings = [_coding(1, 0, 50), _coding(2, 10, 20), _coding(3, 12, 18, own=False)]
    spans = [(c.start, c.end) for c in codings] + [None, (15, 40)]
    assert cut_points(5, 30, 9, spans) == [5, 9, 10, 12, 15, 18, 20, 30]
    assert innermost(codings, 12, 15).id == 2  # own codings before others', then the shortest
    assert innermost(codings, 25, 30).id == 1
    assert innermost(codings, 55, 60) is None
    assert selection_kind((10, 20), None, False, 12, 15) == "cursor"
    assert selection_kind((10, 20), (12, 15), True, 12, 15) == "word"
    assert selection_kind((10, 20), (12, 15), True, 15, 18) == "selection"
    assert selection_kind(None, None, False, 0, 5) is None
