"""CSV export: four UTF-8-with-BOM files, one row per coding, no cell a spreadsheet could run."""

from __future__ import annotations

import csv
import json

import pytest

from elc import new_project
from elc.coding import Codebook, CodingSession
from elc.export.csv_export import export_csv
from elc.export.safety import FORMULA_PREFIXES
from elc.ingest import ImportOptions, import_files
from elc.store import schema as s
from tests.conftest import CODEBOOK, GUIDE

HOSTILE = """Interviewer: Anything else about the booking line?
P09: =HYPERLINK("http://evil.example/x","click") is what I typed into the form. Café was fine.
Interviewer: And the driver?
P09: +44 numbers never ring back. @home we waited.
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    p = new_project(folder / "p.elc", GUIDE, CODEBOOK)
    (folder / "P09-call.txt").write_text(HOSTILE, encoding="utf-8")
    report = import_files(p, [folder / "P09-call.txt"], ImportOptions(community="patients"), deidentify=False,
                          metadata_for=lambda _p: {"attributes": {"=note": "-2+3", "age band": "@70s"}})
    assert report.ok, report.failed
    code = Codebook(p).add("@SUM(A1)", "theme", "=1+1 definition", keywords=("-kw",))
    segs = p.segments(role="participant")
    alice = CodingSession(p, "=alice")
    for _, seg in segs.iterrows():
        alice.apply(int(seg.source_id), int(seg.start), int(seg.end), code, "to-improve", memo="\t=cmd|'/C calc'!A0")
    alice.apply(int(segs.iloc[0].source_id), int(segs.iloc[0].start), int(segs.iloc[0].end),
                p.code_id("Making the booking"), "working-well", memo="plain memo")
    with p.engine.begin() as conn:  # a stored text cannot start a formula either
        conn.execute(s.sources.update().values(name="-source.txt"))
    files = export_csv(p, folder / "out")
    yield p, files
    p.close()


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_five_files_with_bom_and_header(exported):
    _, files = exported
    assert set(files) == {"codings", "segments", "participants", "codes", "memos"}
    for path in files.values():
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    header = _rows(files["codings"])[0]
    assert header[:12] == ["coding_id", "source", "participant", "community", "code", "code_kind", "valence",
                           "coder", "memo", "start", "end", "quote"]


def test_one_row_per_coding_with_quote_and_context(exported):
    p, files = exported
    rows = _rows(files["codings"])
    header, body = rows[0], rows[1:]
    assert len(body) == len(p.codings())
    records = [dict(zip(header, r)) for r in body]
    booking = [r for r in records if r["code"] == "Making the booking"][0]
    assert booking["participant"] == "P09" and booking["community"] == "patients"
    assert booking["code_kind"] == "touchpoint" and booking["valence"] == "working-well"
    assert booking["memo"] == "plain memo" and booking["coder"] == "'=alice"
    text = p.source_text(1)
    assert booking["quote"].lstrip("'") == text[int(booking["start"]):int(booking["end"])]
    assert "Café" in files["codings"].read_text(encoding="utf-8-sig")
    codes = {r[1]: r for r in _rows(files["codes"])[1:]}
    assert codes["'@SUM(A1)"][7] == "'-kw" and codes["Making the booking"][2] == "touchpoint"
    parts = _rows(files["participants"])
    assert parts[0][:5] == ["participant", "community", "community_name", "family", "interviews"]
    # only breakdown attributes leave the project (free-text manifest columns were never de-identified)
    assert "'=note" not in parts[0] and parts[0][5] == "age_band" and parts[1][0] == "P09" and parts[1][5] == "'@70s"
    segs = _rows(files["segments"])
    assert len(segs) - 1 == len(p.segments())
    assert segs[0][-2:] == ["codes", "unreviewed_deid"]
    assert any("@SUM(A1)" in r[-2] for r in segs[1:])


def test_no_cell_can_be_read_as_a_formula(exported):
    _, files = exported
    hostile = 0
    for path in files.values():
        for row in _rows(path):
            for cell in row:
                assert not cell.startswith(FORMULA_PREFIXES), (path.name, cell)
                hostile += cell.startswith("'")
    assert hostile >= 8  # the hostile cells were there, and neutralised


def test_csv_refuses_a_file_as_folder(exported, tmp_path):
    from elc.errors import ElcError

    p, _ = exported
    target = tmp_path / "file.csv"
    target.write_text("x")
    with pytest.raises(ElcError, match="needs a folder"):
        export_csv(p, target)
    assert json.dumps(target.read_text()) == '"x"'


def test_memos_are_exported_and_neutralised(tmp_path, project):
    from elc.store.memos import MemoTarget, set_memo

    set_memo(project, MemoTarget("project"), "alice", "=HYPERLINK(\"x\") the journey home")
    files = export_csv(project, tmp_path / "m")
    rows = _rows(files["memos"])
    assert rows[0] == ["on", "target", "label", "author", "memo", "updated_at"]
    assert rows[1][:4] == ["project", "", "the project", "alice"] and not rows[1][4].startswith("=")
