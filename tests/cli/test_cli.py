"""The CLI as a user runs it: real processes, one-line errors, JSON status."""

import json
import subprocess
import sys

from tests.conftest import CODEBOOK, GUIDE

ELC = [sys.executable, "-m", "elc"]


def run(*args, check=True):
    res = subprocess.run(ELC + [str(a) for a in args], capture_output=True, text=True)
    if check and res.returncode:
        raise AssertionError(res.stderr)
    return res


def test_every_verb_has_help():
    res = run("--help")
    verbs = [line.split()[0] for line in res.stdout.split("Commands:")[1].strip().splitlines()]
    assert {"new", "import", "status", "demo"} <= set(verbs)
    for verb in verbs:
        assert "Usage:" in run(verb, "--help").stdout


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


def test_user_errors_are_one_line_no_traceback(tmp_path):
    bad = tmp_path / "g.yaml"
    bad.write_text("programme: x\n")
    res = run("new", tmp_path / "p.elc", "--guide", bad, check=False)
    assert res.returncode == 1
    assert res.stderr.strip().count("\n") == 0 and "Traceback" not in res.stderr
    assert str(bad) in res.stderr
    res = run("status", tmp_path / "missing.elc", check=False)
    assert res.returncode == 1 and "no such project" in res.stderr


def test_import_failure_exits_nonzero_and_names_file(tmp_path, transcript):
    project = tmp_path / "p.elc"
    run("new", project, "--guide", GUIDE)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    res = run("import", project, empty, transcript, "--no-deidentify", check=False)
    assert res.returncode == 1
    assert f"{empty}: is empty" in res.stderr
    assert "imported 1 file(s)" in res.stdout
