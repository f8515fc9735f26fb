"""A previous programme's coded spreadsheet becomes segments with codings by a named coder."""

import pytest

from elc.coding.coded_tables import import_coded_table
from elc.errors import ImportFileError


def test_one_column_per_code_and_sentiment(project, tmp_path):
    path = tmp_path / "previous.csv"
    path.write_text("id,comment,Making the booking,Journey home,criticality\n"
                    "A1,The booking line kept me on hold for an hour.,1,0,-3\n"
                    "A2,The driver got me home safe and warm.,0,1,2\n"
                    "A1,And they lost my booking twice.,1,0,-2\n")
    res = import_coded_table(project, path, coder="previous", text_column="comment", community="patients")
    assert res == {"rows": 3, "codings": 3, "new_codes": []}
    c = project.codings().sort_values(["participant_id", "start"])
    assert list(c.code) == ["Making the booking", "Making the booking", "Journey home"]
    assert list(c.valence) == ["to-improve", "to-improve", "working-well"]
    assert set(c.coder) == {"previous"} and set(c.origin) == {"import"}
    assert c.text.iloc[1] == "And they lost my booking twice."  # each row codes its own turn
    assert set(project.participants().community) == {"patients"}


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
    with pytest.raises(ImportFileError, match="no code column"):
        import_coded_table(project, path, coder="x")
