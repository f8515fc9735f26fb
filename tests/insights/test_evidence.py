"""Evidence for each change: participants per community, quotes, strength and flags."""

import json

import pytest

from tests.insights import _pack


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    import elc

    p = elc.open_project(_pack.shared(tmp_path_factory))
    yield p
    p.close()


def _flags(ev, kind):
    return [f for f in ev["flags"] if f["flag"] == kind]


def test_thin_change_from_one_community(project):
    from elc.insights.evidence import change_evidence

    ev = change_evidence(project, "Avoid early morning pick-ups")
    by = {b["community"]: b for b in ev["by_community"]}
    assert ev["participants"] == 3 and by["patients"]["participants"] == 3 and by["patients"]["interviewed"] == 3
    assert ev["communities_heard"] == ["patients"]
    assert ev["strength"] == "thin"  # one community when five were targeted and three interviewed
    assert any("only one community" in f["message"] for f in _flags(ev, "thin-evidence"))
    # carers and drivers were interviewed but did not raise it; NHS and provider staff were not heard at all
    assert {f["community"] for f in _flags(ev, "missing-voice")} == {"carers", "drivers"}
    assert {f["community"] for f in _flags(ev, "not-interviewed")} == {"nhs-staff", "provider-staff"}
    assert "0 of 1 asked" in _flags(ev, "missing-voice")[0]["message"]
    # P02 said both (a three-hour window to improve, ringing ahead works well): counted on both sides
    assert ev["valence"] == {"to-improve": 3, "working-well": 1, "both": 1, "neutral": 0}
    assert by["patients"]["to_improve"] == 3 and by["patients"]["working_well"] == 1 and by["patients"]["both"] == 1
    assert ev["direction"] == "to-improve" and ev["consistency"] == 0.667
    assert {t["touchpoint"] for t in ev["touchpoints"]} == {"Getting ready for pick up"}
    assert [q["participant"] for q in ev["quotes"]] and all(q["community"] == "patients" for q in ev["quotes"])


def test_two_communities_and_few_participants(project):
    from elc.insights.evidence import change_evidence

    ev = change_evidence(project, "Recognise the driver relationship")
    assert ev["participants"] == 3 and set(ev["communities_heard"]) == {"patients", "drivers"}
    assert ev["strength"] == "moderate" and ev["direction"] == "working-well"
    # quotes are spread across communities before a second from the same one
    assert {q["community"] for q in ev["quotes"][:2]} == {"patients", "drivers"}


def test_change_without_evidence(project):
    from elc.insights.evidence import change_evidence

    ev = change_evidence(project, "Fix the hospital entrance")
    assert ev["strength"] == "none" and ev["participants"] == 0 and _flags(ev, "no-evidence")


def test_very_thin_change(project, tmp_path):
    from elc.insights.changes import add_change
    from elc.insights.evidence import change_evidence

    copy = _pack.copy_project(project, tmp_path)
    cid = add_change(copy, "Better information for crews", codes=["Getting information about passengers (patients)"])
    ev = change_evidence(copy, cid)
    assert ev["participants"] == 1 and ev["strength"] == "thin"
    assert any("only 1 participant" in f["message"] for f in _flags(ev, "thin-evidence"))
    # a staff touchpoint: patients and carers were never asked, which is not "missing"
    assert set(ev["missing_communities"]) == {"nhs-staff", "provider-staff"}
    assert set(ev["not_asked"]) == {"patients", "carers"}
    assert {f["community"] for f in _flags(ev, "not-asked")} == {"patients", "carers"}
    assert not _flags(ev, "missing-voice")
    copy.close()


def test_theme_links_use_the_latest_theme_run(project, tmp_path):
    from elc.insights.changes import add_change
    from elc.insights.evidence import change_evidence
    from elc.store import schema as s

    copy = _pack.copy_project(project, tmp_path)
    segs = copy.segments(role="participant")
    lounge = segs[segs.text.str.contains("discharge lounge")].id.iloc[0]
    taxi = segs[segs.text.str.contains("after dark")].id.iloc[0]
    themes = [{"theme_id": 0, "label": "waiting to go home", "community": "patients", "share": 0.3,
               "participants": 1, "keywords": ["home", "wait"], "quotes": []}]
    with copy.engine.begin() as conn:
        conn.execute(s.theme_runs.insert().values(
            ts="2025-01-01T00:00:00", method="test", params="{}", themes=json.dumps(themes),
            assignments=json.dumps({str(lounge): 0, str(taxi): 0})))
    cid = add_change(copy, "Focus on the journey home", themes=["Waiting to go home"])
    ev = change_evidence(copy, cid)
    assert ev["participants"] == 2 and set(ev["communities_heard"]) == {"patients", "carers"}
    assert {q["participant"] for q in ev["quotes"]} == {"P03", "C01"}
    copy.close()


def test_all_evidence_is_json_ready(project):
    from elc.insights.evidence import all_evidence

    evs = all_evidence(project)
    assert [e["title"] for e in evs][0] == "Avoid early morning pick-ups"
    json.dumps(evs)
