"""Suggestions that keep up with the researcher: refit in the background every few codings.

Wires :class:`RefitScheduler` to a project: training data is read on the background thread
through its own connection, and each refit rewrites the ``suggestions`` table, which the
workbench reads. The UI only calls :meth:`LiveSuggestions.notify`, which returns at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class LiveSuggestions:
    def __init__(self, project_path: str, coder: str | None = None, every: int = 5,
                 on_update: Callable[[int], None] | None = None):
        from elc import open_project
        from elc.suggest import CodeSuggester, RefitScheduler
        from elc.suggest import service

        self._bg = open_project(project_path)  # the background thread's own connection pool
        self.coder = coder
        self.on_update = on_update
        self.written = 0
        self._service = service
        estimator = CodeSuggester(code_descriptions=service.code_descriptions(self._bg))
        self.scheduler = RefitScheduler(estimator, self._data, every=every, on_refit=self._publish)

    def _data(self):
        X, Y, self._valence = self._service.training_data(self._bg, None)
        self._X = X
        return X, (Y if len(X) else None)

    def _publish(self, model) -> None:
        from elc.suggest import ValenceClassifier

        vmodel = ValenceClassifier().fit(self._X, self._valence if len(self._X) else None)
        self._bg._texts.clear()
        self.written = self._service.write_suggestions(self._bg, model, vmodel, self.coder)
        if self.on_update:
            self.on_update(self.written)

    def start(self) -> "LiveSuggestions":
        """A first (cold-start) fit straight away, in the background."""
        self.scheduler.request_refit()
        return self

    def notify(self, *_event) -> None:
        self.scheduler.notify_coding()

    def close(self) -> None:
        self.scheduler.close(wait=False)
        self._bg.close()
