"""ValenceClassifier: lexicon cold start, learning, API."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone

from elc.suggest import ValenceClassifier
from elc.suggest.valence import lexicon_scores

OBVIOUS = {
    "The driver was lovely and so helpful": "working-well",
    "We waited four hours and nobody told us anything": "to-improve",
    "It would be nice if they rang ahead to say they were coming": "to-improve",
    "I go to the clinic on Tuesdays": "neutral",
    "They were never late, not once": "working-well",
    "The crew were not very helpful at all": "to-improve",
    "Honestly nothing to improve, they were great": "working-well",
}


def test_cold_start_lexicon():
    X = pd.DataFrame({"text": list(OBVIOUS)})
    model = ValenceClassifier().fit(X)  # no labels
    assert list(model.classes_) == ["working-well", "to-improve", "neutral"]
    assert list(model.predict(X)) == list(OBVIOUS.values())
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_negation_and_question_context():
    s = lexicon_scores(["not late", "not helpful", "it was fine"],
                       ["", "", "What could we improve about the transport service?"])
    assert s[0, 0] == 1 and s[0, 1] == 0  # "not late" praises
    assert s[1, 1] == 1 and s[1, 0] == 0  # "not helpful" complains
    assert s[2, 4] == 1  # the question asks for improvements


def test_learns_domain_words_beyond_the_lexicon():
    rng = np.random.default_rng(0)
    good = ["the transport was spiffing", "spiffing service again", "all spiffing as usual"]
    bad = ["the transport was shambolic", "shambolic service again", "shambolic as usual"]
    neutral = ["I travel on a Monday", "my clinic is in town", "it is a forty minute drive"]
    texts, labels = [], []
    for _ in range(20):
        for group, label in ((good, "working-well"), (bad, "to-improve"), (neutral, "neutral")):
            texts.append(group[rng.integers(3)])
            labels.append(label)
    model = ValenceClassifier(prior_strength=10).fit(pd.DataFrame({"text": texts}), labels)
    assert list(model.predict(["spiffing again", "shambolic again"])) == ["working-well", "to-improve"]
    assert 0 < model.lexicon_weight_ < 0.3
    assert model.fit(texts, labels) is model
    assert clone(model).get_params() == model.get_params()


def test_one_class_and_unlabelled_entries():
    texts = ["great", "lovely", "ok", "what"]
    model = ValenceClassifier().fit(texts, ["working-well", "working-well", None, ""])
    assert model.n_samples_fit_ == 2 and model.model_ is None
    proba = model.predict_proba(["I go on Tuesdays"])
    assert proba.shape == (1, 3) and np.isclose(proba.sum(), 1)


def test_unknown_valence_is_an_error():
    import pytest

    with pytest.raises(ValueError, match="unknown valence"):
        ValenceClassifier().fit(["a", "b"], ["good", "bad"])
