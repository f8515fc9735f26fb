"""Uncertainty ordering for active learning."""

from __future__ import annotations

import numpy as np
import pytest

from elc.suggest import uncertainty_order
from elc.suggest.active import uncertainty_scores

# rows: confident everywhere / one code on the fence / mildly unsure on many codes / all certain no
P = np.array([
    [0.99, 0.01, 0.02],
    [0.51, 0.02, 0.01],
    [0.30, 0.70, 0.25],
    [0.00, 0.00, 0.00],
])


def test_margin_puts_the_closest_call_first():
    order = uncertainty_order(P, method="margin")
    assert list(order) == [1, 2, 0, 3]


def test_entropy_sums_uncertainty_over_codes():
    order = uncertainty_order(P, method="entropy")
    assert order[0] == 2  # three unsure codes beat one code at 0.51
    assert order[-1] == 3
    h = uncertainty_scores(P, method="entropy")
    assert h[3] == pytest.approx(0.0, abs=1e-9)


def test_least_confident():
    assert list(uncertainty_order(P, method="least_confident")) == [1, 2, 0, 3]


def test_per_code_thresholds_move_the_fence():
    # with threshold 0.3 on the first code, row 2's 0.30 sits exactly on it
    order = uncertainty_order(P, method="margin", thresholds=[0.3, 0.5, 0.5])
    assert order[0] == 2


def test_single_label_distributions():
    D = np.array([[0.9, 0.05, 0.05], [0.4, 0.35, 0.25], [1 / 3, 1 / 3, 1 / 3]])
    assert list(uncertainty_order(D, method="margin", multilabel=False)) == [2, 1, 0]
    assert list(uncertainty_order(D, method="entropy", multilabel=False)) == [2, 1, 0]


def test_ties_keep_order_and_nan_counts_as_unsure():
    order = uncertainty_order(np.array([[0.9], [0.9], [np.nan], [0.9]]))
    assert list(order) == [2, 0, 1, 3]


def test_bad_input():
    with pytest.raises(ValueError):
        uncertainty_order(np.zeros(3))
    with pytest.raises(ValueError):
        uncertainty_order(P, method="random")
