"""The static embedding's recipes (elc.themes.static.Recipe): parsing, cache keys, the input
layer, all dimensions, corpus SIF weights and common component removal. Fake model, no
distillation of the real one (that takes minutes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from elc.themes import ThemesError, static


class _Encoding:
    def __init__(self, ids):
        self.ids = ids


class _Tok:
    """Whitespace tokenizer over w999.. names: 'w1000 w1001' -> [1000, 1001]."""

    def get_vocab(self):
        return {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103,
                **{f"w{i}": i for i in range(999, 1100)}}

    def encode_batch(self, texts, add_special_tokens=False):
        return [_Encoding([int(w[1:]) for w in t.split()]) for t in texts]


class _Enc:
    def __init__(self, path: Path, n: int = 1100, d: int = 16):
        rng = np.random.default_rng(3)
        self.path = path
        self.word = rng.standard_normal((n, d)).astype(np.float32)
        self.pos = rng.standard_normal((8, d)).astype(np.float32)
        self.type0 = rng.standard_normal(d).astype(np.float32)
        self.ln_w, self.ln_b = np.ones(d, np.float32), np.zeros(d, np.float32)
        self.tokenizer = _Tok()
        self.calls = 0

    def encode_ids(self, seqs):
        self.calls += 1
        return np.tanh(self.word[[s[1] for s in seqs]] * 2.0)


@pytest.fixture
def enc(model_folder):
    return _Enc(model_folder)


def test_recipe_parse_reads_settings_and_rejects_bad_ones():
    assert static.Recipe.parse("") == static.DEFAULT
    r = static.Recipe.parse("dims=0, weight=corpus ,pc=1,source=input,corpus_sif=0.01")
    assert (r.dims, r.weight, r.remove_pc, r.source, r.corpus_sif) == (0, "corpus", True, "input", 0.01)
    for bad, words in (("size=3", "unknown setting 'size'"), ("dims=many", "not a number"),
                       ("source=hidden", "not valid"), ("weight=idf", "not valid"), ("dims=-1", "not valid")):
        with pytest.raises(ThemesError, match=words):
            static.Recipe.parse(bad)


def test_cache_key_follows_table_settings_only(enc):
    key = static.table_key(enc.path, recipe=static.DEFAULT)
    assert key == static.table_key(enc.path)  # the default recipe
    assert key == static.table_key(enc.path, recipe=static.Recipe(remove_pc=True))  # pooling only
    assert key != static.table_key(enc.path, recipe=static.Recipe(dims=0))
    assert key != static.table_key(enc.path, recipe=static.Recipe(source="input"))
    corpus = static.table_key(enc.path, recipe=static.Recipe(weight="corpus"))
    assert corpus != key and corpus == static.table_key(enc.path, recipe=static.Recipe(weight="none"))


def test_all_dimensions_and_the_input_layer(enc):
    full, _ = static.load_table(enc, recipe=static.Recipe(dims=0, weight="none"))
    assert full.shape == (1100, 16) and enc.calls == 1
    live = static.live_rows(enc)
    want = np.tanh(enc.word * 2.0).astype(np.float64)
    np.testing.assert_allclose(full[live], (want - want[live].mean(axis=0))[live], atol=1e-5)
    assert not full[~live].any()
    inp, _ = static.load_table(enc, recipe=static.Recipe(source="input", dims=8))
    assert inp.shape == (1100, 8) and enc.calls == 1  # the input layer needs no transformer pass
    x = enc.word + enc.pos[1] + enc.type0
    x = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + 1e-12)
    np.testing.assert_allclose(static.raw_vectors(enc, "input"), x, atol=1e-4)


def test_mean_pooling_matches_the_plain_mean_and_empty_text_is_zero(enc):
    table = np.random.default_rng(5).standard_normal((1100, 6)).astype(np.float32)
    out = static.StaticEncoder(table, enc.tokenizer, static.Recipe(weight="none")).encode(
        ["w1000 w1001 w1001", "", "w1050"])
    want = table[[1000, 1001, 1001]].mean(axis=0)
    np.testing.assert_allclose(out[0], want / np.linalg.norm(want), atol=1e-6)
    assert not out[1].any()
    np.testing.assert_allclose(out[2], table[1050] / np.linalg.norm(table[1050]), atol=1e-6)


def test_corpus_sif_weights_down_the_word_pieces_the_texts_repeat(enc):
    table = np.zeros((1100, 2), np.float32)
    table[1000] = [1, 0]  # in every text
    table[1001] = [0, 1]  # in one
    texts = ["w1000 w1001"] + ["w1000 w1002"] * 50
    plain = static.StaticEncoder(table, enc.tokenizer, static.Recipe(weight="none")).encode(texts)
    sif = static.StaticEncoder(table, enc.tokenizer, static.Recipe(weight="corpus", corpus_sif=1e-3)).encode(texts)
    np.testing.assert_allclose(plain[0], [2 ** -0.5, 2 ** -0.5], atol=1e-6)
    assert sif[0, 1] > 0.95  # the rare piece dominates
    a = 1e-3
    p = np.array([51, 1]) / 102
    w = a / (a + p)
    np.testing.assert_allclose(sif[0], w / np.linalg.norm(w), atol=1e-6)


def test_common_component_removal_leaves_vectors_orthogonal_to_it(enc):
    rng = np.random.default_rng(9)
    table = (rng.standard_normal((1100, 6)) + np.array([5, 0, 0, 0, 0, 0])).astype(np.float32)
    texts = [" ".join(f"w{i}" for i in rng.integers(999, 1100, 4)) for _ in range(200)]
    plain = static.StaticEncoder(table, enc.tokenizer, static.Recipe(weight="none")).encode(texts)
    removed = static.StaticEncoder(table, enc.tokenizer, static.Recipe(weight="none", remove_pc=True)).encode(texts)
    raw = static.StaticEncoder(table, enc.tokenizer, static.Recipe(weight="none")).encode(texts)
    u = np.linalg.svd(raw.astype(np.float64), full_matrices=False)[2][0]
    assert np.abs(plain @ u).mean() > 0.9  # the shared direction dominates before
    assert np.abs(removed @ u).max() < 0.05  # and is gone after
    again = static.StaticEncoder(table, enc.tokenizer, static.Recipe(weight="none", remove_pc=True)).encode(texts)
    np.testing.assert_array_equal(removed, again)


def test_load_static_reads_the_recipe_from_the_environment(monkeypatch):
    from elc.themes import minilm

    seen = []
    monkeypatch.setattr(minilm, "available", lambda: True)
    monkeypatch.setattr(minilm, "load_encoder", lambda: type("E", (), {"tokenizer": _Tok()})())
    monkeypatch.setattr(static, "load_table", lambda e, recipe: (seen.append(recipe) or np.zeros((3, 2), np.float32),
                                                                {"cached": True}))
    static.load_static.cache_clear()
    monkeypatch.setenv("ELC_STATIC_RECIPE", "dims=0,pc=1")
    try:
        enc = static.load_static()
        assert enc.recipe == static.Recipe(dims=0, remove_pc=True) and seen == [enc.recipe]
        monkeypatch.setenv("ELC_STATIC_RECIPE", "weight=bogus")
        static.load_static.cache_clear()
        with pytest.raises(ThemesError, match="not valid"):
            static.load_static()
    finally:
        static.load_static.cache_clear()
