"""Fixtures for the themes tests (corpora in ``_themes_corpus``)."""

from __future__ import annotations

import os
import tempfile

import pandas as pd
import pytest
from _themes_corpus import make_corpus

# Encoder embeddings are cached on disk between runs; the tests keep theirs in a fresh folder.
os.environ["ELC_CACHE_DIR"] = tempfile.mkdtemp(prefix="elc-themes-tests-")


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    return make_corpus()


@pytest.fixture(scope="session")
def fitted(corpus):
    from elc.themes import ThemeModel

    return ThemeModel().fit(corpus)


@pytest.fixture
def model_folder(tmp_path, monkeypatch):
    """A stand-in model folder (weights and tokenizer files whose bytes key the static cache)
    and a fresh cache folder for it: for the static-table tests' fake encoders."""
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights v1")
    (folder / "tokenizer.json").write_text("{}")
    monkeypatch.setenv("ELC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ELC_EMBEDDING_CACHE", raising=False)
    return folder
