"""CodeSuggester: estimator API, cold start, learning, codes with few or no codings."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from elc.suggest import CodeSuggester, lemmatize
from elc.suggest.evaluate import f1_scores


def _micro_macro(model, X, Y):
    pred = model.predict(X)
    cols = [list(model.classes_).index(c) for c in Y.columns]
    return f1_scores(Y.to_numpy(), pred[:, cols])


# ------------------------------------------------------------------------- API
def test_estimator_api(synthetic):
    X, Y = synthetic
    X, Y = X.iloc[:200], Y.iloc[:200]
    model = CodeSuggester()
    assert model.fit(X, Y) is model
    assert list(model.classes_) == list(Y.columns)
    proba = model.predict_proba(X.iloc[:7])
    assert proba.shape == (7, Y.shape[1])
    assert np.all((proba >= 0) & (proba <= 1))
    pred = model.predict(X.iloc[:7])
    assert pred.shape == (7, Y.shape[1]) and set(np.unique(pred)) <= {0, 1}
    assert model.predict(X.iloc[:7], threshold=0.0).all()
    assert model.decision_function(X.iloc[:7]).shape == (7, Y.shape[1])
    assert np.array_equal(model.decision_function(X.iloc[:7]) >= 0, pred.astype(bool))
    assert model.thresholds_.shape == (Y.shape[1],)

    params = model.get_params()
    assert params["random_state"] == 0 and "code_descriptions" in params
    twin = clone(model)
    assert twin.get_params() == params
    assert not hasattr(twin, "classes_")
    twin.set_params(C=1.0)
    assert twin.C == 1.0

    # pickles (the UI may cache a model) and predicts the same after a round trip
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict_proba(X.iloc[:7]), proba)


@pytest.mark.parametrize("name", ["CodeSuggester", "ValenceClassifier", "SegmentFeaturizer"])
def test_sklearn_parameter_conventions(name):
    """scikit-learn's own checks that need no numeric data: params in __init__, no logic there."""
    import elc.suggest
    from sklearn.utils import estimator_checks as checks

    estimator = getattr(elc.suggest, name)()
    for check in ("check_no_attributes_set_in_init", "check_parameters_default_constructible",
                  "check_get_params_invariance", "check_set_params"):
        getattr(checks, check)(name, estimator)


def test_deterministic(synthetic):
    X, Y = synthetic
    a = CodeSuggester(random_state=3).fit(X.iloc[:150], Y.iloc[:150]).predict_proba(X.iloc[150:170])
    b = CodeSuggester(random_state=3).fit(X.iloc[:150], Y.iloc[:150]).predict_proba(X.iloc[150:170])
    np.testing.assert_allclose(a, b)


def test_accepts_plain_texts_and_missing_columns():
    texts = ["driver lovely chat", "ring booking line", "driver kind lads", "booking phone hold"] * 3
    Y = pd.DataFrame({"driver": [1, 0, 1, 0] * 3, "booking": [0, 1, 0, 1] * 3})
    model = CodeSuggester().fit(texts, Y)
    proba = model.predict_proba(["the driver was lovely", "I rang the booking line"])
    assert proba[0, 0] > proba[0, 1] and proba[1, 1] > proba[1, 0]
    # a 1-D sequence of labels is read as single-label codings
    single = CodeSuggester().fit(texts, ["driver", "booking", "driver", "booking"] * 3)
    assert list(single.classes_) == ["booking", "driver"]


def test_suggest_table(synthetic):
    X, Y = synthetic
    model = CodeSuggester().fit(X.iloc[:200], Y.iloc[:200])
    table = model.suggest(X.iloc[:5], top_k=2, min_proba=0.0)
    assert list(table.columns) == ["row", "code", "proba", "rank"]
    assert len(table) == 10
    first = table[table["row"] == 0].sort_values("rank")
    assert first["proba"].is_monotonic_decreasing


def test_rejects_bad_input():
    with pytest.raises(ValueError, match="nothing to learn"):
        CodeSuggester().fit(["a", "b"], None)
    with pytest.raises(ValueError, match="0/1"):
        CodeSuggester().fit(["a", "b"], pd.DataFrame({"x": [0, 2]}))
    with pytest.raises(ValueError, match="rows"):
        CodeSuggester().fit(["a", "b"], pd.DataFrame({"x": [0, 1, 1]}))


