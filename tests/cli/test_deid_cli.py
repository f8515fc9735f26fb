"""`elc deidentify` subcommands close the project, and the old one-verb form still works once."""

from __future__ import annotations

import json


def test_old_form_runs_every_action_in_its_order(elc, path_of):
    res = elc("deidentify", path_of, "--allow", "Gujarati", "--add-name", "Edna", "--reviewer", "sam")
    assert res.stderr == f"deprecated: use elc deidentify add-name {path_of} ... (one subcommand per action)\n"
    assert "allowed 'Gujarati'" in res.stdout and "name added (PERSON)" in res.stdout
    res = elc("deidentify", path_of, "--report", "--json")
    assert res.stderr == f"deprecated: use elc deidentify report {path_of} ...\n"
    rep = json.loads(res.stdout)
    assert rep["allow_list"] == ["Gujarati"] and rep["names"] == 1
    res = elc("deidentify", path_of, "--no-keep-originals")  # a setting alone de-identifies nothing
    assert res.stderr == f"deprecated: use elc deidentify settings {path_of} ...\n"
    assert "not yet reviewed" not in res.stdout
    res = elc("deidentify", path_of)
    assert res.stderr.startswith(f"deprecated: use elc deidentify run {path_of}")
    assert f"see 'elc deidentify report {path_of}'" in res.stdout


def test_subcommands_close_the_project_and_refuse_bad_input(elc, path_of):
    assert "allowed 'Gujarati'" in elc("deidentify", "allow", path_of, "Gujarati").stdout
    assert "sources not yet de-identified: 2" in elc("deidentify", "report", path_of).stdout
    elc("deidentify", "run", path_of, "--reviewer", "sam")
    rep = json.loads(elc("deidentify", "report", path_of, "--json").stdout)
    assert rep["pending_sources"] == [] and rep["decisions"]["deidentify"] == 2  # one per source
    res = elc("deidentify", "accept", path_of, "4242", code=1)
    assert res.output.count("\n") == 1 and "no detection with id 4242" in res.output
    res = elc("deidentify", "settings", path_of, code=2)
    assert "say what to set" in res.output
    assert "places and organisations: tag" in elc("deidentify", "settings", path_of, "--places", "tag").stdout
    assert "deleted test.elc.originals" in elc("deidentify", "purge-originals", path_of, "--yes").stdout
