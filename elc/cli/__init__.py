"""The ``elc`` command line: verbs, each a thin call into the library.

Every verb lives in its own module under ``elc.cli`` and registers itself on :data:`main`.
User errors (:class:`elc.errors.ElcError`) print one line and exit non-zero.
"""

from __future__ import annotations

import importlib

from elc.cli._app import main

# Verb modules, in help order. A module that fails to import for a missing optional extra
# is skipped so the rest of the CLI still works.
VERB_MODULES = ("project", "code", "deid", "suggest", "themes", "report", "changes", "attributes", "exchange", "merge", "workshop",
                "kpi")

for _name in VERB_MODULES:
    try:
        importlib.import_module(f"elc.cli.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"elc.cli.{_name}":
            raise

__all__ = ["main"]
