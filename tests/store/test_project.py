import sqlite3

import pytest

import elc
from elc.errors import ProjectError
from elc.store import schema
from tests.conftest import CODEBOOK, GUIDE


def test_new_project_seeds_programme_and_codes(project):
    prog = project.programme
    assert prog.name == "LLR non-emergency patient transport"
    codes = project.codes()
    assert (codes.kind == "touchpoint").sum() == 20
    assert list(codes.name[:3]) == ["Making the booking", "Getting ready for pick up",
                                    "Carer/escort being ineligible for travel"]
    child = codes[codes.name == "Early morning pick-ups"].iloc[0]
    parent = codes[codes.name == "Timing and waiting"].iloc[0]
    assert child.parent_id == parent.id
    assert codes.colour.str.match(r"^#[0-9A-Fa-f]{6}$").all()


def test_sqlite_file_is_wal_and_versioned(project, tmp_path):
    con = sqlite3.connect(tmp_path / "test.elc")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("select value from meta where key='schema_version'").fetchone()[0] == str(schema.SCHEMA_VERSION)


def test_create_refuses_to_overwrite(project, tmp_path):
    with pytest.raises(ProjectError, match="already exists"):
        elc.new_project(tmp_path / "test.elc", GUIDE, CODEBOOK)


def test_open_errors_are_one_line(tmp_path):
    with pytest.raises(ProjectError, match="no such project"):
        elc.open_project(tmp_path / "missing.elc")
    junk = tmp_path / "junk.elc"
    junk.write_bytes(b"not a database at all")
    with pytest.raises(ProjectError, match="not an elc project"):
        elc.open_project(junk)
    other = tmp_path / "other.elc"
    sqlite3.connect(other).execute("create table x(y)").connection.commit()
    with pytest.raises(ProjectError, match="no meta table"):
        elc.open_project(other)


def test_newer_schema_is_refused(project, tmp_path):
    path = tmp_path / "test.elc"
    project.close()
    con = sqlite3.connect(path)
    con.execute("update meta set value='999' where key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="newer elc"):
        elc.open_project(path)


def test_bad_guide_leaves_no_project(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("programme: x\n")
    with pytest.raises(Exception):
        elc.new_project(tmp_path / "p.elc", bad)
    assert not (tmp_path / "p.elc").exists()
    assert not list(tmp_path.glob(".elc-new-*"))


def test_sqlalchemy_url_works(tmp_path):
    url = f"sqlite:///{tmp_path / 'via-url.db'}"
    p = elc.new_project(url, GUIDE)
    assert len(p.communities()) == 5
    assert elc.open_project(url).programme.focus_question