# ------------------------------------------------------------------ cold start
OBVIOUS = {
    "the driver was lovely and chatted all the way": "Relationship with crew (driver)",
    "I rang the booking line and was on hold for forty minutes": "Making the booking",
    "they wouldn't let my husband come with me as an escort, I had to go alone": "Carer/escort being ineligible for travel",
    "we didn't get back home until nine at night, in the dark": "Journey home",
    "there was no toilet and I was cold and hungry": "Dignity, comfort and safety",
    "the crew arrived at the door and helped me down the stairs into the wheelchair": "The pick-up",
}


@pytest.mark.parametrize("with_spacy", [True, False])
def test_cold_start_ranks_the_obvious_code_first(nepts_codes, with_spacy):
    texts = list(OBVIOUS)
    X = pd.DataFrame({"text": texts})
    if with_spacy:
        X["lemmas"] = lemmatize(texts)  # trained pipeline (or its regex fallback if absent)
    # without a lemmas column the regex fallback is used: keywords are matched as typed too
    model = CodeSuggester(code_descriptions=nepts_codes).fit(X)  # zero codings
    assert set(model.model_kinds_) == {"prior"}
    proba = model.predict_proba(X)
    best = model.classes_[proba.argmax(axis=1)]
    assert list(best) == list(OBVIOUS.values())
    # calibrated-ish: confident on the obvious code, low elsewhere
    assert (proba.max(axis=1) > 0.4).all()
    assert np.median(np.sort(proba, axis=1)[:, :-1]) < 0.1


def test_cold_start_with_integer_code_ids(nepts_codes):
    by_id = {i: {"name": name, **desc} for i, (name, desc) in enumerate(nepts_codes.items())}
    model = CodeSuggester(code_descriptions=by_id).fit(["the driver was lovely and chatted all the way"])
    assert model.classes_[model.predict_proba(["the driver was ever so kind and friendly"]).argmax()] == 2


def test_few_labels_blend_prior_and_model(nepts_codes):
    codes = list(nepts_codes)
    texts = ["the driver was so friendly, a lovely lad", "booked it over the phone, easy",
             "the driver chatted to me, he knows me now", "had to ring three times to book",
             "drivers are kind and cheerful", "the booking line kept me on hold"]
    Y = pd.DataFrame(0, index=range(6), columns=codes)
    Y.loc[[0, 2, 4], "Relationship with crew (driver)"] = 1
    Y.loc[[1, 3, 5], "Making the booking"] = 1
    model = CodeSuggester(code_descriptions=nepts_codes).fit(pd.DataFrame({"text": texts}), Y)
    j = codes.index("Relationship with crew (driver)")
    assert model.prior_weights_[j] > 0  # three codings: the good description keeps a say
    assert model.prior_weights_[codes.index("Journey home")] == 1.0  # no coding: prior only
    proba = model.predict_proba(["the driver was lovely", "I rang the booking line",
                                 "we got home late at night"])
    assert model.classes_[proba[0].argmax()] == "Relationship with crew (driver)"
    assert model.classes_[proba[1].argmax()] == "Making the booking"
    assert model.classes_[proba[2].argmax()] == "Journey home"


def test_descriptions_add_codes_missing_from_labels(nepts_codes):
    Y = pd.DataFrame({"Making the booking": [1, 0, 1, 0]})
    X = ["rang to book", "the driver was kind", "booking line", "late home"]
    model = CodeSuggester(code_descriptions=nepts_codes).fit(X, Y)
    assert list(model.classes_[:1]) == ["Making the booking"]
    assert set(model.classes_) == set(nepts_codes)


# -------------------------------------------------------------------- learning
def test_learning_improves_f1(synthetic, synthetic_test):
    X, Y = synthetic
    Xt, Yt = synthetic_test
    small = _micro_macro(CodeSuggester().fit(X.iloc[:20], Y.iloc[:20]), Xt, Yt)
    large = _micro_macro(CodeSuggester().fit(X, Y), Xt, Yt)
    assert large["micro_f1"] > small["micro_f1"] + 0.1
    assert large["macro_f1"] > small["macro_f1"] + 0.1
    assert large["micro_f1"] > 0.8


