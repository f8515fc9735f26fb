"""The workshop record through the library: merge unites links, amended applies wording with an
audit trail, names are refused, findings are validated against the programme."""

from __future__ import annotations

import pytest

from elc.insights import workshop as w
from elc.insights.changes import changes
from elc.insights.workshop_checks import WorkshopError, looks_like_name, normalise_role
from elc.store import workshop as ws
from elc.store.requirements import requirements_by_change

from .conftest import dump


def test_merge_unites_code_and_theme_links(sample):
    from elc.insights.changes import link_change

    link_change(sample, 3, themes=["waiting by the window"])
    df = changes(sample).set_index("id")
    source, target = set(df.code_ids[3]), set(df.code_ids[2])
    assert source - target  # something to unite
    w.new_workshop(sample, "Challenge workshop", "2026-03-14", by="alice")
    w.decide(sample, 3, "merged", "alice", merged_into="Avoid early morning pick-ups for passengers")
    df = changes(sample).set_index("id")
    assert set(df.code_ids[2]) == source | target
    assert "waiting by the window" in df.themes[2]
    assert df.state[3] == "merged" and df.merged_into[3] == 2 and df.state[2] == "candidate"
    assert "link(s) added" in ws.decisions(sample, 3)[-1].note


def test_amended_applies_wording_and_keeps_the_audit_trail(sample):
    old = changes(sample).set_index("id")
    old_reqs = requirements_by_change(sample)[4]
    w.decide(sample, 4, "endorsed", "alice")
    w.decide(sample, 4, "amended", "bob", title="Make the journey home reliable",
             requirements=["The Provider shall collect passengers within 60 minutes of being ready."])
    df = changes(sample).set_index("id")
    assert df.title[4] == "Make the journey home reliable" and df.state[4] == "amended"
    assert df.requirements[4] == ["The Provider shall collect passengers within 60 minutes of being ready."]
    assert df.rationale[4] == old.rationale[4]
    trail = ws.decisions(sample, 4)
    assert [d.decision for d in trail] == ["endorsed", "amended"]
    assert [d.recorded_by for d in trail] == ["alice", "bob"]
    assert f"title was '{old.title[4]}'" in trail[-1].note and old_reqs[0].text in trail[-1].note


def test_votes_priority_owner_update_keeps_decision(sample):
    w.decide(sample, 1, "endorsed", "alice", votes=3)
    w.set_decision_fields(sample, 1, "bob", priority=2, owner="Provider")
    df = changes(sample).set_index("id")
    assert (df.state[1], df.votes[1], df.priority[1], df.decision_owner[1]) == ("endorsed", 3, 2, "Provider")
    with pytest.raises(WorkshopError, match="change 2 has no decision yet"):
        w.set_decision_fields(sample, 2, "bob", votes=1)


def test_new_change_created_and_recorded_new(sample):
    res = w.decide(sample, "Publish a transport charter", "new", "alice", rationale="People asked for one.", votes=4)
    (cid,) = res.new_change_ids
    df = changes(sample).set_index("id")
    assert df.title[cid] == "Publish a transport charter" and df.state[cid] == "new" and df.votes[cid] == 4


def test_problems_are_one_line_each_and_nothing_is_written(sample, sample_path):
    before = dump(sample_path)
    rec = w.WorkshopRecord(title="Workshop", attendees=[w.AttendeeIn("Dr Patel"), w.AttendeeIn("carer", "aliens")],
                           challenges=[w.ChallengeIn("cell:Journey home|drivers", "agree"),
                                       w.ChallengeIn("cell:Nowhere|carers", "agree"),
                                       w.ChallengeIn("theme:waiting", "agree"),
                                       w.ChallengeIn("change:1", "disagree")],
                           decisions=[w.DecisionIn(1, "merged"), w.DecisionIn(2, "amended"),
                                      w.DecisionIn(5, "endorsed", title="x"), w.DecisionIn(6, "rejected"),
                                      w.DecisionIn(7, "merged", merged_into=6)])
    with pytest.raises(WorkshopError) as exc:
        w.record(sample, rec, "alice")
    lines = str(exc.value).splitlines()
    assert lines == [
        "role 'Dr Patel' looks like a person's name; record roles and communities, never names",
        "'aliens' is not a community of this programme (patients, carers, drivers, nhs-staff, provider-staff)",
        "'Journey home' was not asked of Drivers (a people touchpoint)",
        "'Nowhere' is not a touchpoint of this programme",
        "there is no theme run to challenge a theme of (run 'elc themes PROJECT')",
        "'disagree' is not one of agree, challenge, new-evidence",
        "a merged change names the change it was merged into",
        "an amended change needs its amended title, rationale or requirements",
        "amended wording goes with an 'amended' decision (this one is 'endorsed')",
        "change 6 cannot take a merge: it is rejected",
    ]
    assert dump(sample_path) == before


def test_roles_normalised_and_names_recognised():
    assert normalise_role(" Commissioners ") == "commissioner"
    assert normalise_role("Service users") == "person who uses the service"
    assert normalise_role("Ward sister") == "ward sister"
    for name in ("Jane Smith", "Dr Patel", "mrs jones", "Mary Ann Jones"):
        assert looks_like_name(name), name
    for role in ("Contract Manager", "Renal Unit Nurse", "commissioner", "Healthwatch", "Discharge Lounge"):
        assert not looks_like_name(role), role
