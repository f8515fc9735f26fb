"""The default theme embedding: what a segment means and the words it uses, together.

A segment's vector joins two unit vectors, a *semantic* half (meaning: "the driver was late"
sits near "transport came late") and a *lexical* half, the TF-IDF/SVD embedding of its lemmas
(the service's own words, "discharge lounge", "escort"), scaled by ``lexical_weight``; the
joined vector is L2-normalised. The cosine of two segments is then a fixed blend,

    (semantic cosine + w**2 * lexical cosine) / (1 + w**2),

about nine parts meaning to one part wording at the default ``w = 0.35``.

The semantic half is all-MiniLM-L6-v2 in one of two forms, chosen by the corpus' size in word
pieces (what the transformer's cost grows with): up to ``transformer_budget`` (100,000, some
15 s on two cores) the whole transformer runs on every segment (:mod:`elc.themes.minilm`);
above it, the static table distilled once from the same transformer (:mod:`elc.themes.static`),
which costs almost nothing per segment. ``semantic="minilm"`` or ``"static"`` fixes the choice;
the name (``hybrid:minilm`` or ``hybrid:minilm-static``) records which was used.

Why, measured on the NHS feedback benchmark (``bench/themes.py``; AMI with the human labels,
as a ratio to the TF-IDF route's, same script):

* 19,042 clauses (159,000 word pieces), ten seeds: static + lexical 1.37x (every seed
  1.30-1.46x) in 0.99x the TF-IDF route's time; the static half alone 1.29x; the whole
  transformer alone 1.28x (three seeds) at 1.7x the time, with the lexical half 1.29x.
* 2,000 comments (30,000 word pieces), ten seeds: transformer + lexical 1.35x (every seed
  1.28-1.42x) in 0.91x the TF-IDF route's time; the transformer alone 1.33x (three seeds);
  the static half collapses there (2-3 themes, 1.07x; with the lexical half 1.13x), which is
  why small corpora get the transformer.

The weight was chosen on the 19,042 clauses: in a screening, w = 0.35, 0.5, 0.7 and 1.0 gave
1.39x, 1.38x, 1.33x and 1.26x (ten, four, six and four seeds); at 2,000 comments 0.35 and 0.5
gave 1.34x and 1.33x (three seeds).

Inputs are ``(text, lemmas)`` pairs (:attr:`input_kind` ``"text+lemmas"``; the theme model
passes both). A plain string (BERTopic's seed words, a phrase being ranked for a label) is
placed by meaning only: its lexical half is zero, so words the corpus never used do not
distort it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from elc.themes._errors import ThemesError

if TYPE_CHECKING:
    from elc.themes.embedding import _TfidfSvdCore

LEXICAL_WEIGHT = 0.35
#: Corpora of up to this many word pieces get the whole transformer as their semantic half.
TRANSFORMER_BUDGET = 100_000
SEMANTIC = ("auto", "minilm", "static")


class _HybridCore:
    """Semantic MiniLM (meaning) joined with TF-IDF/SVD of lemmas (wording); see the module doc.

    Parameters
    ----------
    lexical_weight : float
        Scale of the lexical half before the joined vector is normalised (0 = meaning only).
    semantic : {"auto", "minilm", "static"}
        The semantic half: the whole transformer, the distilled static table, or (``auto``)
        the transformer up to ``transformer_budget`` word pieces and the static table above.
    transformer_budget : int
        Word pieces (of the texts ``fit`` sees) up to which ``auto`` runs the transformer.
    random_state : int
        Seed of the TF-IDF/SVD half.
    """

    input_kind = "text+lemmas"

    def __init__(self, lexical_weight: float = LEXICAL_WEIGHT, semantic: str = "auto",
                 transformer_budget: int = TRANSFORMER_BUDGET, random_state: int = 42):
        if not 0.0 <= float(lexical_weight) <= 10.0:
            raise ThemesError(f"lexical_weight must be between 0 and 10, not {lexical_weight!r}.")
        if semantic not in SEMANTIC:
            raise ThemesError(f"semantic must be one of {', '.join(SEMANTIC)}, not {semantic!r}.")
        self.embedding_model = None  # BaseEmbedder's attributes, set here as its __init__ is bypassed
        self.word_embedding_model = None
        self.lexical_weight = float(lexical_weight)
        self.semantic = semantic
        self.transformer_budget = int(transformer_budget)
        self.random_state = random_state
        self.lexical_: _TfidfSvdCore | None = None
        self.semantic_: str | None = None if semantic == "auto" else semantic
        self.word_pieces_: int | None = None

    @property
    def name(self) -> str:
        """``hybrid:minilm`` or ``hybrid:minilm-static`` once the semantic half is chosen."""
        if self.semantic_ is None:
            return "hybrid"
        return "hybrid:minilm" if self.semantic_ == "minilm" else "hybrid:minilm-static"

    def _choose(self, texts: list[str]) -> None:
        from elc.themes import minilm

        tokenizer = minilm.load_encoder().tokenizer
        encoded = tokenizer.encode_batch(minilm.tokenizer_input(texts), add_special_tokens=False)
        self.word_pieces_ = sum(len(e.ids) for e in encoded)
        if self.semantic == "auto":
            self.semantic_ = "minilm" if self.word_pieces_ <= self.transformer_budget else "static"

    def fit(self, documents: Sequence) -> "_HybridCore":
        """Choose the semantic half by the texts' word pieces; fit the lexical half on the
        corpus' lemmas (pairs only; strings carry no lemmas)."""
        from elc.themes.embedding import _TfidfSvdCore

        docs = list(documents)
        self._choose([str(d[0]) if isinstance(d, tuple) else str(d) for d in docs])
        lemmas = [d[1] for d in docs if isinstance(d, tuple)]
        self.lexical_ = None
        if lemmas and self.lexical_weight > 0:
            try:
                self.lexical_ = _TfidfSvdCore(random_state=self.random_state).fit(lemmas)
            except ThemesError:  # too few shared words for LSA: meaning alone
                self.lexical_ = None
        return self

    @property
    def lexical_dims(self) -> int:
        if self.lexical_ is None or self.lexical_.pipeline_ is None:
            return 0
        return int(self.lexical_.pipeline_.named_steps["svd"].n_components)

    def _semantic(self, texts: list[str]) -> np.ndarray:
        if self.semantic_ is None:
            self._choose(texts)
        if self.semantic_ == "minilm":
            from elc.themes import minilm
            from elc.themes.embedding import _cached_encode

            return _cached_encode(minilm.load_encoder(), texts)
        from elc.themes import static

        return static.load_static().encode(texts)

    def embed(self, documents: Sequence, verbose: bool = False) -> np.ndarray:
        """Unit vectors: [meaning, w * wording] normalised; strings get a zero wording half."""
        docs = list(documents)
        semantic = self._semantic([str(d[0]) if isinstance(d, tuple) else str(d) for d in docs])
        width = self.lexical_dims
        if not width:
            return semantic
        lexical = np.zeros((len(docs), width), dtype=np.float32)
        rows = [i for i, d in enumerate(docs) if isinstance(d, tuple)]
        if rows:
            assert self.lexical_ is not None  # width > 0
            lexical[rows] = self.lexical_.embed([str(docs[i][1]) for i in rows])
        joined = np.hstack([semantic, self.lexical_weight * lexical])
        norms = np.linalg.norm(joined, axis=1, keepdims=True)
        return (joined / np.where(norms > 0, norms, 1.0)).astype(np.float32)

    def embed_words(self, words, verbose: bool = False) -> np.ndarray:
        return self.embed(words, verbose)

    def embed_documents(self, document, verbose: bool = False) -> np.ndarray:
        return self.embed(document, verbose)

    def __repr__(self) -> str:
        return f"HybridEmbedder(lexical_weight={self.lexical_weight}, semantic={self.semantic!r})"
