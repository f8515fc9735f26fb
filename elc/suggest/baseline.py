"""The named baseline every figure of elc's suggester is printed beside.

TF-IDF of the text (scikit-learn defaults) and one class-weighted ``LinearSVC`` per code
(one-vs-rest, ``class_weight="balanced"``), predicting a code where its SVM score is positive:
what a data scientist would try first on a coded spreadsheet. It sees the text only.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from elc.suggest._base import TextMultiLabelTags, as_label_matrix, as_segments


class TfidfSVCBaseline(TextMultiLabelTags, ClassifierMixin, BaseEstimator):
    """TF-IDF + one-vs-rest LinearSVC (balanced) on segment text; multi-label 0/1 output."""

    def __init__(self, C=1.0, random_state=0):
        self.C = C
        self.random_state = random_state

    def fit(self, X, Y):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.svm import LinearSVC

        segs = as_segments(X)
        Ymat, classes = as_label_matrix(Y, len(segs))
        self.classes_ = np.asarray(classes, dtype=object)
        self.vectorizer_ = TfidfVectorizer()
        Z = self.vectorizer_.fit_transform(segs["text"].tolist())
        self.constant_ = {}
        self.fitted_columns_ = []
        fit_cols = [j for j in range(Ymat.shape[1]) if 0 < Ymat[:, j].sum() < len(Ymat)]
        for j in range(Ymat.shape[1]):
            if j not in fit_cols:
                self.constant_[j] = int(Ymat[:, j].max()) if len(Ymat) else 0
        self.fitted_columns_ = fit_cols
        self.model_ = None
        if fit_cols:
            self.model_ = OneVsRestClassifier(LinearSVC(C=self.C, class_weight="balanced",
                                                        random_state=self.random_state))
            Yfit = Ymat[:, fit_cols]
            if Yfit.shape[1] == 1:  # OneVsRest reads a single column as binary: same SVM
                Yfit = np.column_stack([Yfit[:, 0], 1 - Yfit[:, 0]])
            self.model_.fit(Z, Yfit)
        return self

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "classes_")
        segs = as_segments(X)
        out = np.zeros((len(segs), len(self.classes_)))
        if self.model_ is not None and len(segs):
            scores = self.model_.decision_function(self.vectorizer_.transform(segs["text"].tolist()))
            scores = scores.reshape(len(segs), -1)
            out[:, self.fitted_columns_] = scores[:, :len(self.fitted_columns_)]
        for j, v in self.constant_.items():
            out[:, j] = 1.0 if v else -1.0
        return out

    def predict(self, X, threshold=None) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(int)
