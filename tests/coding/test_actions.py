import pytest

from elc.coding import Codebook, CodingSession
from elc.errors import CodingError
from elc.ingest import import_files


@pytest.fixture
def coded(project, transcript):
    report = import_files(project, [transcript], deidentify=False)
    assert report.ok, report.failed
    segs = project.segments(role="participant")
    return project, segs


def test_apply_remove_undo_redo_persist(coded, tmp_path):
    project, segs = coded
    seg = segs.iloc[0]
    booking = project.code_id("Making the booking")
    alice = CodingSession(project, "alice")
    cid = alice.apply(int(seg.source_id), int(seg.start), int(seg.end), booking, "to-improve")
    df = project.codings()
    assert list(df.code) == ["Making the booking"] and df.valence.iloc[0] == "to-improve"
    assert df.text.iloc[0] == seg.text
    alice.set_valence(cid, "working-well")
    alice.set_memo(cid, "hold times")
    alice.remove(cid)
    assert project.codings().empty
    assert alice.undo()["action"] == "remove"
    assert len(project.codings()) == 1
    assert alice.undo()["action"] == "memo"
    assert project.codings().memo.iloc[0] == ""
    assert alice.redo()["action"] == "memo"
    assert project.codings().memo.iloc[0] == "hold times"
    # a new action clears the redo stack
    alice.undo()
    alice.set_valence(cid, "neutral")
    assert alice.redo() is None
    # everything is on disk: a fresh connection sees it, and undo still works after "restart"
    import elc
    again = elc.open_project(project.location)
    assert again.codings().valence.iloc[0] == "neutral"
    assert CodingSession(again, "alice").undo()["action"] == "valence"
    assert again.codings().valence.iloc[0] == "working-well"


def test_undo_is_per_coder(coded):
    project, segs = coded
    seg = segs.iloc[0]
    code = project.code_id("The pick-up")
    a, b = CodingSession(project, "alice"), CodingSession(project, "bob")
    a.apply(int(seg.source_id), int(seg.start), int(seg.end), code)
    b.apply(int(seg.source_id), int(seg.start), int(seg.end), code)
    assert b.undo() is not None
    assert list(project.codings().coder) == ["alice"]
    assert b.undo() is None


def test_bad_actions_raise_coding_errors(coded):
    project, segs = coded
    s = CodingSession(project, "alice")
    seg = segs.iloc[0]
    with pytest.raises(CodingError, match="outside source"):
        s.apply(int(seg.source_id), 0, 10**7, project.code_id("The pick-up"))
    with pytest.raises(CodingError, match="no code"):
        s.apply(int(seg.source_id), 0, 5, 99999)
    with pytest.raises(CodingError, match="unknown valence"):
        s.apply(int(seg.source_id), 0, 5, project.code_id("The pick-up"), valence="great")
    cid = s.apply(int(seg.source_id), 0, 5, project.code_id("The pick-up"))
    with pytest.raises(CodingError, match="belongs to alice"):
        CodingSession(project, "bob").remove(cid)


def test_codebook_edits_keep_codings(coded):
    project, segs = coded
    seg = segs.iloc[0]
    book = Codebook(project, "alice")
    new = book.add("Hold times", definition="Waiting on the phone", parent_id=project.code_id("Timing and waiting"))
    other = book.add("Phone queue")
    s = CodingSession(project, "alice")
    s.apply(int(seg.source_id), int(seg.start), int(seg.end), new)
    s.apply(int(seg.source_id), int(seg.start), int(seg.end), other)
    book.rename(new, "Phone hold times")
    book.recolour(new, "#123456")
    assert set(project.codings().code) == {"Phone hold times", "Phone queue"}
    assert book.merge(other, new) == 1
    codes = project.codes()
    assert "Phone queue" not in set(codes.name)
    assert list(project.codings().code) == ["Phone hold times"] * 2
    with pytest.raises(CodingError, match="already exists"):
        book.add("phone hold times")
    with pytest.raises(CodingError, match="inside itself"):
        book.move(project.code_id("Timing and waiting"), parent_id=new)
    with pytest.raises(CodingError, match="still has 2 codings"):
        book.archive(new)


def test_merge_parent_into_its_own_child(coded):
    project, _ = coded
    book = Codebook(project, "alice")
    parent = project.code_id("Timing and waiting")
    child = project.code_id("Waiting and delays")
    book.merge(parent, child)
    codes = project.codes().set_index("id")
    assert codes.loc[child, "parent_id"] != child
    assert parent not in codes.index
    siblings = codes[codes.parent_id == child]
    assert {"Early morning pick-ups", "Pick-up time windows"} <= set(siblings.name)
