"""`elc themes run|list|rename|merge|split|discard|promote`, and the old one-verb form as an alias."""

from __future__ import annotations

import json

import pytest


def _themes(out: str) -> dict[int, str]:
    return {int(t["theme_id"]): t["label"] for t in json.loads(out) if int(t["theme_id"]) >= 0}


def test_list_before_any_run_is_one_line(elc, path_of):
    res = elc("themes", "list", path_of, code=1)
    assert res.output == f"elc: {path_of}: no themes yet; run 'elc themes run {path_of}' first\n"


def test_run_then_decisions_apply_without_refit(elc, path_of, tmp_path, monkeypatch):
    out = elc("themes", "run", path_of, "--csv", tmp_path / "t.csv").stdout
    assert "themes from" in out and "What differs between communities" in out and (tmp_path / "t.csv").exists()
    fitted = _themes(elc("themes", "list", path_of, "--json").stdout)
    assert len(fitted) >= 2
    first, second = sorted(fitted)[:2]

    from elc.themes import ThemeModel

    def no_refit(*args, **kwargs):
        raise AssertionError("a decision must not refit the theme model")

    monkeypatch.setattr(ThemeModel, "fit", no_refit)
    elc("themes", "rename", path_of, first, "Waiting and information", "--coder", "alice")
    assert _themes(elc("themes", "list", path_of, "--json").stdout)[first] == "Waiting and information"
    out = elc("themes", "promote", path_of, first, "--name", "Waiting for news", "--json").stdout
    assert out.startswith(f"promoted theme {first} to code id ")
    elc("themes", "discard", path_of, second)
    assert second not in _themes(elc("themes", "list", path_of, "--json").stdout)
    from elc import open_project
    from elc.themes import service

    with open_project(path_of) as p:
        assert [d["action"] for d in service.decisions(p)] == [
            "rename", "promote", "discard"]
        assert p.code_id("Waiting for news")


def test_unknown_theme_is_one_line(elc, path_of):
    elc("themes", "run", path_of)
    res = elc("themes", "discard", path_of, "999", code=1)
    assert res.output.count("\n") == 1 and "no theme 999" in res.output


@pytest.mark.parametrize("args, new", [((), "run"), (("--rename", "0", "Renamed"), "rename")])
def test_old_form_still_works(elc, path_of, args, new):
    if new != "run":
        elc("themes", "run", path_of)
    res = elc("themes", path_of, *args, "--json")
    assert res.stderr.startswith(f"deprecated: use elc themes {new} {path_of}")
    themes = _themes(res.stdout)
    assert themes and (new == "run" or themes[0] == "Renamed")
