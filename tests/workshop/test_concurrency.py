"""Two OS processes recording decisions at once on one project: nothing acknowledged is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
N = 25


def test_two_processes_recording_decisions_lose_nothing(sample_path, tmp_path):
    import elc
    from elc.insights.workshop import new_workshop
    from elc.store import workshop as ws

    p = elc.open_project(sample_path)
    new_workshop(p, "Challenge workshop", by="lead")
    p.close()
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    logs = {name: tmp_path / f"{name}.log" for name in ("alice", "bob")}
    procs = [subprocess.Popen([sys.executable, "-m", "tests.workshop.decider", str(sample_path), name, str(N),
                               str(log)], env=env, stderr=subprocess.PIPE, text=True)
             for name, log in logs.items()]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    acked = [line.split() for log in logs.values() for line in log.read_text().splitlines()]
    p = elc.open_project(sample_path)
    try:
        stored = {(str(d.change_id), d.decision, d.recorded_by, str(d.votes)) for d in ws.decisions(p)}
        said = {(c.finding, c.text) for c in ws.challenges(p)}
        assert len(ws.decisions(p)) == 2 * N and len(said) == 2 * N
        for rec in acked:
            if rec[0] == "decision":
                assert (rec[1], rec[2], rec[3], rec[4]) in stored, rec
            else:
                assert (f"change:{rec[1]}", f"{rec[2]} {rec[3]}") in said, rec
        assert len(acked) == 4 * N
        with p.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        p.close()
