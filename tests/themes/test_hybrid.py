"""The default embedding (elc.themes.hybrid): static MiniLM joined with TF-IDF/SVD of lemmas.

The blend's algebra is checked with a fake static encoder (fast, no distillation); the last
tests fit the real default model on the themes corpus."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from elc.themes import ThemesError, minilm, static
from elc.themes.embedding import HybridEmbedder, make_embedder

needs_model = pytest.mark.skipif(not minilm.available(), reason="requirements/embedding.txt is not installed")

PAIRS = [
    ("The driver was late again.", "driver late"),
    ("Transport came late, two hours after my appointment.", "transport come late hour appointment"),
    ("The booking line kept me on hold.", "booking line keep hold"),
    ("I was on hold to the booking line for an hour.", "hold booking line hour"),
    ("The crew were kind and helpful.", "crew kind helpful"),
    ("Lovely kind drivers who helped me in.", "lovely kind driver help"),
    ("Nobody told us the discharge lounge closes at six.", "tell discharge lounge close"),
    ("We sat in the discharge lounge all afternoon.", "sit discharge lounge afternoon"),
]


class _FakeStatic:
    """Unit vectors from a hash of the text: deterministic, 12 dimensions."""

    dims = 12

    def encode(self, texts):
        out = []
        for t in texts:
            seed = int(hashlib.sha1(t.encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).standard_normal(self.dims)
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


@pytest.fixture
def fake_static(monkeypatch):
    monkeypatch.setattr(static, "load_static", lambda recipe=None: _FakeStatic())


def _cos(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_cosine_is_the_stated_blend_of_meaning_and_wording(fake_static):
    emb = make_embedder("hybrid:minilm-static", lexical_weight=0.35).fit(PAIRS)
    joined = emb.embed(PAIRS)
    semantic = _FakeStatic().encode([t for t, _ in PAIRS])
    lexical = emb.lexical_.embed([lem for _, lem in PAIRS])
    assert joined.shape == (len(PAIRS), 12 + emb.lexical_dims) and emb.lexical_dims >= 2
    assert np.allclose(np.linalg.norm(joined, axis=1), 1.0, atol=1e-5)
    w2 = 0.35 ** 2
    for i in range(len(PAIRS)):
        for j in range(len(PAIRS)):
            want = (_cos(semantic[i], semantic[j]) + w2 * float(lexical[i] @ lexical[j])) / (1 + w2)
            assert _cos(joined[i], joined[j]) == pytest.approx(want, abs=1e-5)


def test_a_plain_string_is_placed_by_meaning_only(fake_static):
    emb = make_embedder("hybrid:minilm-static").fit(PAIRS)
    vec = emb.embed(["discharge lounge"])[0]
    k = emb.lexical_dims
    assert np.all(vec[-k:] == 0.0)
    assert np.allclose(vec[:-k], _FakeStatic().encode(["discharge lounge"])[0], atol=1e-6)
    # a pair and a string of the same text share their meaning half (up to the normalisation)
    both = emb.embed([PAIRS[6], PAIRS[6][0]])
    assert _cos(both[0][:-k], both[1][:-k]) == pytest.approx(1.0, abs=1e-6)


def test_weight_zero_and_a_corpus_too_small_for_lsa_give_meaning_alone(fake_static):
    only = make_embedder("hybrid:static", lexical_weight=0.0).fit(PAIRS)
    assert only.lexical_dims == 0 and only.embed(PAIRS).shape == (len(PAIRS), 12)
    tiny = make_embedder("hybrid:static").fit([("Hold.", "hold")])  # one word: no SVD possible
    assert tiny.lexical_dims == 0 and tiny.embed([("Hold.", "hold")]).shape == (1, 12)


def test_bad_settings_are_one_clear_error():
    with pytest.raises(ThemesError, match="lexical_weight"):
        make_embedder("hybrid", lexical_weight=-1)
    with pytest.raises(ThemesError, match="semantic must be one of"):
        make_embedder("hybrid", semantic="bert")


@needs_model
def test_auto_runs_the_transformer_within_its_budget_and_the_static_table_above(fake_static):
    small = make_embedder("hybrid").fit(PAIRS)
    assert small.semantic_ == "minilm" and small.name == "hybrid:minilm"
    assert 0 < small.word_pieces_ < 200
    from elc.themes import minilm as m

    want = m.load_encoder().encode([t for t, _ in PAIRS])
    k = small.lexical_dims
    got = small.embed(PAIRS)[:, :-k]
    assert np.allclose(got / np.linalg.norm(got, axis=1, keepdims=True), want, atol=1e-5)
    large = make_embedder("hybrid", transformer_budget=small.word_pieces_ - 1).fit(PAIRS)
    assert large.semantic_ == "static" and large.name == "hybrid:minilm-static"
    assert np.allclose(large.embed(["x"])[0][:12], _FakeStatic().encode(["x"])[0], atol=1e-6)
    fixed = make_embedder("hybrid:minilm", transformer_budget=1).fit(PAIRS)  # a fixed half ignores the budget
    assert fixed.semantic_ == "minilm"


def test_deterministic(fake_static):
    a = make_embedder("hybrid:static", random_state=7).fit(PAIRS).embed(PAIRS)
    b = make_embedder("hybrid:static", random_state=7).fit(list(PAIRS)).embed(PAIRS)
    assert np.array_equal(a, b)


@needs_model
def test_default_model_fits_with_the_hybrid_and_labels_phrases_by_meaning(fitted, corpus):
    assert isinstance(make_embedder(), HybridEmbedder)
    assert fitted.info_["embedder"] == "hybrid:minilm"  # a small corpus: the whole transformer
    assert fitted.info_["embedding_dims"] > 384  # meaning and wording halves
    assert fitted._phrase_embedder() is not None
    labels = fitted.themes_.loc[~fitted.themes_["is_outlier"], "label"].tolist()
    assert labels and all(isinstance(x, str) and x for x in labels)


def test_every_embedder_name_has_a_description_people_can_read():
    from elc.themes.embedding import describe_embedder

    for name in ("hybrid", "hybrid:minilm", "hybrid:minilm-static", "minilm", "minilm-static", "tfidf-svd"):
        assert "meaning" in describe_embedder(name) or "wording" in describe_embedder(name)
    assert describe_embedder("sentence-transformers:my-model") == "sentence-transformers:my-model"
    assert describe_embedder(None) == "unknown"
