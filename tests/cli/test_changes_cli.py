"""`elc changes list|add|link|unlink|edit|rm|load`, and the old one-verb form as a deprecated alias."""

from __future__ import annotations

import json


def _titles(elc, path):
    return [e["title"] for e in json.loads(elc("changes", "list", path, "--json").stdout)]


def test_add_link_unlink_edit_rm(elc, path_of):
    out = elc("changes", "add", path_of, "Keep crews consistent", "--code", "Relationship with crew (driver)",
              "--measure", "Share with a regular crew").stdout
    assert out.startswith("added change 1: Keep crews consistent\n") and "[1] Keep crews consistent" in out
    out = elc("changes", "link", path_of, "keep crews", "--code", "Waiting and delays", "--json").stdout
    assert out.startswith("linked 1 new code/theme(s) to change 1\n")
    ev = json.loads(out.split("\n", 1)[1])
    assert ev["codes"] == ["Relationship with crew (driver)", "Waiting and delays"]
    assert "removed 1 link(s) from change 1" in elc("changes", "unlink", path_of, "1", "--code",
                                                  "Waiting and delays").stdout
    elc("changes", "edit", path_of, "1", "--title", "Same crew both ways", "--owner", "Provider")
    (ev,) = json.loads(elc("changes", "list", path_of, "--json").stdout)
    assert (ev["title"], ev["owner"], ev["codes"]) == ("Same crew both ways", "Provider",
                                                       ["Relationship with crew (driver)"])
    assert elc("changes", "rm", path_of, "same crew").stdout == "removed change 1\n"
    assert _titles(elc, path_of) == []
    assert "no high-impact changes yet (add one: elc changes add PROJECT TITLE" in elc("changes", "list",
                                                                                     path_of).stdout


def test_load_and_errors_are_one_line(elc, path_of, tmp_path):
    changes = tmp_path / "changes.yaml"
    changes.write_text("changes:\n  - title: Ring before arriving\n    codes: [Early morning pick-ups]\n"
                       "  - title: Tell people about delays\n", encoding="utf-8")
    assert elc("changes", "load", path_of, changes).stdout == f"loaded 2 change(s) from {changes}\n"
    assert _titles(elc, path_of) == ["Ring before arriving", "Tell people about delays"]
    res = elc("changes", "link", path_of, "nothing like it", "--code", "Waiting and delays", code=1)
    assert res.output.count("\n") == 1 and "no change titled" in res.output
    res = elc("changes", "link", path_of, "1", code=1)
    assert res.output == "elc: say what to link: --code NAME and/or --theme LABEL\n"
    res = elc("changes", "add", path_of, "Bad", "--code", "No such code", code=1)
    assert res.output.count("\n") == 1 and _titles(elc, path_of)[-1] == "Tell people about delays"


def test_old_flag_forms_still_work_and_say_what_replaces_them(elc, path_of):
    res = elc("changes", path_of, "--add", "Keep crews consistent", "--code", "Relationship with crew (driver)")
    assert res.stderr == f"deprecated: use elc changes add {path_of} 'Keep crews consistent' ...\n"
    assert res.stdout.startswith("added change 1: Keep crews consistent")
    res = elc("changes", path_of, "--link", "1", "--code", "Waiting and delays")
    assert res.stderr.startswith("deprecated: use elc changes link ") and "linked 1 new" in res.stdout
    res = elc("changes", path_of, "--edit", "1", "--title", "Same crew")
    assert "updated change 1" in res.stdout
    res = elc("changes", path_of, "--json")
    assert res.stderr == f"deprecated: use elc changes list {path_of}\n"
    assert [e["title"] for e in json.loads(res.stdout)] == ["Same crew"]
    res = elc("changes", path_of, "--link", "1", "--remove", "1", code=1)
    assert "use one of --add, --link, --unlink, --edit, --remove or --load at a time" in res.output
    res = elc("changes", path_of, "--code", "Waiting and delays", code=1)
    assert "go with --add, --link or --edit" in res.output
    assert elc("changes", path_of, "--remove", "1").stdout == "removed change 1\n"


def test_group_help_lists_the_subcommands_not_the_alias(elc):
    out = elc("changes", "--help").stdout
    commands = [line.split()[0] for line in out.split("Commands:")[1].strip().splitlines()]
    assert commands == ["add", "edit", "link", "list", "load", "rm", "unlink"]
