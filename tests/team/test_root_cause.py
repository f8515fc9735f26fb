"""The reported loss, deterministically: a process holding the project open twice (as the
workbench does) while another process codes in short sessions (open, apply, close).

Before the fix the second open read the file header with plain file I/O; closing that
descriptor dropped the process's POSIX locks, so the short-lived writer deleted the shared WAL
on close and its codings were lost (1 of 5 kept)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import elc
from elc.coding import CodingSession

REPO = Path(__file__).resolve().parents[2]
BOB = """import sys, elc
from elc.coding import CodingSession
p = elc.open_project(sys.argv[1])
seg = p.segments(role='participant', with_text=False).iloc[int(sys.argv[2])]
CodingSession(p, 'bob').apply(int(seg.source_id), int(seg.start), int(seg.end), int(sys.argv[3]))
p.close()
"""


def test_a_short_lived_writer_beside_a_twice_opened_project_loses_nothing(team_path):
    p = elc.open_project(team_path)
    background = elc.open_project(team_path)  # the workbench's second open
    assert background.engine is p.engine  # one engine per project per process
    alice = CodingSession(p, "alice")
    segs = p.segments(role="participant", with_text=False)
    code = int(p.codes().id.iloc[0])
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for i in range(4):
        seg = segs.iloc[i]
        alice.apply(int(seg.source_id), int(seg.start), int(seg.end), code)
        subprocess.run([sys.executable, "-c", BOB, str(team_path), str(i + 10), str(code)], check=True, env=env,
                       timeout=120)
        background.codings(with_text=False)
    background.close()
    p.close()
    with elc.open_project(team_path) as q:
        counts = q.codings(with_text=False).coder.value_counts().to_dict()
        with q.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert counts == {"alice": 4, "bob": 4}
