"""A sentence keeps its own full stop: the tagger ending "No" before its "." must not start the next
sentence with ". She never went home." (seen on the Home First sample, P03)."""

import pytest

from elc.ingest.sentences import _sentence_spans
from elc.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.mark.parametrize("text, want", [
    ("No. She never went home. They kept her in.", ["No.", "She never went home.", "They kept her in."]),
    ("No. Right, so what happened next?", ["No.", "Right, so what happened next?"]),
    ("Yes. It was fine.", ["Yes.", "It was fine."]),
])
def test_closing_punctuation_stays_with_its_sentence(nlp, text, want):
    spans = _sentence_spans(nlp(text), text, None)
    assert [text[a:b] for _, a, b in spans] == want
    assert not any(text[a] in ".!?;:," for _, a, _ in spans)
