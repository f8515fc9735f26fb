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
