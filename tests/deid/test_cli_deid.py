"""`elc deidentify run|report|accept|reject|add-name|allow|purge-originals`: finishing de-identification of raw imports, review decisions, report, purge."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from elc.cli import main
from tests.conftest import CODEBOOK, GUIDE, TRANSCRIPT


def elc(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, (result.output, result.stderr)
    return result


def report(project):
    return json.loads(elc("deidentify", "report", project, "--json").stdout)


@pytest.fixture
def raw_project(tmp_path):
    project = tmp_path / "p.elc"
    elc("new", project, "--guide", GUIDE, "--codebook", CODEBOOK)
    path = tmp_path / "P07-call.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    elc("import", project, path, "--community", "patients", "--no-deidentify")
    return project


def test_help_explains_every_subcommand():
    out = elc("deidentify", "--help").stdout
    for word in ("run", "report", "add-name", "allow", "accept", "reject", "accept-source", "add-span",
                 "purge-originals", "settings", "--reviewer", ".originals", "audit", "re-applies"):
        assert word in out, word
    assert "--no-deidentify" in elc("deidentify", "run", "--help").stdout
    assert "codings" in elc("deidentify", "run", "--help").stdout
    assert "--label" in elc("deidentify", "add-name", "--help").stdout
    assert "--keep-originals" in elc("deidentify", "settings", "--help").stdout


def test_deidentify_raw_sources_then_review(raw_project, monkeypatch):
    monkeypatch.setenv("ELC_CODER", "rita")
    before = report(raw_project)
    assert [p["name"] for p in before["pending_sources"]] == ["P07-call.txt"] and before["detections"] == 0
    out = elc("deidentify", "run", raw_project).stdout
    assert "de-identified 1 source(s)" in out
    rep = report(raw_project)
    assert rep["pending_sources"] == [] and rep["detections"] >= 3
    assert rep["by_label"]["PHONE"] == 1 and rep["by_label"]["NHS_NUMBER"] == 1
    assert rep["originals"]["keep"] and rep["originals"]["exists"]
    text = elc("deidentify", "report", raw_project).stdout
    assert "per entity:" in text and "[phone]" in text and "sources not yet de-identified: none" in text

    from elc import open_project
    from elc.deid import review

    with open_project(raw_project) as p:
        df = review.detections(p)
        phone = int(df[df.label == "PHONE"].id.iat[0])
        driver = int(df[df.original == "Dev"].id.iat[0])
    out = elc("deidentify", "reject", raw_project, driver).stdout + elc("deidentify", "accept", raw_project, phone).stdout
    assert "accepted 1" in out and "rejected 1" in out
    rep = report(raw_project)
    assert rep["by_status"]["rejected"] == 1 and rep["by_status"]["accepted"] == 1
    assert rep["allow_list"] == ["Dev"] and rep["decisions"] == {"deidentify": 1, "accept": 1, "reject": 1}
    with open_project(raw_project) as p:
        assert "The driver, Dev," in p.source_text(1)
        audit = p._frame(__import__("sqlalchemy").text("select reviewer, action from deid_audit"))
    assert set(audit.reviewer) == {"rita"}


def test_names_allow_and_purge(raw_project):
    elc("deidentify", "run", raw_project, "--reviewer", "sam")
    out = elc("deidentify", "add-name", raw_project, "Royal", "--label", "org", "--reviewer", "sam").stdout
    assert "name added (ORG); 1 occurrence(s) replaced" in out
    out = elc("deidentify", "allow", raw_project, "Dev", "--reviewer", "sam").stdout
    assert "allowed 'Dev'; 1 replacement(s) restored" in out
    rep = report(raw_project)
    assert rep["names"] == 1 and "Dev" in rep["allow_list"]
    out = elc("deidentify", "purge-originals", raw_project, "--yes", "--reviewer", "sam").stdout
    assert "deleted p.elc.originals" in out
    assert not (raw_project.parent / "p.elc.originals").exists()
    rep = report(raw_project)
    assert rep["originals"]["purged"]["reviewer"] == "sam" and not rep["originals"]["keep"]
    # after the purge a rejection is refused, in one line, and nothing changes
    from elc import open_project
    from elc.deid import review

    with open_project(raw_project) as p:
        df = review.detections(p)
        phone = int(df[df.label == "PHONE"].id.iat[0])
    res = elc("deidentify", "reject", raw_project, phone, "--reviewer", "sam", ok=False)
    assert res.exit_code == 1 and "purged" in res.stderr and res.stderr.strip().count("\n") == 0
    assert report(raw_project)["by_status"].get("rejected", 0) == 1  # only Dev, restored by --allow


def test_bad_decisions_are_one_line_errors(raw_project):
    res = elc("deidentify", "accept", raw_project, 42, "--reviewer", "sam", ok=False)
    assert res.exit_code == 1 and "no detection with id 42" in res.stderr
    res = elc("deidentify", "add-name", raw_project, "Zed", "--label", "NOPE", "--reviewer", "sam", ok=False)
    assert res.exit_code == 1 and "unknown label" in res.stderr
    res = elc("deidentify", "run", raw_project.parent / "missing.elc", ok=False)
    assert res.exit_code == 1 and "no such project" in res.stderr


def test_file_names_are_deidentified_too(tmp_path):
    import elc
    from elc.ingest import import_files
    from tests.conftest import GUIDE, TRANSCRIPT

    project = elc.new_project(tmp_path / "p.elc", GUIDE)
    path = tmp_path / "P07 Margaret Thornton 07700 900123.txt"
    path.write_text(TRANSCRIPT)
    assert import_files(project, [path]).ok
    name = project.sources().name.iloc[0]
    assert "Thornton" not in name and "900123" not in name and name.endswith(".txt")
    with project.engine.connect() as conn:
        stored = conn.exec_driver_sql("select file_name from imports").scalar()
    assert "Thornton" not in stored and "900123" not in stored
