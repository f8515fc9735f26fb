import pytest

from elc.coding.compare import project_agreement
from elc.errors import ElcError


def test_agreement_on_shared_interviews(coded_project):
    res = project_agreement(coded_project, "alice", "bob")
    assert res["sources"] == [1]
    o = res["overall"]
    assert 0 < o["kappa"] < 1 and o["percent_agreement"] > 0.9
    dis = res["disagreements"]
    assert list(dis.code) == ["Relationship with crew (driver)"]
    assert bool(dis.a_applied.iloc[0]) and not bool(dis.b_applied.iloc[0])


def test_agreement_errors(coded_project):
    with pytest.raises(ElcError, match="no codings by 'carol'"):
        project_agreement(coded_project, "alice", "carol")


def test_sentences_one_coder_has_not_reached_are_not_disagreements(project, transcript):
    """bob coded only the start of the interview alice finished: the rest is not bob saying "no"."""
    from elc.coding import CodingSession
    from elc.ingest import ImportOptions, import_files

    assert import_files(project, [transcript], ImportOptions(community="patients"), deidentify=False).ok
    segs = project.segments(role="participant").sort_values("start")
    code = project.code_id("Waiting and delays")
    alice, bob = CodingSession(project, "alice"), CodingSession(project, "bob")
    for i, row in enumerate(segs.itertuples()):
        alice.apply(int(row.source_id), int(row.start), int(row.end), code)
        if i < 2:
            bob.apply(int(row.source_id), int(row.start), int(row.end), code)
    res = project_agreement(project, "alice", "bob")
    assert res["segments"] == 2 and res["not_reached"] == len(segs) - 2
    assert res["disagreements"].empty
    assert res["overall"]["percent_agreement"] == 1.0 and res["overall"]["kappa"] == 1.0
