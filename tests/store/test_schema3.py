"""Schema 3: a schema-2 project (requirements in a meta value, measures as a JSON list) opens
with its requirements and measures moved into the requirements and KPI tables, nothing lost."""

import json
import sqlite3

import pytest

import elc
from elc.errors import ElcError
from elc.insights.changes import add_change, changes, remove_change, update_change
from elc.store import kpis, requirements, workshop
from elc.store.schema import SCHEMA_3_TABLES


def _downgrade_to_schema_2(path, reqs: dict, measures: dict) -> None:
    con = sqlite3.connect(path)
    for table in SCHEMA_3_TABLES:
        con.execute(f"DROP TABLE {table.name}")
    con.execute("INSERT INTO meta(key, value) VALUES ('change_requirements', ?)", (json.dumps(reqs),))
    for cid, ms in measures.items():
        con.execute("UPDATE changes SET measures=? WHERE id=?", (json.dumps(ms), cid))
    con.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    con.commit()
    con.close()


def test_schema_2_project_migrates_requirements_and_measures(project, tmp_path):
    a = add_change(project, "Tell people when the vehicle is coming")
    b = add_change(project, "Shorter pick-up windows")
    project.close()
    path = tmp_path / "test.elc"
    _downgrade_to_schema_2(path, {str(a): ["The Provider shall phone.", "The Provider shall text."]},
                           {a: ["Share told the day before"], b: ["Window length", "Share within window"]})
    p = elc.open_project(path)
    try:
        df = changes(p).set_index("id")
        assert df.loc[a, "requirements"] == ["The Provider shall phone.", "The Provider shall text."]
        assert df.loc[b, "requirements"] == []
        assert df.loc[a, "measures"] == ["Share told the day before"]
        assert df.loc[b, "measures"] == ["Window length", "Share within window"]
        k = kpis.kpis_by_change(p)[b][0]
        assert k.measure == "Window length" and k.missing == list(kpis.REQUIRED)
        assert p.meta_get("change_requirements") is None
        assert p.meta_get("schema_version") == 3
    finally:
        p.close()


def test_editing_measures_keeps_kpi_records_and_requirement_parties(project):
    cid = add_change(project, "Avoid early pick-ups", measures=["Share collected > 90 min early"],
                     requirements=["The Provider shall plan rounds."])
    k = kpis.kpis_by_change(project)[cid][0]
    kpis.update_kpi(project, k.id, baseline=31.0, unit="%", better="lower", by="alice")
    r = requirements.requirements_by_change(project)[cid][0]
    requirements.set_responsible(project, r.id, "trust", "renal unit", by="alice")
    update_change(project, cid, measures=["Share collected > 90 min early", "Minutes on the vehicle"],
                  requirements=["The Provider shall plan rounds.", "The Trust shall share clinic times."])
    ks = kpis.kpis_by_change(project)[cid]
    assert [x.measure for x in ks] == ["Share collected > 90 min early", "Minutes on the vehicle"]
    assert ks[0].id == k.id and ks[0].baseline == 31.0 and ks[0].better == "lower"
    rs = requirements.requirements_by_change(project)[cid]
    assert rs[0].id == r.id and rs[0].responsible == "trust" and rs[0].responsible_detail == "renal unit"
    with pytest.raises(ElcError, match="not one of"):
        requirements.set_responsible(project, r.id, "estates")


def test_kpi_with_returns_survives_its_change(project):
    cid = add_change(project, "Journey home", measures=["Collected within 60 minutes"])
    k = kpis.kpis_by_change(project)[cid][0]
    assert kpis.put_returns(project, [(k.id, "2026-01", 71.0), (k.id, "2026-02", 74.5)], "jan.csv") == (2, 0)
    assert kpis.put_returns(project, [(k.id, "2026-02", 75.0)], "feb-corrected.csv") == (0, 1)
    with pytest.raises(ElcError, match="2 monthly return"):
        kpis.remove_kpi(project, k.id)
    workshop.add_decision(project, cid, "endorsed", by="alice")
    remove_change(project, cid)
    kept = kpis.get_kpi(project, k.id)
    assert kept.change_id is None
    assert [(r.period, r.value) for r in kpis.returns(project, k.id)] == [("2026-01", 71.0), ("2026-02", 75.0)]
    assert workshop.decisions(project) == []


def test_decisions_are_an_audit_trail(project):
    a = add_change(project, "A")
    b = add_change(project, "B")
    w = workshop.add_workshop(project, "Challenge workshop", "2026-03-04", by="alice")
    workshop.add_decision(project, a, "amended", workshop_id=w, votes=7, by="alice")
    workshop.add_decision(project, a, "endorsed", workshop_id=w, priority=1, by="bob")
    workshop.add_decision(project, b, "merged", workshop_id=w, merged_into=a, by="alice")
    state = workshop.current_decisions(project)
    assert state[a].decision == "endorsed" and state[a].recorded_by == "bob"
    assert state[b].merged_into == a
    assert [d.decision for d in workshop.decisions(project, a)] == ["amended", "endorsed"]
    with pytest.raises(ElcError, match="names the change"):
        workshop.add_decision(project, a, "merged", by="alice")
    with pytest.raises(ElcError, match="one of"):
        workshop.add_decision(project, a, "approved", by="alice")
