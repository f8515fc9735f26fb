"""RefitScheduler: background refits every N codings, never blocking, atomic publication."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from elc.suggest import CodeSuggester, RefitScheduler


class Gate(threading.Event):
    """An Event that clone() shares instead of copying."""

    def __deepcopy__(self, memo):
        return self


class GatedEstimator(BaseEstimator):
    """Fits only when the test opens the gate; records how many rows it saw."""

    def __init__(self, gate=None, fail=False):
        self.gate = gate
        self.fail = fail

    def fit(self, X, Y):
        if self.gate is not None:
            assert self.gate.wait(10), "test gate never opened"
        if self.fail:
            raise RuntimeError("boom")
        self.n_rows_ = len(X)
        return self


def test_refits_after_every_n_codings(synthetic):
    X, Y = synthetic
    coded = {"n": 0}

    def data():
        n = coded["n"] * 10
        return X.iloc[:n], Y.iloc[:n]

    seen = []
    with RefitScheduler(CodeSuggester(), data, every=3, on_refit=seen.append) as scheduler:
        assert scheduler.latest() is None and scheduler.version == 0
        for _ in range(2):
            coded["n"] += 1
            assert scheduler.notify_coding() is False
        assert scheduler.wait(5) and scheduler.version == 0 and scheduler.latest() is None
        coded["n"] += 1
        assert scheduler.notify_coding() is True
        assert scheduler.wait(60)
        first = scheduler.latest()
        assert scheduler.version == 1 and first.n_samples_fit_ == 30
        assert seen == [first]
        for _ in range(3):
            coded["n"] += 1
            scheduler.notify_coding()
        assert scheduler.wait(60)
        assert scheduler.version == 2 and scheduler.latest().n_samples_fit_ == 60
        assert first.n_samples_fit_ == 30  # published models are never refitted in place
        assert scheduler.last_error is None and scheduler.last_fit_seconds > 0


def test_notify_never_blocks_and_requests_coalesce():
    gate = Gate()
    calls = {"n": 0}

    def data():
        calls["n"] += 1
        return list(range(calls["n"])), None

    scheduler = RefitScheduler(GatedEstimator(gate), data, every=1)
    try:
        scheduler.notify_coding()  # starts a fit that waits on the gate
        deadline = time.monotonic() + 10
        while calls["n"] == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        t0 = time.perf_counter()
        for _ in range(49):
            scheduler.notify_coding()
        assert time.perf_counter() - t0 < 0.5
        assert scheduler.busy and scheduler.latest() is None
        gate.set()
        assert scheduler.wait(10)
        # one fit was running, the 49 other requests coalesced into a single follow-up
        assert calls["n"] == 2 and scheduler.version == 2
        assert scheduler.latest().n_rows_ == 2
    finally:
        gate.set()
        scheduler.close()


def test_failed_refit_keeps_previous_model():
    scheduler = RefitScheduler(GatedEstimator(), lambda: ([1, 2], None), every=1)
    scheduler.notify_coding()
    assert scheduler.wait(10)
    good = scheduler.latest()
    scheduler.estimator = GatedEstimator(fail=True)
    scheduler.notify_coding()
    assert scheduler.wait(10)
    assert scheduler.latest() is good and scheduler.version == 1
    assert isinstance(scheduler.last_error, RuntimeError)
    scheduler.close()
    assert scheduler.notify_coding() is False  # closed: ignored


def test_every_must_be_positive():
    with pytest.raises(ValueError):
        RefitScheduler(CodeSuggester(), lambda: (pd.DataFrame(), None), every=0)
