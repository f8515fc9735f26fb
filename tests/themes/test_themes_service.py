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
