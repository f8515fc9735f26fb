"""Live team view: a running workbench notices another process's commits without a restart;
blind mode stays blind (issue 10.3)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tui.conftest import run

REPO = Path(__file__).resolve().parents[2]
SIZE = (120, 36)


def _bob_codes(path: Path, source_id: int) -> int:
    code = (
        "import sys, elc\n"
        "from elc.coding import CodingSession, Codebook\n"
        "p = elc.open_project(sys.argv[1])\n"
        "seg = p.segments(source_id=int(sys.argv[2]), role='participant').iloc[0]\n"
        "cid = CodingSession(p, 'bob').apply(int(seg.source_id), int(seg.start), int(seg.end), "
        "int(p.codes().id.iloc[0]), 'to-improve')\n"
        "Codebook(p, 'bob').add('Bob live theme')\n"
        "print(cid)\n"
        "p.close()\n")
    out = subprocess.run([sys.executable, "-c", code, str(path), str(source_id)], capture_output=True, text=True,
                         check=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    return int(out.stdout.strip())


async def _wait(pilot, predicate, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.1)):
        if predicate():
            return True
        await pilot.pause(0.1)
    return predicate()


@pytest.mark.parametrize("show_others", [True, False])
def test_a_running_workbench_sees_another_coders_commits(team_path, monkeypatch, show_others):
    from elc.tui.app import make_app

    monkeypatch.setenv("ELC_TEAM_POLL_SECONDS", "0.2")

    async def go():
        app = make_app(team_path, "alice", show_others=show_others)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.main_screen
            sid = screen.doc.id
            counts_before = dict(app.wb.counts())
            bob = _bob_codes(team_path, sid)
            codebook = await _wait(pilot, lambda: any(c.name == "Bob live theme" for c in app.wb.all_codes()))
            assert codebook, "the codebook did not pick up another coder's new code"
            await pilot.pause(0.3)  # bob's coding was committed before the code: it has been polled too
            seen = any(c.id == bob for c in screen.transcript.codings)
            if show_others:
                assert seen, "bob's coding never appeared"
                assert sum(app.wb.counts().values()) == sum(counts_before.values()) + 1
                assert app.wb.other_coders() == ["bob"]
            else:  # blind: nothing of bob's is shown or counted
                assert not seen
                assert app.wb.counts() == counts_before
                assert all(c.coder == "alice" for c in screen.transcript.codings)
        app.wb.close()

    run(go())


def test_an_idle_poll_reads_one_pragma(team_path):
    """No commits elsewhere: polling costs a PRAGMA, not a query of the logs."""
    import elc
    from elc.store.watch import TeamWatch

    with elc.open_project(team_path) as p:
        watch = TeamWatch(p.engine, "alice")
        statements: list[str] = []
        from sqlalchemy import event

        def seen(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(p.engine, "before_cursor_execute", seen)
        try:
            for _ in range(20):
                assert not watch.poll()
        finally:
            event.remove(p.engine, "before_cursor_execute", seen)
            watch.close()
        assert statements == []
