"""Cross-validated Platt scaling of per-code linear SVMs.

:func:`fit_calibrated_svm` does what ``CalibratedClassifierCV(LinearSVC(...),
method="sigmoid", cv=splits, ensemble=True)`` does - for each fold, fit the SVM on the training
part and a sigmoid (Platt 2000, with his smoothed targets) on the SVM's scores for the
held-out part; predict the mean of the fold models' calibrated probabilities - with the same
result (tested to agree within 1e-3) but about 40% less CPU: scikit-learn's generic wrapper
spends more time in input validation and metadata routing than liblinear spends fitting these
small problems, and the refit budget (5,000 segments, tens of codes, under 5 s on two cores)
is tight. It also returns the out-of-fold calibrated probabilities, which set the decision
thresholds, and predicts with one sparse product per code.
"""

from __future__ import annotations

import numpy as np


def _nll(f, t, a, b) -> float:
    z = a * f + b  # p = 1 / (1 + exp(z))
    return float(np.sum(np.logaddexp(0.0, z) - (1.0 - t) * z))


def platt_fit(scores, y, max_iter: int = 100) -> tuple[float, float]:
    """Fit ``p = 1 / (1 + exp(a * score + b))`` to 0/1 labels ``y``.

    Platt's regularised targets ``(n+ + 1) / (n+ + 2)`` and ``1 / (n- + 2)``; Newton's method
    with backtracking (Lin, Lin and Weng 2007, "A note on Platt's probabilistic outputs for
    support vector machines").
    """
    f = np.asarray(scores, dtype=float)
    y = np.asarray(y).astype(bool)
    n_pos = float(y.sum())
    n_neg = float(len(y) - n_pos)
    t = np.where(y, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    a, b = 0.0, float(np.log((n_neg + 1.0) / (n_pos + 1.0)))
    fval = _nll(f, t, a, b)
    for _ in range(max_iter):
        z = a * f + b
        p = np.exp(-np.logaddexp(0.0, z))  # 1 / (1 + exp(z)), overflow-safe
        d2 = p * (1.0 - p)
        h11 = 1e-12 + float(np.dot(f * f, d2))
        h22 = 1e-12 + float(d2.sum())
        h21 = float(np.dot(f, d2))
        d1 = t - p
        g1 = float(np.dot(f, d1))
        g2 = float(d1.sum())
        if abs(g1) < 1e-5 and abs(g2) < 1e-5:
            break
        det = h11 * h22 - h21 * h21
        da = -(h22 * g1 - h21 * g2) / det
        db = -(-h21 * g1 + h11 * g2) / det
        gd = g1 * da + g2 * db
        step = 1.0
        while step >= 1e-10:
            na, nb = a + step * da, b + step * db
            nf = _nll(f, t, na, nb)
            if nf < fval + 1e-4 * step * gd:
                a, b, fval = na, nb, nf
                break
            step /= 2.0
        else:
            break
    return a, b


def platt_predict(scores, a: float, b: float) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, a * np.asarray(scores, dtype=float) + b))


class CalibratedLinearEnsemble:
    """Fitted fold models of one code: linear scores, then each fold's sigmoid, averaged.

    Attributes: ``coef`` (n_folds, n_features), ``intercept``, ``a``, ``b`` (n_folds,).
    """

    def __init__(self, coef, intercept, a, b):
        self.coef = np.asarray(coef, dtype=float)
        self.intercept = np.asarray(intercept, dtype=float)
        self.a = np.asarray(a, dtype=float)
        self.b = np.asarray(b, dtype=float)

    def decision_scores(self, Z) -> np.ndarray:
        """Raw SVM scores of each fold model, ``(n_samples, n_folds)``."""
        return np.asarray(Z @ self.coef.T) + self.intercept[None, :]

    def predict_proba(self, Z) -> np.ndarray:
        s = self.decision_scores(Z)
        p = np.exp(-np.logaddexp(0.0, s * self.a[None, :] + self.b[None, :])).mean(axis=1)
        return np.column_stack([1.0 - p, p])

    def __repr__(self):
        return f"CalibratedLinearEnsemble(n_folds={len(self.a)}, n_features={self.coef.shape[1]})"


def fit_calibrated_svm(Z, y, splits, *, C, class_weight, tol, random_state, max_iter=2000):
    """Fit one LinearSVC per fold and a sigmoid on its held-out scores.

    Returns ``(CalibratedLinearEnsemble, out-of-fold calibrated probabilities)``.
    """
    from sklearn.svm import LinearSVC

    y = np.asarray(y).astype(int)
    oof = np.empty(len(y), dtype=float)
    coefs, intercepts, slopes, offsets = [], [], [], []
    for train, test in splits:
        svm = LinearSVC(C=C, class_weight=class_weight, dual=True, tol=tol, max_iter=max_iter,
                        random_state=random_state).fit(Z[train], y[train])
        coef, intercept = svm.coef_.ravel(), float(svm.intercept_[0])
        scores = np.asarray(Z[test] @ coef).ravel() + intercept
        a, b = platt_fit(scores, y[test])
        oof[test] = platt_predict(scores, a, b)
        coefs.append(coef)
        intercepts.append(intercept)
        slopes.append(a)
        offsets.append(b)
    return CalibratedLinearEnsemble(np.vstack(coefs), intercepts, slopes, offsets), oof
