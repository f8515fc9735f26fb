"""Importing elc.themes (and fitting the default model) never imports torch."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

HEAVY = ("torch", "sentence_transformers", "transformers", "textual")


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


def test_import_is_light_and_torch_free():
    loaded = _run(f"""
        import sys
        import elc.themes
        print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY + ('bertopic', 'umap', 'hdbscan')!r}))
    """)
    assert loaded == "[]"


def test_fitting_the_default_model_does_not_import_torch():
    loaded = _run(f"""
        import sys
        import pandas as pd
        from elc.themes import ThemeModel, write_html_report
        texts = ["the booking line kept me on hold", "on hold to book transport by phone",
                 "the booking phone line is slow", "the driver was kind and friendly",
                 "friendly driver and kind crew", "the crew were kind to my mum",
                 "waited hours to go home", "hours waiting for transport home", "waiting home after clinic"]
        df = pd.DataFrame({{"segment_id": range(9), "text": texts}})
        ThemeModel().fit(df)
        print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))
    """)
    assert loaded == "[]"


def test_local_transformer_without_package_gives_clear_error(tmp_path):
    pytest.importorskip("bertopic")
    from elc.themes import ThemesError, make_embedder

    try:
        import sentence_transformers  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(ThemesError, match=r"elc\[transformers\]"):
            make_embedder(tmp_path)
    else:  # pragma: no cover - only where the extra is installed
        pytest.skip("sentence-transformers is installed here")
    with pytest.raises(ThemesError, match="never downloads"):
        make_embedder("all-MiniLM-L6-v2")


def test_default_embedder_is_hybrid_and_tfidf_is_the_fallback():
    from bertopic.backend import BaseEmbedder

    from elc.themes import make_embedder, minilm
    from elc.themes.embedding import HybridEmbedder, MiniLMEmbedder, TfidfSvdEmbedder

    if minilm.available():
        assert isinstance(make_embedder(), HybridEmbedder) and isinstance(make_embedder(), BaseEmbedder)
        assert isinstance(make_embedder("minilm"), MiniLMEmbedder)
    else:  # pragma: no cover - only where requirements/embedding.txt is not installed
        assert isinstance(make_embedder(), TfidfSvdEmbedder)
    emb = make_embedder("tfidf-svd")
    assert isinstance(emb, BaseEmbedder) and isinstance(emb, TfidfSvdEmbedder)
    vectors = emb.fit(["kind driver", "friendly crew", "booking line hold", "phone hold booking"]).embed(
        ["kind driver", "booking hold"])
    assert vectors.shape[0] == 2
    assert abs(float((vectors[0] ** 2).sum()) - 1.0) < 1e-5
