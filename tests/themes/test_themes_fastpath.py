"""The fast paths of the themes embeddings: the same vectors as the reference encoder,
deterministic, and caches that are never stale."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from elc.themes import minilm, static

needs_model = pytest.mark.skipif(not minilm.available(), reason="requirements/embedding.txt is not installed")
SAMPLE = Path(minilm.__file__).resolve().parents[1] / "data" / "corpora" / "llr-nepts"


def sample_sentences(n: int = 300) -> list[str]:
    """Participant sentences of the bundled sample interviews (plain-text ones), in file order."""
    out: list[str] = []
    for path in sorted(SAMPLE.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            head, sep, text = line.partition(": ")
            if not sep or head.lower().startswith("interviewer"):
                continue
            out.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 3)
    return out[:n]


@pytest.fixture(scope="module")
def sentences():
    s = sample_sentences()
    assert len(s) == 300
    return s


@needs_model
def test_fast_path_matches_the_reference_encoder(sentences):
    enc = minilm.load_encoder()
    ids = enc.token_ids(sentences)
    assert len({len(i) for i in ids}) > 20  # many lengths: many buckets, ragged batches in the reference
    fast = enc.encode_ids(ids)
    ref = enc.encode_ids_reference(ids)
    cos = (fast * ref).sum(axis=1)
    assert cos.min() >= 0.999
    assert np.abs(fast - ref).max() < 1e-3


@needs_model
def test_fast_path_is_deterministic_across_threads_and_batch_sizes(sentences):
    enc = minilm.MiniLMEncoder(threads=2)
    one = minilm.MiniLMEncoder(threads=1, batch_tokens=256)
    a = enc.encode(sentences)
    np.testing.assert_array_equal(a, enc.encode(sentences))  # same call, same bits
    np.testing.assert_allclose(a, one.encode(sentences), atol=1e-5)  # other batching: same vectors
    np.testing.assert_allclose(enc.encode(sentences[::-1])[::-1], a, atol=1e-5)  # input order


@needs_model
def test_reference_mode_encodes_through_the_reference_path(sentences, monkeypatch):
    few = sentences[:40]
    ref = minilm.MiniLMEncoder(reference=True)
    np.testing.assert_array_equal(ref.encode(few), ref.encode_ids_reference(ref.token_ids(few)))
    monkeypatch.setenv("ELC_MINILM_REFERENCE", "1")
    assert minilm.MiniLMEncoder().reference and not minilm.MiniLMEncoder(reference=False).reference


@needs_model
def test_batches_hold_one_length_each_and_cover_every_row():
    enc = minilm.MiniLMEncoder(batch_tokens=64)
    lengths = np.array([5, 3, 5, 0, 40, 3, 3, 100, 5])
    batches = enc.batches(lengths)
    rows = np.concatenate(batches)
    assert sorted(rows.tolist()) == [0, 1, 2, 4, 5, 6, 7, 8]  # the empty sequence is left out
    for b in batches:
        assert len(set(lengths[b].tolist())) == 1
        assert len(b) == 1 or len(b) * lengths[b[0]] <= 64


class _FakeEncoder:
    """Enough of MiniLMEncoder for the static table: a vocabulary and deterministic vectors."""

    def __init__(self, path: Path, n: int = 1100, d: int = 24):
        self.path = path
        self.word = np.zeros((n, d), np.float32)
        self.calls = 0

        class _Tok:
            def get_vocab(self):
                return {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103,
                        **{f"w{i}": i for i in range(999, n)}}

        self.tokenizer = _Tok()

    def encode_ids(self, seqs):
        self.calls += 1
        ids = np.array([s[1] for s in seqs])
        rng = np.random.default_rng(7)
        basis = rng.standard_normal((self.word.shape[0], self.word.shape[1]))
        return basis[ids].astype(np.float32)


@pytest.fixture
def fake_model(model_folder):
    return _FakeEncoder(model_folder)


def test_static_table_is_distilled_once_then_read_from_the_cache(fake_model):
    table, info = static.load_table(fake_model, dims=8)
    assert not info["cached"] and fake_model.calls == 1
    assert table.shape == (1100, 8) and table.dtype == np.float32
    assert not table[:999].any() and not table[100:104].any()  # specials and unused ids carry nothing
    again, info2 = static.load_table(fake_model, dims=8)
    assert info2["cached"] and fake_model.calls == 1
    np.testing.assert_array_equal(table, again)


def test_static_cache_is_invalidated_by_new_weights_settings_or_a_damaged_file(fake_model, tmp_path):
    _, first = static.load_table(fake_model, dims=8)
    (fake_model.path / "model.safetensors").write_bytes(b"weights v2")  # new weights: new key
    _, info = static.load_table(fake_model, dims=8)
    assert not info["cached"] and info["key"] != first["key"] and fake_model.calls == 2
    _, info = static.load_table(fake_model, dims=6)  # other settings: new key
    assert not info["cached"] and fake_model.calls == 3
    damaged = tmp_path / "cache" / "static-minilm" / f"{info['key']}.npy"
    damaged.write_bytes(b"not an array")
    table, info = static.load_table(fake_model, dims=6)
    assert not info["cached"] and table.shape == (1100, 6) and fake_model.calls == 4


def test_static_distillation_is_deterministic(fake_model, monkeypatch):
    monkeypatch.setenv("ELC_EMBEDDING_CACHE", "0")
    a, info = static.load_table(fake_model, dims=8)
    b, _ = static.load_table(fake_model, dims=8)
    assert not info["cached"] and fake_model.calls == 2
    np.testing.assert_array_equal(a, b)
