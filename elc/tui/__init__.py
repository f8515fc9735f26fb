"""The Textual coding workbench (``elc code``): no business logic, only views over ``elc.coding``.

``make_app(project_path, coder, **opts)`` builds the app (the CLI and the tests share it);
``run_app(project_path, coder)`` runs it in the terminal.
"""

from __future__ import annotations


def make_app(*args, **kwargs):
    from elc.tui.app import make_app as _make

    return _make(*args, **kwargs)


def run_app(*args, **kwargs):
    from elc.tui.app import run_app as _run

    return _run(*args, **kwargs)


__all__ = ["make_app", "run_app"]
