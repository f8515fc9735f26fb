"""scikit-learn's estimator checks, and the same contracts on the text input these estimators take.

``parametrize_with_checks`` runs every check that applies. The suggestion estimators take a
DataFrame of segments (text columns) and declare it in their tags (``two_d_array=False``,
``string=True``), so scikit-learn runs its API checks on them (tags, cloning, parameters) and
skips the checks that feed random numeric arrays, which do not apply. Those checks' contracts
are then asserted below on text data: fit returns self and leaves parameters alone, refits are
idempotent, predictions survive pickling and do not depend on row order or on which other rows
are predicted with them, and an unfitted estimator raises ``NotFittedError``.

Not run through the checks, with reasons:

* ``ExemplarPrior`` is an internal part of ``CodeSuggester`` (the few-shot fallback): it is
  fitted on CodeSuggester's feature matrix with a required 2-D 0/1 label matrix (one column per
  code), which the generic checks never pass (they pass a 1-D ``y``); it is exercised through
  CodeSuggester here and in test_suggest_model.py.

``DescriptionPrior`` (the cold-start part) needs ``code_descriptions``; it is checked with the
sample codebook's touchpoints.
"""

from __future__ import annotations

import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError, SkipTestWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from elc.suggest import CodeSuggester, DescriptionPrior, SegmentFeaturizer, ValenceClassifier
from elc.suggest.baseline import TfidfSVCBaseline
from tests.suggest.conftest import NEPTS_CODES, make_synthetic

with warnings.catch_warnings():  # sklearn warns that it skips the numeric-input checks (see above)
    warnings.simplefilter("ignore", SkipTestWarning)
    _CHECKS = parametrize_with_checks([CodeSuggester(), TfidfSVCBaseline(), ValenceClassifier(), SegmentFeaturizer(),
                                       DescriptionPrior(code_descriptions=NEPTS_CODES, nlp=False)])


@_CHECKS
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def _data():
    X, Y = make_synthetic(120, seed=3)
    valence = np.where(Y["booking"] == 1, "to-improve", np.where(Y["driver"] == 1, "working-well", "neutral"))
    return X, Y, valence


def _cases():
    X, Y, valence = _data()
    yield "CodeSuggester", CodeSuggester(), Y, lambda m, Z: m.predict_proba(Z)
    yield "TfidfSVCBaseline", TfidfSVCBaseline(), Y, lambda m, Z: m.decision_function(Z)
    yield "ValenceClassifier", ValenceClassifier(), valence, lambda m, Z: m.predict_proba(Z)
    yield "SegmentFeaturizer", SegmentFeaturizer(), None, lambda m, Z: m.transform(Z).toarray()
    yield ("DescriptionPrior", DescriptionPrior(code_descriptions=NEPTS_CODES, nlp=False), None,
           lambda m, Z: m.predict_proba(Z))


@pytest.mark.parametrize("name,estimator,y,out", list(_cases()), ids=[c[0] for c in _cases()])
def test_contracts_on_text(name, estimator, y, out):
    X, _, _ = _data()
    with pytest.raises(NotFittedError):
        out(estimator, X)
    params = joblib.hash(estimator.get_params())
    model = clone(estimator)
    assert model.fit(X, y) is model                                   # check_estimators_fit_returns_self
    assert joblib.hash(model.get_params()) == params                   # check_dont_overwrite_parameters
    first = out(model, X)
    assert np.allclose(out(clone(estimator).fit(X, y), X), first)     # check_fit_idempotent
    assert np.allclose(out(pickle.loads(pickle.dumps(model)), X), first)  # check_estimators_pickle
    order = np.random.default_rng(0).permutation(len(X))
    assert np.allclose(out(model, X.iloc[order]), first[order])        # check_methods_sample_order_invariance
    assert np.allclose(out(model, X.iloc[10:20]), first[10:20])        # check_methods_subset_invariance
    assert out(model, X.iloc[:0]).shape[0] == 0
