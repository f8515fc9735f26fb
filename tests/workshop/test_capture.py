"""The capture sheet: the shipped filled sheet imports exactly as filled; bad cells give one line
each and leave the project unchanged; a sheet is imported once."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import Workbook, load_workbook

from elc.errors import ElcError
from elc.exchange.capture_sheet import import_sheet, write_sheet
from elc.insights.changes import changes
from elc.insights.workshop_checks import WorkshopError
from elc.insights.workshop_summary import summary
from elc.store import workshop as ws

from .conftest import FIXTURE, dump

EXPECTED = {1: "endorsed", 2: "endorsed", 3: "merged", 4: "amended", 5: "endorsed", 6: "endorsed", 7: "endorsed",
            8: "rejected", 9: "endorsed", 10: "endorsed", 11: "new"}


def test_fixture_imports_and_changes_the_states_as_filled(sample):
    before_links = set(changes(sample).set_index("id").code_ids[3])
    res = import_sheet(sample, FIXTURE, "alice")
    df = changes(sample).set_index("id")
    assert dict(df.state) == EXPECTED
    assert res.new_change_ids == (11,) and res.attendees == 10 and res.codesign == 2
    assert df.merged_into[3] == 2 and df.votes[1] == 14 and df.priority[1] == 1
    assert df.decision_owner[10] == "ICB contract manager"
    assert df.title[4] == "Make the journey home as reliable as the journey in"
    assert df.requirements[4][1].startswith("The Trust shall tell the Provider")
    assert before_links <= set(df.code_ids[2])  # merged: the target has the source's links
    assert df.title[11].startswith("Refund hospital parking")
    s = summary(sample)
    assert s.total == 22 and s.by_role["commissioner"] == 5  # "contract manager" is a commissioner
    assert set(s.by_community) == {"", "patients", "carers", "drivers", "nhs-staff", "provider-staff"}
    assert s.states == {"endorsed": 7, "merged": 1, "amended": 1, "rejected": 1, "new": 1}
    by_key = {f.finding: f for f in s.findings}
    assert by_key["cell:Journey home|carers"].challenge == 1
    assert by_key["note:Parking charges for escorts were not in the interviews"].new_evidence == 1
    assert all(d.recorded_by == "alice" and d.workshop_id == res.workshop_id for d in ws.decisions(sample))
    # the amended change keeps its old wording in the audit trail
    note = ws.decisions(sample, 4)[-1].note
    assert "title was 'Focus on improving the journey home'" in note and "requirements were:" in note


def test_importing_the_same_sheet_twice_is_refused(sample, sample_path):
    import_sheet(sample, FIXTURE, "alice")
    before = dump(sample_path)
    with pytest.raises(ElcError, match="already imported as workshop 1 .* by alice; nothing imported"):
        import_sheet(sample, FIXTURE, "bob")
    assert dump(sample_path) == before


def _broken(tmp_path, edits):
    target = tmp_path / "capture.xlsx"
    shutil.copy(FIXTURE, target)
    wb = load_workbook(target)
    for sheet, cell, value in edits:
        wb[sheet][cell] = value
    wb.save(target)
    return target


def test_bad_cells_one_line_each_and_project_unchanged(sample, sample_path, tmp_path):
    path = _broken(tmp_path, [
        ("Decisions", "D7", "endorse"),  # change 6
        ("Decisions", "I2", "lots"),  # votes
        ("Decisions", "J3", 0),  # priority
        ("Attendees", "B3", "Martians"),
        ("Attendees", "A4", "Jane Smith"),
        ("Attendees", "D5", 2.5),
        ("Findings", "D2", "maybe"),
        ("Decisions", "E4", "99"),  # merged into a change that does not exist
        ("Co-design", "D2", "next Tuesday"),
        ("Cover", "B7", "14th March"),
    ])
    before = dump(sample_path)
    with pytest.raises(WorkshopError) as exc:
        import_sheet(sample, path, "alice")
    lines = str(exc.value).splitlines()
    assert lines[0] == "capture.xlsx: 10 problem(s); nothing was imported"
    expected = [
        "capture.xlsx: Decisions!D7: 'endorse' is not one of endorsed, amended, merged, rejected",
        "capture.xlsx: Decisions!I2: votes 'lots' is not a whole number",
        "capture.xlsx: Decisions!J3: priority must be at least 1 (not 0)",
        "capture.xlsx: Attendees!B3: 'Martians' is not one of",
        "capture.xlsx: Attendees!A4: role 'Jane Smith' looks like a person's name",
        "capture.xlsx: Attendees!D5: number '2.5' is not a whole number",
        "capture.xlsx: Findings!D2: 'maybe' is not one of agree, challenge, new evidence",
        "capture.xlsx: Decisions!D4: no change '99'",
        "capture.xlsx: Co-design!D2: 'next Tuesday' is not a date",
        "capture.xlsx: Cover!B7: '14th March' is not a date",
    ]
    for want in expected:
        assert sum(line.startswith(want) for line in lines) == 1, (want, lines)
    assert len(lines) == 11
    assert dump(sample_path) == before


def test_a_workbook_not_from_elc_is_refused_in_one_line(sample, sample_path, tmp_path):
    other = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active["A1"] = "hello"
    wb.save(other)
    before = dump(sample_path)
    with pytest.raises(ElcError) as exc:
        import_sheet(sample, other, "alice")
    assert str(exc.value) == ("other.xlsx: not an elc capture sheet (make one with 'elc workshop sheet PROJECT "
                              "--xlsx FILE'); nothing imported")
    (tmp_path / "junk.xlsx").write_text("not a zip")
    with pytest.raises(ElcError, match="junk.xlsx: not an .xlsx workbook"):
        import_sheet(sample, tmp_path / "junk.xlsx", "alice")
    assert dump(sample_path) == before


def test_written_sheet_lists_candidates_and_cells_and_prints_to_width(sample, tmp_path):
    out = tmp_path / "sheet.xlsx"
    n = write_sheet(sample, out)
    assert n["changes"] == 10 and n["cells"] > 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Cover", "Attendees", "Findings", "Decisions", "New changes", "Co-design", "_elc"]
    assert wb["_elc"].sheet_state == "hidden"
    d = wb["Decisions"]
    assert [d.cell(row=r, column=1).value for r in range(2, 12)] == list(range(1, 11))
    keys = [c.value for c in wb["Findings"]["A"][1:] if c.value]
    assert "cell:Journey home|carers" in keys and "change:1" in keys
    assert not any(k.startswith("cell:Journey home|drivers") for k in keys)  # not asked of drivers
    for name in wb.sheetnames[:-1]:
        sheet = wb[name]
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert wb["Decisions"].print_title_rows == "$1:$1"
    dv = [v for v in wb["Decisions"].data_validations.dataValidation]
    assert any("D2" in str(v.sqref) for v in dv)
    # an empty sheet imports as nothing but a workshop title is still needed
    with pytest.raises(WorkshopError, match=r"sheet.xlsx: Cover!B6: the workshop title is required"):
        import_sheet(sample, out, "alice")


def test_blank_rows_are_skipped_and_counted(sample, tmp_path):
    target = tmp_path / "gaps.xlsx"
    shutil.copy(FIXTURE, target)
    wb = load_workbook(target)
    a = wb["Attendees"]
    a["A20"], a["D20"] = "partner", 1  # after a gap of blank rows
    wb.save(target)
    res = import_sheet(sample, target, "alice")
    assert res.skipped["Attendees blank rows"] == 20 - 12
    assert res.attendees == 11
