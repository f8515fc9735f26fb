"""Refit the suggestion model in the background while the researcher keeps coding.

:class:`RefitScheduler` counts codings; every ``every`` codings it refits a fresh clone of the
estimator on a background thread and then publishes it. The caller (e.g. a Textual app)
never waits for a fit::

    scheduler = RefitScheduler(CodeSuggester(code_descriptions=codebook), load_training_data, every=20)
    ...
    scheduler.notify_coding()            # after each coding: returns at once
    model = scheduler.latest()           # the newest fitted model, or None before the first

Codings made while a refit runs are not lost: another refit follows as soon as it finishes
(requests coalesce, so at most one fit runs and at most one waits). ``latest()`` swaps in a
completely fitted model in one reference assignment, never a half-fitted one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sklearn.base import clone

log = logging.getLogger(__name__)


class RefitScheduler:
    """Background refits after every ``every`` codings.

    Parameters
    ----------
    estimator : unfitted estimator
        Cloned for every refit (the template itself is never fitted).
    data_fn : callable () -> (X, Y)
        Returns the current training data. It runs on the background thread, so it must be
        safe to call from there (e.g. open its own database connection).
    every : int, default=20
        Refit after this many :meth:`notify_coding` calls.
    on_refit : callable (model) -> None, optional
        Called on the background thread after each successful refit (a Textual app would
        use ``app.call_from_thread`` inside it).

    Attributes (read-only)
    ----------------------
    version : int, number of successful refits published.
    last_error : Exception or None, the error of the last failed refit (the previous model
        stays published).
    last_fit_seconds : float or None.
    """

    def __init__(self, estimator, data_fn: Callable, every: int = 20, on_refit: Callable | None = None):
        if every < 1:
            raise ValueError("every must be >= 1")
        self.estimator = estimator
        self.data_fn = data_fn
        self.every = int(every)
        self.on_refit = on_refit
        self._cond = threading.Condition()
        self._since = 0
        self._pending = False
        self._running = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self._published = (None, 0)  # (model, version), replaced as a whole
        self.last_error: Exception | None = None
        self.last_fit_seconds: float | None = None

    # ------------------------------------------------------------ caller side
    def notify_coding(self, n: int = 1) -> bool:
        """Record ``n`` new codings; start a background refit when ``every`` have accumulated.

        Returns True if this call requested a refit. Never blocks on a fit.
        """
        with self._cond:
            if self._closed:
                return False
            self._since += n
            if self._since < self.every:
                return False
            self._since = 0
            self._request_locked()
            return True

    def request_refit(self) -> None:
        """Ask for a refit now (e.g. at startup, or after an undo of many codings)."""
        with self._cond:
            if not self._closed:
                self._since = 0
                self._request_locked()

    def latest(self):
        """The most recently fitted model (None before the first refit completes)."""
        return self._published[0]

    @property
    def version(self) -> int:
        return self._published[1]

    @property
    def busy(self) -> bool:
        """True while a refit is running or waiting to run."""
        with self._cond:
            return self._pending or self._running

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no refit is running or pending (for tests and clean shutdowns).

        Returns False if ``timeout`` expired first.
        """
        with self._cond:
            return self._cond.wait_for(lambda: not (self._pending or self._running), timeout)

    def close(self, wait: bool = True, timeout: float | None = None) -> None:
        """Stop the background thread; a refit in progress finishes, a pending one is dropped."""
        with self._cond:
            self._closed = True
            self._pending = False
            self._cond.notify_all()
            thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -------------------------------------------------------------- internals
    def _request_locked(self) -> None:
        self._pending = True
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="elc-suggest-refit", daemon=True)
            self._thread.start()
        self._cond.notify_all()

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._closed)
                if self._closed:
                    self._cond.notify_all()
                    return
                self._pending = False
                self._running = True
            try:
                self._refit_once()
            finally:
                with self._cond:
                    self._running = False
                    self._cond.notify_all()

    def _refit_once(self) -> None:
        t0 = time.perf_counter()
        try:
            X, Y = self.data_fn()
            model = clone(self.estimator).fit(X, Y)
        except Exception as exc:  # noqa: BLE001 - keep the previous model, report the error
            log.exception("background refit failed")
            self.last_error = exc
            return
        self.last_fit_seconds = time.perf_counter() - t0
        self.last_error = None
        with self._cond:
            self._published = (model, self._published[1] + 1)
        if self.on_refit is not None:
            try:
                self.on_refit(model)
            except Exception:  # noqa: BLE001
                log.exception("on_refit callback failed")
