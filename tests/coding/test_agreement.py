"""Inter-coder agreement against hand-computed values and published worked examples."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from elc.coding.agreement import (
    agreement_by_code,
    agreement_report,
    cohen_kappa,
    disagreements,
    krippendorff_alpha_nominal,
    overall_agreement,
    percent_agreement,
    valence_agreement,
)

SHARED = ["s1", "s2", "s3", "s4", "s5", "s6"]


def _codings(rows):
    return pd.DataFrame(rows, columns=["segment_id", "code", "coder", "valence"])


@pytest.fixture
def codings():
    return _codings([
        ("s1", "A", "ann", "working-well"), ("s2", "A", "ann", "to-improve"), ("s3", "A", "ann", "neutral"),
        ("s4", "B", "ann", "to-improve"),
        ("s7", "A", "ann", "neutral"),  # only ann saw s7: outside the overlap, ignored
        ("s1", "A", "bob", "working-well"), ("s2", "A", "bob", "neutral"), ("s4", "A", "bob", "neutral"),
        ("s4", "B", "bob", "to-improve"), ("s5", "B", "bob", "working-well"),
        ("s1", "A", "bob", "working-well"),  # a duplicate row counts once
    ])


# --------------------------------------------------------------- Krippendorff
def test_alpha_krippendorff_2011_binary_example():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", A: two observers,
    # binary data, ten units: alpha = 0.095.
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
            [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert krippendorff_alpha_nominal(data) == pytest.approx(1 - 19 * 4 / (14 * 6))
    assert round(krippendorff_alpha_nominal(data), 3) == 0.095


def test_alpha_krippendorff_2011_four_observers_missing_values():
    # Same paper, C: four observers, twelve units, nominal values 1-5, missing data:
    # nominal alpha = 0.743.
    n = None
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
            [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]]
    assert round(krippendorff_alpha_nominal(data), 3) == 0.743
    # strings work as nominal values too
    as_text = [[None if v is None else f"v{v}" for v in row] for row in data]
    assert krippendorff_alpha_nominal(as_text) == pytest.approx(krippendorff_alpha_nominal(data))


def test_alpha_edge_cases():
    assert krippendorff_alpha_nominal([[1, 1, 1], [1, 1, 1]]) == 1.0  # no disagreement at all
    with pytest.raises(ValueError, match="at least two coders"):
        krippendorff_alpha_nominal([[1, None], [None, 2]])


# -------------------------------------------------------------- per code stats
def test_per_code_statistics_by_hand(codings):
    table = agreement_by_code(codings, SHARED).set_index("code")
    a, b = table.loc["A"], table.loc["B"]
    # A: ann 1 1 1 0 0 0, bob 1 1 0 1 0 0 -> agree 4/6; p_e = .5; kappa = 1/3;
    #    alpha = 1 - 11 * 2 / (6 * 6)
    assert (a.n_a, a.n_b, a.n_both) == (3, 3, 2)
    assert a.percent_agreement == pytest.approx(4 / 6)
    assert a.kappa == pytest.approx(1 / 3)
    assert a.alpha == pytest.approx(1 - 22 / 36)
    # B: ann 0 0 0 1 0 0, bob 0 0 0 1 1 0 -> agree 5/6; p_e = 22/36; kappa = 8/14;
    #    alpha = 1 - 11 * 1 / (9 * 3)
    assert b.percent_agreement == pytest.approx(5 / 6)
    assert b.kappa == pytest.approx(8 / 14)
    assert b.alpha == pytest.approx(1 - 11 / 27)
    assert not table["degenerate"].any()


def test_overall_pooled_by_hand(codings):
    overall = overall_agreement(codings, SHARED)
    # 12 judgements: agree 9; ann says yes 4, bob 5 -> p_e = 76/144; kappa = 32/68
    assert overall["percent_agreement"] == pytest.approx(9 / 12)
    assert overall["kappa"] == pytest.approx(32 / 68)
    assert overall["alpha"] == pytest.approx(1 - 23 * 3 / (15 * 9))
    assert overall["mean_kappa"] == pytest.approx((1 / 3 + 8 / 14) / 2)
    assert overall["coders"] == ("ann", "bob") and overall["n_segments"] == 6 and overall["n_codes"] == 2


def test_kappa_matches_sklearn_when_defined():
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 2, 50), rng.integers(0, 2, 50)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))
    assert percent_agreement(a, b) == pytest.approx(np.mean(a == b))


def test_code_used_by_only_one_coder(codings):
    extra = pd.concat([codings, _codings([("s6", "C", "ann", "neutral")])], ignore_index=True)
    c = agreement_by_code(extra, SHARED).set_index("code").loc["C"]
    # ann 0 0 0 0 0 1, bob never: agree 5/6, p_e = 5/6 -> kappa 0; alpha = 1 - 11*1/(11*1) = 0
    assert (c.n_a, c.n_b) == (1, 0)
    assert c.percent_agreement == pytest.approx(5 / 6)
    assert c.kappa == pytest.approx(0.0)
    assert c.alpha == pytest.approx(0.0)


def test_perfect_agreement_and_zero_variance_without_warnings():
    same = _codings([("s1", "A", "ann", "neutral"), ("s1", "A", "bob", "neutral"),
                     ("s2", "B", "ann", "neutral"), ("s2", "B", "bob", "neutral")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = agreement_by_code(same, ["s1", "s2", "s3"]).set_index("code")
        assert (table["kappa"] == 1.0).all() and (table["alpha"] == 1.0).all()
        assert (table["percent_agreement"] == 1.0).all()
        # a codebook code neither coder used: both always said no -> degenerate, reported as 1
        nobody = agreement_by_code(same, ["s1", "s2", "s3"], codes=["A", "B", "Z"]).set_index("code")
        z = nobody.loc["Z"]
        assert z.kappa == 1.0 and z.alpha == 1.0 and z.percent_agreement == 1.0 and z.degenerate
        assert not nobody.loc["A"].degenerate
        assert disagreements(same, ["s1", "s2", "s3"]).empty


def test_no_overlap_is_a_clear_error(codings):
    with pytest.raises(ValueError, match="no overlap"):
        agreement_by_code(codings, [])
    with pytest.raises(ValueError, match="segments both coders saw"):
        overall_agreement(codings, None)


def test_coders_must_be_two(codings):
    three = pd.concat([codings, _codings([("s1", "A", "cat", "neutral")])], ignore_index=True)
    with pytest.raises(ValueError, match="exactly two coders"):
        agreement_by_code(three, SHARED)
    table = agreement_by_code(three, SHARED, coders=("ann", "bob"))
    assert table.set_index("code").loc["A", "kappa"] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="lack column"):
        agreement_by_code(codings.drop(columns="coder"), SHARED)


# ---------------------------------------------------------------- disagreements
def test_disagreements_table(codings):
    d = disagreements(codings, SHARED)
    presence = d[d["kind"] == "presence"]
    assert list(map(tuple, presence[["segment_id", "code", "a_applied", "b_applied"]].to_numpy())) == [
        ("s3", "A", True, False), ("s4", "A", False, True), ("s5", "B", False, True)]
    assert set(d["coder_a"]) == {"ann"} and set(d["coder_b"]) == {"bob"}
    val = d[d["kind"] == "valence"]
    assert list(map(tuple, val[["segment_id", "code", "a_valence", "b_valence"]].to_numpy())) == [
        ("s2", "A", "to-improve", "neutral")]


def test_valence_agreement_by_hand(codings):
    v = valence_agreement(codings, SHARED)
    # pairs: (s1,A) ww/ww, (s2,A) ti/neutral, (s4,B) ti/ti -> 2/3; p_e = 1/3 -> kappa 0.5
    assert v["n_pairs"] == 3
    assert v["percent_agreement"] == pytest.approx(2 / 3)
    assert v["kappa"] == pytest.approx(0.5)


def test_report_bundles_everything(codings):
    report = agreement_report(codings, SHARED)
    assert set(report) == {"per_code", "overall", "valence", "disagreements"}
    assert len(report["disagreements"]) == 4
