"""CLI tests run in-process through Click's CliRunner; each checks the verb closed its project."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture
def path_of(coded_project):
    """The coded project's file, closed, so a verb's own open and close can be checked."""
    coded_project.close()
    return coded_project.location


def open_engines(path: str) -> list[str]:
    """Projects this process still holds open on ``path`` (the engines' refcounted registry)."""
    from elc.store import engines

    return [k for k in engines._ENTRIES if k == engines.key_for(path)]


@pytest.fixture
def elc(path_of):
    """Run ``elc ARGS`` in-process; assert the exit code and that the project was closed after it."""
    from elc.cli import main

    def run(*args, code=0):
        res = CliRunner().invoke(main, [str(a) for a in args])
        assert res.exit_code == code, (res.output, res.exception)
        assert not open_engines(path_of), f"elc {' '.join(map(str, args))} left the project open"
        return res

    return run
