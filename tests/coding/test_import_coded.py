"""A previous programme's coded spreadsheet becomes responses with codings by a named coder."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from elc.coding.coded_tables import import_coded_table
from elc.errors import ImportFileError
from elc.store.coded_units import recorded_units

REPO = Path(__file__).resolve().parents[2]


def test_one_column_per_code_and_sentiment(project, tmp_path):
    path = tmp_path / "previous.csv"
    path.write_text("id,comment,Making the booking,Journey home,criticality\n"
                    "A1,The booking line kept me on hold for an hour.,1,0,-3\n"
                    "A2,The driver got me home safe and warm.,0,1,2\n"
                    "A1,And they lost my booking twice.,1,0,-2\n")
    res = import_coded_table(project, path, coder="previous", text_column="comment", community="patients")
    assert (res["rows"], res["codings"], res["new_codes"], res["uncoded"]) == (3, 3, [], 0)
    c = project.codings().sort_values(["participant_id", "start"])
    assert list(c.code) == ["Making the booking", "Making the booking", "Journey home"]
    assert list(c.valence) == ["to-improve", "to-improve", "working-well"]
    assert set(c.coder) == {"previous"} and set(c.origin) == {"import"}
    assert c.text.iloc[1] == "And they lost my booking twice."  # each row codes its own response
    assert set(project.participants().community) == {"patients"}
    # the unit is recorded per coding and per import
    assert set(recorded_units(project, "coding").values()) == {"response"}
    assert list(recorded_units(project, "import").values()) == ["response"]


def test_code_name_column_creates_unknown_codes(project, tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("text,label,sentiment\n"
                    "Staff were kind.,Staff attitude;Dignity and respect,positive\n"
                    "Parking was impossible.,Getting into the hospital,negative\n")
    res = import_coded_table(project, path, coder="pxtextmining")
    assert res["codings"] == 3 and res["new_codes"] == ["Staff attitude", "Dignity and respect"]
    assert project.code_id("Staff attitude") is not None


def test_no_codes_is_a_one_line_error(project, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("text,other\nhello there,1\n")
    with pytest.raises(ImportFileError, match="no code column") as err:
        import_coded_table(project, path, coder="x")
    assert str(err.value).count("nothing was imported from this file") == 1
    assert "--create-codes" in str(err.value)  # the 0/1 column 'other' could become a code


COMMA = "Cleanliness, tidiness & infection control"


def test_code_names_with_commas_semicolon_column(project, tmp_path):
    path = tmp_path / "ptf.csv"
    path.write_text("comment,codes\n"
                    f'The ambulance was filthy.,"{COMMA}; Vehicle"\n'
                    f'Dirty seats again.,"{COMMA}"\n'
                    "Driver was rude.,Staff attitude\n", encoding="utf-8")
    res = import_coded_table(project, path, coder="ptf")
    assert res["new_codes"] == [COMMA, "Vehicle", "Staff attitude"]  # each once, no comma split
    assert sorted(project.codings().code) == sorted([COMMA, "Vehicle", COMMA, "Staff attitude"])
    assert "Cleanliness" not in set(project.codes().name)


def test_code_names_with_commas_quoted_list_and_map(project, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "quoted.xlsx"  # a spreadsheet cell holding a quoted, comma-separated list
    wb = Workbook()
    for row in (["comment", "codes"], ["The ambulance was filthy.", f'"{COMMA}", Vehicle'],
                ["Too cold in the van.", "Comfort, Vehicle"]):
        wb.active.append(row)
    wb.save(path)
    res = import_coded_table(project, path, coder="q")
    assert res["new_codes"] == [COMMA, "Vehicle", "Comfort"]
    # a mapping file renames values; pieces of a comma list that name a mapped code stay whole
    other = tmp_path / "mapped.csv"
    other.write_text(f'comment,codes\nMuddy floor.,"{COMMA}, Vehicle"\nLate again.,late\n', encoding="utf-8")
    mapping = tmp_path / "map.csv"
    mapping.write_text(f'value,code\n"{COMMA}","{COMMA}"\nlate,Waiting and delays\n', encoding="utf-8")
    res = import_coded_table(project, other, coder="q", code_map=mapping)
    assert res["new_codes"] == [] and res["codings"] == 3
    last = project.codings(coder="q").sort_values("id").code.tolist()[-3:]
    assert last == [COMMA, "Vehicle", "Waiting and delays"]


def test_zero_one_columns_create_codes(project, tmp_path):
    path = tmp_path / "flags.csv"
    path.write_text("comment,Parking,Staff attitude,Vehicle cleanliness,score\n"
                    "Could not park anywhere.,1,0,0,2\n"
                    "Rude receptionist and a dirty van.,0,1,1,7\n"
                    "Nothing to add.,0,0,0,5\n")
    with pytest.raises(ImportFileError, match="--create-codes"):
        import_coded_table(project, path, coder="flags")
    assert project.codings().empty and project.sources().empty  # refused: nothing imported
    res = import_coded_table(project, path, coder="flags", create_codes=True)
    assert res["new_codes"] == ["Parking", "Staff attitude", "Vehicle cleanliness"]
    assert res["codings"] == 3 and res["uncoded"] == 1
    assert "score" not in set(project.codes().name)  # not a 0/1 column


def test_default_ids_unique_per_file_and_community(project, tmp_path):
    """Two survey sheets without a participant column, same file name stem, different
    communities: respondents never merge and each file's codings land on its own rows."""
    a = tmp_path / "coded.csv"
    a.write_text("comment,codes\nPatient one said the booking was slow.,Making the booking\n"
                 "Patient two liked the driver.,Relationship with crew (driver)\n")
    b_dir = tmp_path / "other"
    b_dir.mkdir()
    b = b_dir / "coded.csv"
    b.write_text("comment,codes\nDriver one: the wards are never ready.,Waiting and delays\n"
                 "Driver two: the tablet is wrong.,Waiting and delays\n")
    import_coded_table(project, a, coder="x", community="patients")
    import_coded_table(project, b, coder="x", community="drivers")
    parts = project.participants()
    assert len(parts) == 4 and parts.id.is_unique
    assert parts.id.str.fullmatch(r"C[a-z]{4}-R\d{5}").all()  # pseudonymous: nothing from the file
    assert sorted(parts.community) == ["drivers", "drivers", "patients", "patients"]
    c = project.codings()
    for _, row in c.iterrows():
        expect = "drivers" if row.text.startswith("Driver") else "patients"
        assert row.community == expect, row.text


