"""Lemmas, featurizer, description prior and the evaluation helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from elc.suggest import SegmentFeaturizer, cross_validate_codes, learning_curve, lemmatize
from elc.suggest.evaluate import expected_calibration_error, f1_scores, reliability_table
from elc.suggest.features import simple_lemmatize


def test_regex_fallback_lemmas():
    out = simple_lemmatize(["The driver WASN'T late, and we had a chat!", "", "Nothing."])
    assert out == ["driver not late chat", "", "nothing"]
    assert lemmatize(["The driver wasn't late"], nlp=False) == ["driver not late"]


def test_spacy_lemmas_keep_negations_and_content_words():
    from elc.suggest.features import default_nlp

    if default_nlp() is None:
        pytest.skip("no trained spaCy pipeline installed")
    out = lemmatize(["The driver chatted all the way", "I wasn't told, nothing at all", "Call back at six"])
    assert out[0] == "driver chat way"
    assert "not" in out[1].split() and "tell" in out[1].split() and "nothing" in out[1].split()
    assert out[2] == "call back six"


def test_featurizer_blocks_and_unknown_context():
    X = pd.DataFrame({
        "text": ["driver lovely", "booking line hold", "late home", "driver kind"],
        "lemmas": ["driver lovely", "booking line hold", "late home", "driver kind"],
        "question": ["Tell me about the drivers", "", "How was the journey home?", ""],
        "community": ["patients", "carers", "patients", ""],
    })
    f = SegmentFeaturizer().fit(X)
    Z = f.transform(X)
    assert Z.shape == (4, f.n_features_out_) == (4, len(f.get_feature_names_out()))
    assert f.n_text_features_ < f.n_features_out_
    new = pd.DataFrame({"text": ["x"], "lemmas": ["x"], "question": [""], "community": ["drivers"]})
    assert f.transform(new).nnz == 0  # unseen word, question and community: all-zero row
    assert f.transform(X.iloc[:0]).shape == (0, f.n_features_out_)
    # no questions or communities at all: those blocks are simply absent
    g = SegmentFeaturizer().fit(["driver lovely", "booking line"])
    assert g.question_vectorizer_ is None and len(g.communities_) == 0


def test_f1_and_reliability_by_hand():
    Y = np.array([[1, 0], [1, 1], [0, 0], [0, 1]])
    P = np.array([[1, 0], [0, 1], [0, 1], [0, 1]])
    scores = f1_scores(Y, P)
    # code 0: tp 1, fn 1 -> 2/3 ; code 1: tp 2, fp 1 -> 0.8 ; micro: tp 3, fp 1, fn 1 -> 0.75
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)
    assert scores["micro_f1"] == pytest.approx(0.75)
    proba = np.array([0.05, 0.15, 0.85, 0.95])
    table = reliability_table(np.array([0, 0, 1, 0]), proba, n_bins=10)
    assert list(table["bin"]) == ["0.0-0.1", "0.1-0.2", "0.8-0.9", "0.9-1.0"]
    assert expected_calibration_error(np.array([0, 0, 1, 0]), proba) == pytest.approx(
        (0.05 + 0.15 + 0.15 + 0.95) / 4)


def test_cross_validate_and_learning_curve(synthetic):
    X, Y = synthetic
    res = cross_validate_codes(X.iloc[:300], Y.iloc[:300], k=3)
    assert set(res) >= {"micro_f1", "macro_f1", "per_code", "reliability", "ece", "oof_proba"}
    assert list(res["per_code"].columns) == ["code", "support", "precision", "recall", "f1"]
    assert len(res["per_code"]) == Y.shape[1] and res["oof_proba"].shape == (300, Y.shape[1])
    assert res["micro_f1"] > 0.7 and res["ece"] < 0.1
    curve = learning_curve(X, Y, sizes=(25, 100, 10_000), test_size=150)
    assert list(curve["n_coded"]) == [25, 100]  # sizes beyond the pool are skipped
    assert curve["micro_f1"].iloc[1] > curve["micro_f1"].iloc[0]
