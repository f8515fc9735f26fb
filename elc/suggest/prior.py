"""Cold-start prior: how close a segment is to each code's description.

Each code's name, definition and guide keywords are turned into a small document (keywords
counted twice, and both as lemmas and as typed, so they match segments lemmatised by spaCy or
by the regex fallback). Segments and descriptions share one TF-IDF space of lemmas; the prior
score of a code is the cosine similarity between the segment and its description, plus half
the similarity between the interviewer's question and the description (interviewers walk
through the touchpoints, so the question often names the stage), counted only as far as the
segment itself points to the code. Similarity is shrunk for segments of few words (n distinct
lemmas keep n / (n + 2)), so confidence grows with the evidence in the segment.

Similarities are mapped to probabilities by a logistic function of three pooled features
(similarity, question similarity, similarity relative to the segment's best code). With no
labels the mapping has fixed, conservative coefficients; once a few codings exist it is fitted
on all (segment, code) pairs together, which needs only a handful of positives in total.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from elc.suggest._base import as_segments, normalize_descriptions

# Fixed mapping used before any coding exists: p = sigmoid(w . [sim, qsim, rel] + b).
# sim=0 gives ~0.03, sim=0.2 relative 1.0 gives ~0.6, sim=0.4 relative 1.0 gives ~0.94 (sim after the
# evidence shrink: a six-word segment keeps 3/4 of its cosine).
_DEFAULT_COEF = np.array([12.0, 3.0, 1.5])
_DEFAULT_INTERCEPT = -3.5
_MIN_POOLED = 3  # positives (and negatives) needed, in total, to fit the pooled mapping
_MAX_NEGATIVE_PAIRS = 50_000
_EVIDENCE_TERMS = 2.0  # a segment with n distinct lemmas keeps n / (n + 2) of its similarity


def _description_docs(descriptions: dict, nlp, keyword_repeat: int) -> list[str]:
    from elc.suggest.features import lemmatize, simple_lemmatize

    texts = [text for text, _ in descriptions.values()]
    keywords = [" ; ".join(kws) for _, kws in descriptions.values()]
    lem_text = lemmatize(texts, nlp=nlp)
    lem_kw = lemmatize(keywords, nlp=nlp)
    raw_kw = simple_lemmatize(keywords)
    docs = []
    for t, lk, rk in zip(lem_text, lem_kw, raw_kw, strict=True):
        kw = " ".join(sorted(set(lk.split()) | set(rk.split())))
        docs.append(" ".join([t] + [kw] * keyword_repeat))
    return docs


class DescriptionPrior(BaseEstimator):
    """Probability that a code applies to a segment, from the code's description alone.

    Parameters
    ----------
    code_descriptions : dict
        ``code -> description`` (see :func:`elc.suggest._base.describe_code`).
    keyword_repeat : int, default=2
        How many times guide keywords are counted in a description document.
    nlp : spaCy Language, None or False
        Used to lemmatise the descriptions (``None``: the default pipeline if installed).

    Attributes
    ----------
    classes_ : ndarray
        The codes, in the order of ``code_descriptions``.
    vectorizer_ : TfidfVectorizer
    description_matrix_ : sparse matrix (n_codes, n_terms)
    coef_, intercept_ : the logistic mapping from pooled features to probability.
    fitted_mapping_ : bool
        Whether the mapping was fitted on codings (False: the fixed cold-start mapping).
    """

    def __init__(self, code_descriptions=None, keyword_repeat=2, nlp=None):
        self.code_descriptions = code_descriptions
        self.keyword_repeat = keyword_repeat
        self.nlp = nlp

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # segments: a DataFrame of text columns, not numbers
        tags.input_tags.string = True
        return tags

    def fit(self, X, Y=None):
        """Fit the TF-IDF space on segments + descriptions; fit the mapping if ``Y`` has labels.

        ``Y`` is an ``(n_segments, n_codes)`` 0/1 array aligned with ``classes_`` (or None).
        """
        descriptions = normalize_descriptions(self.code_descriptions)
        if not descriptions:
            raise ValueError("DescriptionPrior needs at least one code description")
        segs = as_segments(X) if X is not None else as_segments([])
        self.classes_ = np.asarray(list(descriptions), dtype=object)
        docs = _description_docs(descriptions, self.nlp, self.keyword_repeat)
        self.vectorizer_ = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True)
        try:
            self.vectorizer_.fit(segs["lemmas"].tolist() + docs)
        except ValueError:  # no words at all: descriptions are empty
            self.vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4)).fit(
                [" ".join(descriptions[c][0] for c in descriptions) or "empty"]
            )
        self.description_matrix_ = self.vectorizer_.transform(docs)
        self.coef_ = _DEFAULT_COEF.copy()
        self.intercept_ = float(_DEFAULT_INTERCEPT)
        self.fitted_mapping_ = False
        if Y is not None and len(segs):
            self._fit_mapping(segs, np.asarray(Y))
        return self

    def features(self, X) -> np.ndarray:
        """Pooled features, shape ``(n_segments, n_codes, 3)``: sim, question sim, relative sim."""
        check_is_fitted(self, "description_matrix_")
        segs = as_segments(X)
        from elc.suggest.features import simple_lemmatize

        if not len(segs):
            return np.zeros((0, len(self.classes_), 3))
        sim = (self.vectorizer_.transform(segs["lemmas"].tolist()) @ self.description_matrix_.T).toarray()
        # evidence: a cosine from one or two words ("don't know") is weak, however high
        n_terms = np.array([len(set(x.split())) for x in segs["lemmas"]], dtype=float)
        sim = sim * (n_terms / (n_terms + _EVIDENCE_TERMS))[:, None]
        q_lemmas = simple_lemmatize(segs["question"].tolist())
        qsim = (self.vectorizer_.transform(q_lemmas) @ self.description_matrix_.T).toarray()
        best = sim.max(axis=1, keepdims=True) if sim.shape[1] else np.zeros((len(sim), 1))
        rel = np.divide(sim, best, out=np.zeros_like(sim), where=best > 0)
        # the question supports a code only as far as the answer itself points to it, so the
        # sentences of one answer do not all inherit the question's code at one confidence
        qsim = qsim * rel
        return np.stack([sim, qsim, rel], axis=-1)

    def _fit_mapping(self, segs, Y: np.ndarray) -> None:
        if Y.shape != (len(segs), len(self.classes_)):
            raise ValueError("Y must be aligned with the segments and the described codes")
        y = Y.reshape(-1).astype(float)
        known = ~np.isnan(y)
        n_pos = int(y[known].sum())
        if n_pos < _MIN_POOLED or known.sum() - n_pos < _MIN_POOLED:
            return
        from sklearn.linear_model import LogisticRegression

        F, y = self.features(segs).reshape(-1, 3)[known], y[known].astype(int)
        weight = np.ones(len(y))
        neg = np.flatnonzero(y == 0)
        if len(neg) > _MAX_NEGATIVE_PAIRS:  # subsample negative pairs, reweighted: same fit, faster
            keep_neg = np.random.default_rng(0).choice(neg, size=_MAX_NEGATIVE_PAIRS, replace=False)
            keep = np.concatenate([np.flatnonzero(y == 1), keep_neg])
            weight = np.where(y[keep] == 1, 1.0, len(neg) / _MAX_NEGATIVE_PAIRS)
            F, y = F[keep], y[keep]
        lr = LogisticRegression(C=1.0, max_iter=200).fit(F, y, sample_weight=weight)
        self.coef_ = lr.coef_[0].astype(float)
        self.intercept_ = float(lr.intercept_[0])
        self.fitted_mapping_ = True

    def predict_proba(self, X) -> np.ndarray:
        """Probability per code, shape ``(n_segments, n_codes)``."""
        F = self.features(X)
        z = F @ self.coef_ + self.intercept_
        return 1.0 / (1.0 + np.exp(-z))
