"""Many OS processes on one SQLite project: nothing acknowledged is lost, nothing is corrupted.

Coders (through the workbench controller, each also holding a second "background" project
open), short-lived API readers, ``elc status`` / ``elc matrix`` runs and an ``elc import`` run
at once for a bounded time; then the database passes ``integrity_check`` and every coding a
process was told was stored is stored exactly as acknowledged, with undo stacks intact. A
variant kills random coders with SIGKILL mid-run.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


from tests.team import workers
from tests.team.check import check

REPO = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("ELC_TORTURE_SECONDS", "3"))
NEW_INTERVIEW = """Interviewer: How was the journey home?
P11: The crew were kind but we waited two hours for the transport after the clinic.
P11: Nobody rang to say it would be late. I missed my tea.
"""


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _cli(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "elc", *map(str, args)], capture_output=True, text=True,
                          env=_env(), timeout=timeout)


def _cli_start(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "elc", *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=_env())


def _integrity(path: Path) -> tuple[str, int]:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0], len(db.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        db.close()


def _run(path: Path, tmp: Path, coders: list[str], seconds: float, kill: int = 0, cli: bool = True):
    """Coders (workbench controller), one API script coding in short sessions ("api"), one
    API reader, and (``cli``) ``elc status``, ``elc import`` and ``elc matrix`` runs."""
    ctx = mp.get_context("spawn")
    logs = {name: tmp / f"{name}.log" for name in [*coders, "api"]}
    procs = {name: ctx.Process(target=workers.coder, args=(str(path), name, i + 1, seconds, str(logs[name])))
             for i, name in enumerate(coders)}
    procs["api"] = ctx.Process(target=workers.short_writer, args=(str(path), "api", 99, seconds, str(logs["api"])))
    reader = ctx.Process(target=workers.reader, args=(str(path), seconds, str(tmp / "reader.log")))
    started = time.monotonic()
    for p in [*procs.values(), reader]:
        p.start()
    runs = []
    killed: set[str] = set()
    victims = coders[:kill]
    if cli:  # at once, while the coders work
        new = tmp / "P11-home.txt"
        new.write_text(NEW_INTERVIEW, encoding="utf-8")
        time.sleep(min(2.0, seconds / 3))
        runs = [_cli_start("status", path), _cli_start("import", path, new, "--community", "patients",
                                                       "--no-deidentify"), _cli_start("matrix", path)]
    rng = random.Random(7)
    for name in victims:  # SIGKILL each victim at a random moment once it is coding
        until = time.monotonic() + seconds + 60
        while time.monotonic() < until and procs[name].is_alive() and (
                not logs[name].exists() or logs[name].read_text(encoding="utf-8").count('"kind": "ack"') < 5):
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.3))
        if procs[name].is_alive() and '"kind": "end"' not in logs[name].read_text(encoding="utf-8"):
            os.kill(procs[name].pid, signal.SIGKILL)
            killed.add(name)
    for p in [*procs.values(), reader]:
        p.join(timeout=seconds + 120)
        assert not p.is_alive(), "a worker hung"
    for name, p in procs.items():  # a victim may have finished just before the signal landed
        assert p.exitcode in ((-signal.SIGKILL, 0) if name in killed else (0,)), (name, p.exitcode)
    assert reader.exitcode == 0
    for r in runs:
        _, err = r.communicate(timeout=180)
        assert r.returncode == 0 and "Traceback" not in err, err
    return logs, killed, time.monotonic() - started


def _report(name: str, counts, seconds: float) -> None:
    line = (f"{name}: {counts.processes} writer processes ({counts.killed} killed), {counts.operations} operations, "
            f"{counts.acknowledged} acknowledged, {counts.acknowledged_codings} codings acknowledged / "
            f"{counts.stored_codings} stored, {seconds:.1f} s")
    print(line)
    out = os.environ.get("ELC_TORTURE_REPORT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def test_many_processes_lose_nothing(team_path, tmp_path):
    logs, killed, took = _run(team_path, tmp_path, ["alice", "bob", "carol"], SECONDS)
    assert _integrity(team_path) == ("ok", 0)
    counts = check(team_path, logs, killed)
    _report("torture", counts, took)
    assert not counts.problems, counts.problems[:10]
    assert counts.acknowledged > 15
    import elc

    with elc.open_project(team_path) as p:  # the API and a raw count agree
        api = len(p.codings(with_text=False))
        assert any(p.sources().name.str.contains("P11"))
    raw = sqlite3.connect(team_path).execute("SELECT count(*) FROM codings WHERE active=1").fetchone()[0]
    assert api == raw
    assert not Path(str(team_path) + "-wal").exists() or Path(str(team_path) + "-wal").stat().st_size == 0


def test_kill_9_writers_mid_run(team_path, tmp_path):
    logs, killed, took = _run(team_path, tmp_path, ["alice", "bob", "carol"], SECONDS, kill=2, cli=False)
    assert killed, "no coder was still running to be killed"
    assert _integrity(team_path) == ("ok", 0)
    counts = check(team_path, logs, killed)
    _report("torture with kill -9", counts, took)
    assert not counts.problems, counts.problems[:10]
    # a killed coder comes back: their undo stack continues from what was stored
    from elc import open_project
    from elc.coding import CodingSession

    with open_project(team_path) as p:
        session = CodingSession(p, "alice")
        with p.engine.connect() as conn:
            done, _ = session._stack(conn)
        if done:
            assert session.undo()["coding_id"] == done[-1]["coding_id"]


def test_two_workbenches_and_a_status_keep_both_coders(team_path, tmp_path):
    """The reported scenario: alice and bob code at once in two workbenches, `elc status` runs."""
    logs, killed, took = _run(team_path, tmp_path, ["alice", "bob"], min(SECONDS, 3.0), cli=False)
    status = _cli("status", team_path)
    assert status.returncode == 0, status.stderr
    counts = check(team_path, logs, killed)
    _report("two workbenches", counts, took)
    assert not counts.problems, counts.problems[:10]
    db = sqlite3.connect(team_path)
    coders = dict(db.execute("SELECT coder, count(*) FROM codings GROUP BY coder").fetchall())
    assert coders.get("alice", 0) > 0 and coders.get("bob", 0) > 0 and coders.get("api", 0) > 0
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_many_processes_lose_nothing_on_postgres(team_pg_url, tmp_path):
    """The same run against a PostgreSQL server (skipped unless ELC_TEST_PG_URL is set)."""
    from sqlalchemy import create_engine

    logs, killed, took = _run(team_pg_url, tmp_path, ["alice", "bob", "carol"], SECONDS, kill=1, cli=False)
    status = _cli("status", team_pg_url)
    assert status.returncode == 0, status.stderr
    engine = create_engine(team_pg_url)
    try:
        counts = check(None, logs, killed, engine=engine)
    finally:
        engine.dispose()
    _report("torture on PostgreSQL", counts, took)
    assert not counts.problems, counts.problems[:10]
    assert counts.acknowledged > 15