def test_probabilities_are_roughly_calibrated(synthetic, synthetic_test):
    from elc.suggest.evaluate import expected_calibration_error

    X, Y = synthetic
    Xt, Yt = synthetic_test
    model = CodeSuggester().fit(X, Y)
    assert expected_calibration_error(Yt.to_numpy(), model.predict_proba(Xt)) < 0.08


# ------------------------------------------------------- codes with 0/1 codings
def test_codes_with_zero_one_or_all_positives(synthetic):
    X, Y = synthetic
    X, Y = X.iloc[:120].reset_index(drop=True), Y.iloc[:120].reset_index(drop=True).copy()
    Y["never"] = 0
    Y["once"] = 0
    Y.loc[5, "once"] = 1
    Y["twice"] = 0
    Y.loc[[7, 9], "twice"] = 1
    Y["always"] = 1
    Y["all_but_one"] = 1
    Y.loc[3, "all_but_one"] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no convergence or runtime warnings either
        model = CodeSuggester().fit(X, Y)
        proba = model.predict_proba(X)
    kinds = dict(zip(model.classes_, model.model_kinds_, strict=True))
    assert kinds["never"] == "constant" and kinds["always"] == "constant"
    assert kinds["once"] == "exemplar" and kinds["twice"] == "exemplar"
    assert kinds["all_but_one"] == "logistic"
    assert np.isfinite(proba).all() and ((proba >= 0) & (proba <= 1)).all()
    j = list(model.classes_)
    assert proba[:, j.index("never")].max() < 0.05
    assert proba[:, j.index("always")].min() > 0.95
    assert proba[:, j.index("once")].max() < 0.9  # one coding never makes a confident suggestion


def test_single_segment_and_single_code():
    model = CodeSuggester().fit(["the driver was lovely"], pd.DataFrame({"driver": [1]}))
    assert model.predict_proba(["anything"]).shape == (1, 1)


def test_missing_labels_are_not_judged(synthetic):
    X, Y = synthetic
    X, Y = X.iloc[:150].reset_index(drop=True), Y.iloc[:150].astype(float).reset_index(drop=True)
    Y.iloc[100:, 1:] = np.nan  # only the first code judged on the last 50 segments
    model = CodeSuggester().fit(X, Y)
    assert model.n_positives_[0] == int(Y.iloc[:, 0].sum())
    assert np.isfinite(model.predict_proba(X.iloc[:5])).all()


# ------------------------------------------------------------------ calibration
def test_calibration_matches_sklearn_calibrated_classifier_cv(synthetic):
    """Our cross-validated Platt scaling gives CalibratedClassifierCV's probabilities."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    from elc.suggest.calibration import fit_calibrated_svm
    from elc.suggest.features import SegmentFeaturizer

    X, Y = synthetic
    Z = SegmentFeaturizer().fit_transform(X)
    y = Y["escort"].to_numpy()
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(Z, y))
    ours, oof = fit_calibrated_svm(Z, y, splits, C=0.5, class_weight="balanced", tol=1e-4, random_state=0)
    ref = CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced", tol=1e-4, random_state=0),
                                 method="sigmoid", cv=splits, ensemble=True).fit(Z, y)
    np.testing.assert_allclose(ours.predict_proba(Z), ref.predict_proba(Z), atol=1e-3)
    for (_, test), fold in zip(splits, ref.calibrated_classifiers_, strict=True):
        np.testing.assert_allclose(oof[test], fold.predict_proba(Z[test])[:, 1], atol=1e-3)


def test_parallel_fit_agrees_with_sequential(synthetic):
    X, Y = synthetic
    seq = CodeSuggester().fit(X.iloc[:300], Y.iloc[:300]).predict_proba(X.iloc[300:350])
    par = CodeSuggester(n_jobs=2).fit(X.iloc[:300], Y.iloc[:300]).predict_proba(X.iloc[300:350])
    np.testing.assert_allclose(par, seq, atol=0.02)


def test_cold_start_on_an_empty_project(nepts_codes):
    empty = pd.DataFrame(columns=["text", "lemmas", "question", "community"])
    model = CodeSuggester(code_descriptions=nepts_codes).fit(empty, None)
    proba = model.predict_proba(["the driver was lovely and chatted all the way"])
    assert model.classes_[proba.argmax()] == "Relationship with crew (driver)"
    assert model.predict_proba(empty).shape == (0, len(nepts_codes))
