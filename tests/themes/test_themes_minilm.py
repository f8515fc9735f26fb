"""The NumPy all-MiniLM-L6-v2 encoder: the published model's outputs, determinism, errors."""

from __future__ import annotations

import numpy as np
import pytest

from elc.themes import ThemesError, minilm

needs_model = pytest.mark.skipif(not minilm.available(), reason="requirements/embedding.txt is not installed")


@needs_model
def test_encoder_reproduces_the_published_similarities():
    # sentence-transformers' README shows these cosine similarities for all-MiniLM-L6-v2:
    # [[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]]
    v = minilm.load_encoder().encode(["The weather is lovely today.", "It's so sunny outside!",
                                      "He drove to the stadium."])
    assert v.shape == (3, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sims = v @ v.T
    np.testing.assert_allclose([sims[0, 1], sims[0, 2], sims[1, 2]], [0.6660, 0.1046, 0.1411], atol=5e-4)


@needs_model
def test_meaning_not_shared_words():
    e = minilm.load_encoder()
    wait, slow, phone = e.encode(["I waited hours for the ambulance to take me home.",
                                  "The transport back took ages to arrive.",
                                  "The booking phone line was engaged all morning."])
    # no word in common with either, yet the late journey home is nearer the long wait
    assert wait @ slow > wait @ phone + 0.05


@needs_model
def test_batching_and_padding_do_not_change_an_embedding():
    e = minilm.load_encoder()
    texts = ["Short.", "A much longer sentence about the discharge lounge and the wait for transport home.",
             "Mid length one about the driver."]
    together = e.encode(texts)
    alone = np.stack([e.encode([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_array_equal(e.encode(texts), together)  # deterministic


@needs_model
def test_odd_text_embeds_without_error():
    v = minilm.load_encoder().encode(["", "broken \ud800 surrogate", "emoji 🚑 and Ünïcödé", "x" * 50_000])
    assert v.shape == (4, 384) and np.isfinite(v).all()


@needs_model
def test_long_text_is_cut_at_the_model_limit():
    e = minilm.load_encoder()
    ids = e.token_ids(["word " * 1000])[0]
    assert len(ids) == minilm.MAX_TOKENS
    assert e.encode(["word " * 1000]).shape == (1, 384)


def test_a_broken_weights_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "model.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all}")
    with pytest.raises(ThemesError, match="not a safetensors file"):
        minilm.read_safetensors(bad)
    bad.write_bytes(b"abc")
    with pytest.raises(ThemesError, match="too short"):
        minilm.read_safetensors(bad)


def test_missing_model_folder_is_one_clear_error(tmp_path):
    with pytest.raises(ThemesError, match="cannot read the embedding model"):
        minilm.MiniLMEncoder(tmp_path)
