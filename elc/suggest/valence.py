"""ValenceClassifier: working-well / to-improve / neutral, with a lexicon cold start.

Before any coding the valence comes from a small lexicon of praise, complaint and
"could be better" cues as people talk about a health or care service ("lovely", "on time",
"waited hours", "would be nice if"), with negation handled ("not late" praises, "not helpful"
complains), plus the interviewer's question ("what could we improve?" leans to-improve).
As codings arrive a multinomial logistic regression on the segment features and the lexicon
scores is learned and blended with the lexicon::

    p = w * p_model + (1 - w) * p_lexicon,   w = n_labelled / (n_labelled + prior_strength)
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from elc.suggest._base import VALENCES, as_segments

POSITIVE = frozenset(
    """good great excellent lovely kind kindly helpful friendly brilliant fantastic wonderful polite
    caring nice happy pleased reliable punctual comfortable safe thank thanks thankful grateful perfect
    easy smooth efficient professional amazing marvellous superb appreciate appreciated pleasant
    patient reassuring reassured clean quick prompt cheerful chatty gentle considerate respectful
    understanding supportive fab fabulous outstanding exceptional impressed love loved enjoy enjoyed
    best super spot-on faultless calm relaxed confident trust trusted valued listened""".split()
)
NEGATIVE = frozenset(
    """late later lateness delay delayed delays wait waited waiting rude cancel cancelled canceled
    missed miss forgot forgotten poor bad terrible awful horrible dreadful slow problem problems issue
    issues complaint complain complained uncomfortable cold freezing hungry thirsty anxious anxiety
    worried worry worrying stress stressed stressful difficult hard frustrating frustrated angry upset
    confusing confused dirty unsafe fell lost chaos chaotic shambles disgrace disgraceful lack lacking
    shortage struggle struggled struggling unhelpful unprofessional abrupt ignored stranded exhausted
    tired painful pain distress distressed disappointed disappointing unacceptable nightmare mess
    fault wrong failed fail failure rushed hours""".split()
)
IMPROVE_PHRASES = (
    "could be better", "could have been better", "would be nice", "would be better", "would have been",
    "would like", "would help", "it'd be nice", "should be", "should have", "should", "ought to", "wish",
    "need to", "needs to", "needed to", "improve", "improved", "improvement", "better if", "if only",
    "suggest", "more information", "more staff", "instead of", "rather than",
)
_NEGATORS = frozenset({"not", "no", "never", "n't", "nothing", "without", "hardly", "isn't", "wasn't",
                       "weren't", "aren't", "didn't", "don't", "doesn't", "couldn't", "wouldn't", "can't"})
_PRAISE_PHRASES = ("on time", "no problem", "no problems", "no issues", "nothing to improve", "no complaints",
                   "couldn't be improved", "could not be improved", "can't fault", "cannot fault", "well done",
                   "worked well", "works well", "went well", "working well", "thank you")
_WORD_RE = re.compile(r"[a-z]+(?:[’'][a-z]+)?")
_QUESTION_IMPROVE = re.compile(r"improv|better|change|wrong|worse|problem|difficult|get in the way")
_QUESTION_WELL = re.compile(r"working well|went well|work well|good|like about|best")

# Cold-start logits: working-well, to-improve, neutral (neutral is the default at no cue).
_LEXICON_COEF = np.array([
    # pos   neg   improve  praise  q_improve  q_well
    [2.0, -1.0, -0.5, 2.5, -0.5, 1.0],  # working-well
    [-0.5, 2.0, 2.0, -1.5, 1.0, -0.5],  # to-improve
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],  # neutral
])
_LEXICON_INTERCEPT = np.array([0.0, 0.0, 1.0])


def lexicon_scores(texts, questions=None) -> np.ndarray:
    """Cue counts per segment, ``(n, 6)``: positive, negative, improve, praise phrase,
    improve-question, working-well-question. Positive and negative words within three words
    after a negator swap sides ("not very helpful" is negative, "never late" positive)."""
    texts = list(texts)
    questions = [""] * len(texts) if questions is None else list(questions)
    out = np.zeros((len(texts), 6), dtype=float)
    for i, (text, question) in enumerate(zip(texts, questions, strict=True)):
        low = (text or "").lower().replace("’", "'")
        # Phrases first, then blanked so their words are not counted again ("would be nice").
        praise = 0
        for p in _PRAISE_PHRASES:
            praise += low.count(p)
            low = low.replace(p, " , ")
        improve = 0
        for p in IMPROVE_PHRASES:
            if p in low:
                improve += 1
                low = low.replace(p, " , ")
        words = _WORD_RE.findall(low)
        pos = neg = 0.0
        negated_until = -1
        for j, w in enumerate(words):
            if w in _NEGATORS or w.endswith("n't"):
                negated_until = j + 3
                continue
            flip = j <= negated_until
            if w in POSITIVE:
                if flip:
                    neg += 1
                else:
                    pos += 1
            elif w in NEGATIVE:
                if flip:
                    pos += 1
                else:
                    neg += 1
        q = (question or "").lower()
        out[i] = (pos, neg, min(improve, 3), min(praise, 3), bool(_QUESTION_IMPROVE.search(q)),
                  bool(_QUESTION_WELL.search(q)) and not _QUESTION_IMPROVE.search(q))
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class ValenceClassifier(ClassifierMixin, BaseEstimator):
    """Predict the valence of a coded segment: working-well, to-improve or neutral.

    Parameters
    ----------
    featurizer : transformer or None
        Segment featurizer (default :class:`~elc.suggest.features.SegmentFeaturizer()`).
    C : float, default=1.0
        Inverse regularisation of the multinomial logistic regression.
    prior_strength : float, default=30.0
        Labelled segments at which the learned model and the lexicon weigh equally.
    lexicon_weight : float, default=0.3
        Scale of the lexicon cue counts when used as features of the learned model.
    random_state : int, default=0

    Attributes
    ----------
    classes_ : ndarray, always ``["working-well", "to-improve", "neutral"]``.
    featurizer_, model_ : the learned parts (``None`` before any label).
    model_classes_ : ndarray of class indices the learned model knows.
    class_prior_ : ndarray, smoothed label frequencies (used when one class only was seen).
    lexicon_weight_ : float, weight ``1 - w`` of the lexicon in :meth:`predict_proba`.
    n_samples_fit_ : int
    """

    def __init__(self, featurizer=None, C=1.0, prior_strength=30.0, lexicon_weight=0.3, random_state=0):
        self.featurizer = featurizer
        self.C = C
        self.prior_strength = prior_strength
        self.lexicon_weight = lexicon_weight
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def _features(self, segs, fit=False):
        import scipy.sparse as sp

        Z = self.featurizer_.fit_transform(segs) if fit else self.featurizer_.transform(segs)
        L = np.log1p(lexicon_scores(segs["text"], segs["question"])) * self.lexicon_weight
        return sp.hstack([Z, sp.csr_matrix(L)], format="csr")

    def fit(self, X, y=None):
        """Learn from segments ``X`` and valences ``y`` (strings from ``classes_``).

        ``y=None`` (or no segments) keeps the lexicon only (cold start). Unlabelled entries
        (``None``/NaN/"") in ``y`` are ignored.
        """
        segs = as_segments(X)
        self.classes_ = np.asarray(VALENCES, dtype=object)
        self.featurizer_, self.model_ = None, None
        self.model_classes_ = np.arange(0)
        if y is None:
            labels = np.array([], dtype=object)
            segs = segs.iloc[:0]
        else:
            labels = y.to_numpy(dtype=object) if hasattr(y, "to_numpy") else np.asarray(y, dtype=object)
            if len(labels) != len(segs):
                raise ValueError(f"{len(labels)} valences for {len(segs)} segments")
            keep = np.array([isinstance(v, str) and v != "" for v in labels], dtype=bool)
            unknown = sorted({v for v in labels[keep]} - set(VALENCES))
            if unknown:
                raise ValueError(f"unknown valence(s) {unknown}; expected one of {list(VALENCES)}")
            segs, labels = segs.iloc[np.flatnonzero(keep)], labels[keep]
        n = len(labels)
        self.n_samples_fit_ = n
        idx = np.array([VALENCES.index(v) for v in labels], dtype=int)
        counts = np.bincount(idx, minlength=3).astype(float)
        self.class_prior_ = (counts + 1) / (counts.sum() + 3)
        if len(np.unique(idx)) >= 2:
            from sklearn.linear_model import LogisticRegression

            from elc.suggest.features import SegmentFeaturizer

            self.featurizer_ = clone(self.featurizer) if self.featurizer is not None else SegmentFeaturizer()
            F = self._features(segs, fit=True)
            # saga: ~8x faster than lbfgs on these sparse features, same F1 (NHS benchmark)
            self.model_ = LogisticRegression(C=self.C, solver="saga", tol=1e-3, max_iter=300,
                                             random_state=self.random_state).fit(F, idx)
            self.model_classes_ = self.model_.classes_.astype(int)
        self.lexicon_weight_ = float(self.prior_strength) / (n + float(self.prior_strength)) if n else 1.0
        return self

    def lexicon_proba(self, X) -> np.ndarray:
        """Cold-start probabilities from the lexicon alone, ``(n, 3)``."""
        segs = as_segments(X)
        S = np.log1p(lexicon_scores(segs["text"], segs["question"]))
        return _softmax(S @ _LEXICON_COEF.T + _LEXICON_INTERCEPT)

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities ``(n_segments, 3)`` in the order of ``classes_``."""
        check_is_fitted(self, "classes_")
        segs = as_segments(X)
        if len(segs) == 0:
            return np.zeros((0, 3))
        lex = self.lexicon_proba(segs)
        if self.n_samples_fit_ == 0:
            return lex
        learned = np.tile(self.class_prior_, (len(segs), 1))
        if self.model_ is not None:
            learned = np.zeros((len(segs), 3))
            learned[:, self.model_classes_] = self.model_.predict_proba(self._features(segs))
        w = self.lexicon_weight_
        return (1 - w) * learned + w * lex

    def predict(self, X) -> np.ndarray:
        """The most probable valence per segment (array of str)."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
