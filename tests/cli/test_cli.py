"""The CLI as a user runs it, in-process through CliRunner: help for every verb, one-line errors,
JSON status, and every verb closing the project it opened. One real process as a smoke test."""

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from elc.cli import main
from tests.cli.conftest import open_engines
from tests.conftest import CODEBOOK, GUIDE


def run(*args, code=0):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, (res.output, res.exception)
    return res


def _verbs(group: click.Group, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _verbs(command, (*prefix, name))


def test_every_verb_and_subcommand_has_help():
    verbs = list(_verbs(main))
    assert {("new",), ("import",), ("status",), ("demo",), ("changes", "add"), ("themes", "rename"),
            ("deidentify", "reject"), ("import-qdpx",)} <= set(verbs)
    for verb in verbs:
        assert "Usage:" in run(*verb, "--help").output, verb


def test_new_import_status(tmp_path, transcript):
    project = tmp_path / "p.elc"
    res = run("new", project, "--guide", GUIDE, "--codebook", CODEBOOK)
    assert "created" in res.stdout and project.exists()
    res = run("import", project, transcript, "--community", "patients", "--no-deidentify")
    assert "imported 1 file(s)" in res.stdout
    st = json.loads(run("status", project, "--json").stdout)
    assert [c["key"] for c in st["communities"]] == ["patients", "carers", "drivers", "nhs-staff", "provider-staff"]
    assert st["communities"][0]["participants"] == 1 and st["communities"][0]["target_n"] == 43
    assert len(st["touchpoints"]) == 20
    text = run("status", project).stdout
    assert "1 / 43" in text
    # community names and touchpoints in full; a touchpoint not in a community's guide is "-", not 0.0%
    assert "  C3 = " + st["communities"][2]["name"] in text
    row = next(line for line in text.splitlines() if line.startswith("Making the booking"))
    assert row.split()[-3:] == ["-", "-", "-"] and "%" in row  # people's touchpoint: staff columns not asked
    tp = next(t for t in st["touchpoints"] if t["name"] == "Making the booking")
    assert tp["by_community"]["drivers"]["asked"] is False and tp["by_community"]["patients"]["asked"] is True
    assert not open_engines(str(project))


def test_user_errors_are_one_line_no_traceback(tmp_path):
    bad = tmp_path / "g.yaml"
    bad.write_text("programme: x\n")
    res = run("new", tmp_path / "p.elc", "--guide", bad, code=1)
    assert res.stderr.strip().count("\n") == 0 and "Traceback" not in res.stderr
    assert str(bad) in res.stderr
    res = run("status", tmp_path / "missing.elc", code=1)
    assert "no such project" in res.stderr


def test_import_failure_exits_nonzero_and_names_file(tmp_path, transcript):
    project = tmp_path / "p.elc"
    run("new", project, "--guide", GUIDE)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    res = run("import", project, empty, transcript, "--no-deidentify", code=1)
    assert f"{empty}: is empty" in res.stderr
    assert "imported 1 file(s)" in res.stdout
    assert not open_engines(str(project))


READ_VERBS = [("status",), ("matrix",), ("changes", "list"), ("deidentify", "report"), ("attributes",),
              ("agreement", "--coders", "alice", "bob"), ("kpi", "list"), ("requirement", "list"),
              ("programme",)]


@pytest.mark.parametrize("verb", READ_VERBS, ids=" ".join)
def test_every_verb_closes_its_project(elc, path_of, verb):
    """The fixture asserts no engine of this process still holds the file after the verb."""
    head, *rest = verb
    args = [head, path_of, *rest] if head not in ("changes", "deidentify", "kpi", "requirement") else \
        [head, rest[0], path_of, *rest[1:]]
    elc(*args)
    import sqlite3

    con = sqlite3.connect(path_of, timeout=0)  # and no transaction was left open: a write lock is free
    try:
        con.execute("begin exclusive")
        con.rollback()
    finally:
        con.close()


def test_smoke_as_a_real_process(tmp_path, transcript):
    """The one subprocess: `python -m elc` starts, runs a verb, prints JSON, and fails in one line."""
    from elc import new_project

    project = tmp_path / "p.elc"
    new_project(project, GUIDE, CODEBOOK).close()
    res = subprocess.run([sys.executable, "-m", "elc", "status", str(project), "--json"], capture_output=True,
                         text=True, check=True)
    assert json.loads(res.stdout)["communities"][0]["key"] == "patients"
    res = subprocess.run([sys.executable, "-m", "elc", "changes", "list", str(tmp_path / "missing.elc")],
                         capture_output=True, text=True)
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "no such project" in res.stderr
