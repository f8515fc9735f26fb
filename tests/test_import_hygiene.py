"""The core never imports textual; heavy libraries load lazily so `elc --help` stays fast."""

import subprocess
import sys

CORE = ["elc", "elc.store", "elc.guides", "elc.ingest", "elc.coding", "elc.insights.status", "elc.nlp",
        "elc.deid", "elc.suggest", "elc.themes", "elc.export", "elc.exchange.refi", "elc.insights"]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_never_imports_textual():
    code = "\n".join(f"import importlib; importlib.import_module({m!r})" for m in CORE)
    loaded = _modules_after(code)
    assert "textual" not in loaded
    assert "torch" not in loaded and "sentence_transformers" not in loaded


def test_cli_start_is_light():
    loaded = _modules_after("import elc.cli")
    for heavy in ("spacy", "pandas", "sklearn", "bertopic", "textual", "umap", "torch"):
        assert heavy not in loaded, heavy
