"""The workshop workbook: sheets, headers, known matrix counts, frozen panes, filters, heat map,
charts, pseudonymised quotes and neutralised formulas."""

import openpyxl
import pytest

from tests.insights import _pack


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    import elc
    from elc.export.workbook import write_workbook

    p = elc.open_project(_pack.shared(tmp_path_factory))
    path = write_workbook(p, tmp_path_factory.mktemp("xlsx") / "pack.xlsx")
    p.close()
    return openpyxl.load_workbook(path)


def _header(ws, row=2):
    return [c.value for c in ws[row] if c.value is not None]


def test_sheets_and_headers(book):
    from elc.export.workbook import SHEETS

    assert book.sheetnames == list(SHEETS)
    assert _header(book["Quotes"])[:5] == ["Participant", "Community", "Touchpoint", "Valence", "Code"]
    assert _header(book["High-impact changes"])[:7] == ["#", "Change", "Owner", "Rationale (basis)", "Strength", "Score",
                                                       "Participants"]
    assert _header(book["Codebook"])[:4] == ["Code", "Kind", "Family", "Parent"]
    assert _header(book["Insight matrix"])[:3] == ["Touchpoint", "Family",
                                                   "People who use non-emergency transport (N=3 coded): balance"]


def test_summary(book):
    ws = book["Summary"]
    facts = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2, max_row=12) if r[0].value}
    assert facts["Focus question"].startswith("What needs to happen so that eligible patients")
    assert "de-identified" in facts["De-identification"]
    assert "interviews with 5 participants" in facts["Interviews"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["People who use non-emergency transport"][2:4] == (43, 3)  # target vs achieved
    assert rows["NHS staff"][3] == 0
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert len(ws._charts) == 1


def test_matrix_counts_and_heat_map(book):
    ws = book["Insight matrix"]
    header = [c.value for c in ws[2]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}
    ready = rows["Getting ready for pick up"]
    col = header.index("People who use non-emergency transport (N=3 coded): balance")
    assert ready[col:col + 3] == (-0.5, 1, 3)  # balance, working well, to improve
    assert ready[header.index("All asked: to improve")] == 3
    home = rows["Journey home"]
    carers = header.index("Family carers and escorts (N=1 coded): balance")
    assert home[carers:carers + 3] == (-1, 0, 1)
    assert ws.freeze_panes == "C3"
    assert ws.auto_filter.ref.startswith("A2:")
    ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any(r.type == "colorScale" for r in rules)
    assert any("C3:C" in rng for rng in ranges)
    assert len(ws._charts) == 1


def test_detail_sheet_has_shares_and_quotes(book):
    ws = book["Matrix detail"]
    header = [c.value for c in ws[2]]
    for r in ws.iter_rows(min_row=3, values_only=True):
        if r[0] == "Getting ready for pick up" and r[2] == "People who use non-emergency transport":
            assert r[header.index("To improve")] == 3
            assert r[header.index("To improve share")] == 1
            assert "(P0" in r[header.index("Quote 1")]
            break
    else:
        pytest.fail("cell missing")


def test_quotes_carry_pseudonyms_and_are_neutralised(book):
    ws = book["Quotes"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert {r[0] for r in rows} == {"P01", "P02", "P03", "C01", "D01"}
    hyperlink = [c for row in ws.iter_rows(min_row=3) for c in row
                 if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert hyperlink and all(c.value.startswith("'=HYPERLINK") and c.data_type == "s" for c in hyperlink)
    # no cell anywhere in the workbook is a formula
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
    assert ws.freeze_panes == "B3" and ws.auto_filter.ref == f"A2:K{ws.max_row}"
    assert ws.column_dimensions["H"].width >= 60
    assert ws["H3"].alignment.wrap_text


def test_changes_sheet_has_evidence_trail(book):
    ws = book["High-impact changes"]
    header = [c.value for c in ws[2]]
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[1]}
    early = rows["Avoid early morning pick-ups"]
    assert early[header.index("Strength")] == "thin"
    assert early[header.index("People who use non-emergency transport: raised of N asked")] == "3 of 3"
    assert early[header.index("Drivers: raised of N asked")] == "0 of 1"
    assert "missing voice: Drivers" in early[header.index("Flags")]
    assert "Early morning pick-ups" in early[header.index("Linked codes")]
    assert "P0" in early[header.index("Top quotes")]
    assert rows["Fix the hospital entrance"][header.index("Strength")] == "none"


def test_codebook_swatches_and_themes_note(book):
    ws = book["Codebook"]
    rows = [r for r in ws.iter_rows(min_row=3) if r[0].value == "Getting ready for pick up"]
    colour = rows[0][6]
    assert colour.value.startswith("#") and colour.fill.fgColor.rgb.endswith(colour.value[1:].upper())
    assert rows[0][7].value == 4  # codings
    note = book["Themes by community"]["A2"].value
    assert "No theme run" in note


def test_refuses_bad_targets(tmp_path_factory, tmp_path):
    import elc
    from elc.errors import ExportError
    from elc.export.workbook import write_workbook

    p = elc.open_project(_pack.shared(tmp_path_factory))
    with pytest.raises(ExportError, match="must be an .xlsx"):
        write_workbook(p, tmp_path / "x.csv")
    with pytest.raises(ExportError, match="no such folder"):
        write_workbook(p, tmp_path / "missing" / "x.xlsx")
    p.close()


def test_themes_sheet_from_latest_run_and_cli(tmp_path_factory, tmp_path):
    import json

    from click.testing import CliRunner

    import elc
    from elc.cli import main
    from elc.store import schema as s

    src = elc.open_project(_pack.shared(tmp_path_factory))
    p = _pack.copy_project(src, tmp_path / "p")
    src.close()
    themes = [{"theme_id": 0, "label": "early starts", "community": "patients", "share": 0.5, "participants": 3,
               "keywords": ["early", "morning"], "quotes": [{"text": "=cmd|' /C calc'!A0", "participant": "P01"}]}]
    with p.engine.begin() as conn:
        conn.execute(s.theme_runs.insert().values(ts="2025-01-01T00:00:00", method="bertopic", params="{}",
                                                  themes=json.dumps(themes), assignments="{}"))
    loc = p.location
    p.close()
    res = CliRunner().invoke(main, ["report", loc, "--xlsx", str(tmp_path / "t.xlsx"), "--html", str(tmp_path / "h")])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["Themes by community"]
    header = [c.value for c in ws[2]]
    assert header[:3] == ["Community", "Theme id", "Label"]
    row = [c.value for c in ws[3]]
    assert row[0] == "People who use non-emergency transport" and row[2] == "early starts"
    assert row[header.index("Quotes")].startswith("'=cmd")
    assert ws.auto_filter.ref == "A2:G3"
    assert "early starts" in (tmp_path / "h" / "appendix.html").read_text(encoding="utf-8")
    res = CliRunner().invoke(main, ["report", loc])
    assert res.exit_code == 1 and "--xlsx FILE, --html DIR and/or --you-said FILE.html" in res.output


def test_bulk_rows_are_neutralised_escaped_and_well_formed():
    from xml.etree import ElementTree as ET

    from elc.export.workbook import _BulkRows

    rows = [["P01", '=HYPERLINK("http://x","y")', 3, None, "a < b & c", " padded ", 2.5],
            ["P01", "@SUM(A1)", -4, "\x01+cmd", "ok", "-1", None]]
    bulk = _BulkRows(5, {4: 3}).extend(rows, unique=(1,))
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    root = ET.fromstring(b'<sheetData xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         + bulk.xml() + b"</sheetData>")
    cells = {c.get("r"): c for c in root.iter(f"{ns}c")}
    text = {ref: "".join(c.itertext()) for ref, c in cells.items()}
    assert text["B5"] == "'=HYPERLINK(\"http://x\",\"y\")" and text["B6"] == "'@SUM(A1)"
    assert text["D6"] == "'+cmd" and text["F6"] == "'-1"
    assert cells["C6"].get("t") == "n" and text["C6"] == "-4" and text["G5"] == "2.5"
    assert "D5" not in cells and cells["E5"].get("s") == "3" and text["E5"] == "a < b & c"
    assert [r.get("r") for r in root.iter(f"{ns}row")] == ["5", "6"]
    assert cells["F5"].find(f"{ns}is/{ns}t").get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_every_sheet_prints_a4_fit_to_width_with_print_titles(book):
    from elc.export.workbook import LANDSCAPE_ABOVE

    for ws in book.worksheets:
        setup = ws.page_setup
        assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        width = sum(d.width or 0 for d in ws.column_dimensions.values())
        if width > LANDSCAPE_ABOVE + 5:
            assert setup.orientation == "landscape", ws.title
        if ws.title not in ("Summary", "Communities", "Changes"):
            assert ws.print_title_rows == "$1:$2", ws.title


def test_one_page_per_community_and_change(book):
    ws = book["Communities"]
    titles = [r[0] for r in ws.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("What we heard from")]
    assert titles == ["What we heard from People who use non-emergency transport", "What we heard from Family carers "
                      "and escorts", "What we heard from Drivers", "What we heard from NHS staff",
                      "What we heard from Current provider staff"]
    assert len(ws.row_breaks.brk) == len(titles) - 1
    ws = book["Changes"]
    titles = [r[0] for r in ws.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("Change ")]
    assert titles == ["Change 1: Avoid early morning pick-ups", "Change 2: Recognise the driver relationship",
                      "Change 3: Fix the hospital entrance"]
    assert len(ws.row_breaks.brk) == 2
