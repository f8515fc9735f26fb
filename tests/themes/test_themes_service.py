"""Themes on a project: a run is stored, decisions persist and re-apply, promote makes a code."""

import pytest

from elc.errors import ElcError
from elc.themes import service


def test_run_store_and_decide(coded_project):
    result = service.run_themes(coded_project)
    assert result.method_.startswith("bertopic")
    run = service.latest_run(coded_project)
    assert run["method"] == result.method_
    assert {"theme_id", "label", "community", "participants"} <= set(run["table"].columns)
    assert set(run["table"].community) <= {"patients", "drivers"}
    themes = sorted(t for t in set(run["table"].theme_id) if t >= 0)
    first = themes[0]
    service.add_decision(coded_project, "alice", "rename", [first], "Waiting and information")
    again = service.run_themes(coded_project)
    assert "Waiting and information" in set(again.themes_.label)
    d = service.add_decision(coded_project, "alice", "promote", [first], "Waiting for news")
    assert coded_project.code_id("Waiting for news") == d["code_id"]
    assert len(service.decisions(coded_project)) == 2


def test_decision_on_unknown_theme(coded_project):
    with pytest.raises(ElcError, match="no themes yet"):
        service.add_decision(coded_project, "alice", "discard", [0])
    service.run_themes(coded_project)
    with pytest.raises(ElcError, match="no theme 999"):
        service.add_decision(coded_project, "alice", "discard", [999])


def test_coded_unit_needs_codings(project, transcript):
    from elc.ingest import import_files

    import_files(project, [transcript], deidentify=False)
    with pytest.raises(ElcError, match="nothing is coded yet"):
        service.theme_input(project, unit="coded")


def test_decisions_apply_to_the_stored_run_without_refitting(coded_project, monkeypatch):
    from elc.themes import ThemeModel

    service.run_themes(coded_project)
    run = service.latest_run(coded_project)
    themes = [int(t) for t in dict.fromkeys(run["table"].theme_id) if t >= 0]
    assert len(themes) >= 2

    def no_refit(*args, **kwargs):
        raise AssertionError("a decision must not refit the theme model")

    monkeypatch.setattr(ThemeModel, "fit", no_refit)
    service.add_decision(coded_project, "alice", "rename", [themes[-1]], "Renamed last")
    renamed = service.latest_run(coded_project)
    order = [int(t) for t in dict.fromkeys(renamed["table"].theme_id) if t >= 0]
    assert order == themes  # a rename never reorders themes
    assert set(renamed["table"][renamed["table"].theme_id == themes[-1]].label) == {"Renamed last"}
    assert renamed["assignments"] == run["assignments"]

    service.add_decision(coded_project, "alice", "merge", themes[:2], "Merged")
    merged = service.latest_run(coded_project)
    left = sorted(int(t) for t in set(merged["table"].theme_id) if t >= 0)
    assert len(left) == len(themes) - 1 and min(themes[:2]) in left
    labels = dict(zip(merged["table"].theme_id, merged["table"].label))
    assert labels[min(themes[:2])] == "Merged" and labels[themes[-1]] == "Renamed last"
    moved = [s for s, t in run["assignments"].items() if t in themes[:2]]
    assert {merged["assignments"][s] for s in moved} == {min(themes[:2])}
    assert merged["params"]["refit"] is False
    monkeypatch.undo()
    # a refit re-applies the stored decisions
    again = service.run_themes(coded_project)
    assert [d["status"] for d in again.decisions_] == ["applied", "applied"]
    assert {"Merged", "Renamed last"} <= set(again.themes_.label)