def test_rerun_reports_already_imported_once(project, tmp_path):
    path = tmp_path / "again.csv"
    path.write_text("comment,codes\nThe booking line was slow.,Making the booking\n")
    import_coded_table(project, path, coder="x")
    res = import_coded_table(project, path, coder="x")
    assert res["resumed"] and res["codings"] == 0 and res["already"] == 1
    assert len(project.codings()) == 1 and len(project.sources()) == 1


def _counts(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return (con.execute("select count(*) from segments where kind='turn' and role='participant'").fetchone()[0],
                con.execute("select count(*) from codings").fetchone()[0])
    finally:
        con.close()


def test_kill_minus_9_never_half_commits_and_rerun_completes(tmp_path):
    """A real ``kill -9`` of ``elc import-coded`` the moment the rows are committed: the
    codings are all there or none are, and running it again completes the file."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proj = tmp_path / "k.elc"
    subprocess.run([sys.executable, "-m", "elc", "new", str(proj), "--guide",
                    str(REPO / "interview_guides" / "llr-nepts.yaml")], check=True, env=env,
                   capture_output=True, timeout=120)
    n = 300
    sheet = tmp_path / "big.csv"
    sheet.write_text("comment,codes\n" + "".join(
        f"Response {i} about the booking line and the driver.,Making the booking;Journey home;The pick-up\n"
        for i in range(n)))
    cmd = [sys.executable, "-m", "elc", "import-coded", str(proj), str(sheet), "--coder", "old"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    turns = codings = 0
    while time.time() < deadline and proc.poll() is None:
        try:
            turns, codings = _counts(proj)
        except sqlite3.Error:
            turns = 0
        if turns:
            break
        time.sleep(0.005)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    turns, codings = _counts(proj)
    assert turns in (0, n)
    assert codings in (0, 3 * n), f"half-commit: {codings} of {3 * n} codings"
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\n") <= 2 and "Traceback" not in out.stderr
    assert _counts(proj) == (n, 3 * n)


def test_row_with_more_cells_than_header_is_refused(project, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("comment,codes\nThe van was late.,Waiting and delays\nIt was cold, and dark.,Journey home\n")
    # (the tabular reader may refuse it first, naming the line: either way one line, nothing imported)
    with pytest.raises(ImportFileError, match="more cells than the header|fields but the header has"):
        import_coded_table(project, path, coder="x")
    assert project.sources().empty and project.codings().empty


def test_a_response_without_words_is_still_a_response(project, tmp_path):
    path = tmp_path / "emoji.csv"
    path.write_text("comment,codes\n\U0001F44D,Relationship with crew (driver)\nThe van was late.,Waiting and delays\n",
                    encoding="utf-8")
    res = import_coded_table(project, path, coder="x")
    assert res["rows"] == 2 and res["codings"] == 2


def test_missing_file_is_one_line(project, tmp_path):
    with pytest.raises(ImportFileError, match="does not exist"):
        import_coded_table(project, tmp_path / "nope.csv", coder="x")


def test_explicit_separator(project, tmp_path):
    path = tmp_path / "pipes.csv"
    path.write_text('comment,codes\nLate and rude.,"Waiting and delays | Staff attitude, manner"\n')
    res = import_coded_table(project, path, coder="x", code_separator="|")
    assert res["new_codes"] == ["Staff attitude, manner"] and res["codings"] == 2


def test_participant_values_that_name_people_never_reach_the_project_and_keep_their_codings(project, tmp_path):
    path = tmp_path / "named.csv"
    path.write_text("respondent,comment,codes\n"
                    "Margaret Thornton,The booking line kept me on hold for an hour.,Making the booking\n"
                    "07700 900123,The driver got me home safe and warm.,Journey home\n"
                    "Margaret Thornton,And they lost my booking twice.,Making the booking\n")
    res = import_coded_table(project, path, coder="previous", text_column="comment", code_column="codes",
                             participant_column="respondent", community="patients")
    assert (res["rows"], res["codings"], res["ids_replaced"]) == (3, 3, 2)
    people = set(project.participants().id)
    assert len(people) == 2 and not any("Thornton" in p or "07700" in p for p in people)
    c = project.codings()
    assert sorted(c.code) == ["Journey home", "Making the booking", "Making the booking"]
    assert c.groupby("participant_id").size().sort_values().tolist() == [1, 2]  # Margaret's two rows stay together
