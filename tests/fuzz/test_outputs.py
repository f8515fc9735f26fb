"""Issue 12.7: every output appears whole or not at all; a full disk is one line.

The writers are made to fail the way a full disk fails them (ENOSPC from a write half-way, or the
XML writer's error wrapping it); the real-disk case runs on a tiny tmpfs when the test may mount one.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from elc.atomic import atomic_dir, atomic_path
from elc.cli import main
from elc.errors import ExportError

COMMANDS = [  # (argv after the project, what is written, the function the CLI calls)
    (["report", "--xlsx", "{out}/w.xlsx"], "w.xlsx", "elc.export.workbook.write_workbook"),
    (["report", "--html", "{out}/pack"], "pack", "elc.export.html.write_html"),
    (["spec", "--out", "{out}/s.md"], "s.md", "elc.export.spec.write_spec"),
    (["spec", "--out", "{out}/s.docx"], "s.docx", "elc.export.spec.write_spec"),
    (["export", "--csv", "{out}/csv"], "csv", "elc.export.csv_export.export_csv"),
    (["export", "--qdpx", "{out}/p.qdpx"], "p.qdpx", "elc.exchange.refi.export_qdpx"),
    (["export", "--qdc", "{out}/p.qdc"], "p.qdc", "elc.exchange.refi.export_qdc"),
]


def _disk_full_after_half(real):
    """The real writer, run to completion, then half its output kept and ENOSPC raised."""
    def writer(project, target, *args, **kwargs):
        real(project, target, *args, **kwargs)
        target = Path(target)
        for path in [target] if target.is_file() else list(target.rglob("*")):
            if path.is_file():
                with open(path, "r+b") as fh:
                    fh.truncate(path.stat().st_size // 2)
        raise OSError(errno.ENOSPC, "No space left on device")
    return writer


@pytest.mark.parametrize("argv, name, func", COMMANDS, ids=[c[1] for c in COMMANDS])
def test_full_disk_is_one_line_and_leaves_nothing(coded_project, tmp_path, monkeypatch, argv, name, func):
    import importlib

    out = tmp_path / "out"
    out.mkdir()
    module, attr = func.rsplit(".", 1)
    monkeypatch.setattr(importlib.import_module(module), attr,
                        _disk_full_after_half(getattr(importlib.import_module(module), attr)))
    project = coded_project.engine.url.database
    result = CliRunner().invoke(main, [argv[0], project] + [a.format(out=out) for a in argv[1:]])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert name in lines[0] and ("disk is full" in lines[0] or "No space left" in lines[0])
    assert sorted(os.listdir(out)) == []  # no final name, no temporary


@pytest.mark.parametrize("argv, name, func", COMMANDS[:3] + COMMANDS[4:6], ids=[c[1] for c in COMMANDS[:3] + COMMANDS[4:6]])
def test_interrupted_writer_keeps_the_previous_output(coded_project, tmp_path, monkeypatch, argv, name, func):
    import importlib

    out = tmp_path / "out"
    out.mkdir()
    project = coded_project.engine.url.database
    args = [argv[0], project] + [a.format(out=out) for a in argv[1:]]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before

    module, attr = func.rsplit(".", 1)
    real = getattr(importlib.import_module(module), attr)

    def killed(project, target, *a, **kw):
        real(project, target, *a, **kw)
        raise KeyboardInterrupt  # as if killed after the bytes were written, before the rename

    monkeypatch.setattr(importlib.import_module(module), attr, killed)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 130
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # the old output untouched, no half-written or hidden file


def test_atomic_helpers_directly(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(ZeroDivisionError):
        with atomic_path(target) as tmp:
            tmp.write_text("new, half")
            1 / 0
    assert target.read_text() == "old" and sorted(os.listdir(tmp_path)) == ["a.txt"]
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".txt" and tmp.name.startswith(".")
        tmp.write_text("new")
    assert target.read_text() == "new" and oct(target.stat().st_mode & 0o777) != "0o600"
    folder = tmp_path / "dir"
    with pytest.raises(ExportError, match="disk is full"):
        with atomic_dir(folder) as tmp:
            (tmp / "one.csv").write_text("x")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert not folder.exists() and sorted(os.listdir(tmp_path)) == ["a.txt"]
    with pytest.raises(ExportError, match="is a file"):
        with atomic_dir(target):
            pass


def _can_mount_tmpfs(path) -> bool:
    if os.geteuid() != 0 or sys.platform != "linux":
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


REAL_DISK = [COMMANDS[0], COMMANDS[4]]  # the workbook of the issue (lxml over ENOSPC) and a folder


@pytest.mark.parametrize("argv", [c[0] for c in REAL_DISK], ids=[c[1] for c in REAL_DISK])
def test_real_full_disk_on_a_tiny_tmpfs(coded_project, tmp_path, argv):
    small = tmp_path / "small"
    small.mkdir()
    if not _can_mount_tmpfs(small):
        pytest.skip("needs root to mount a 16 kB tmpfs")
    try:
        (small / "filler").write_bytes(os.urandom(12 * 1024))
        project = coded_project.engine.url.database
        cmd = [sys.executable, "-m", "elc", argv[0], project] + [a.format(out=small) for a in argv[1:]]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": os.getcwd()})
        assert done.returncode == 1, done.stdout + done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr
        assert sorted(os.listdir(small)) == ["filler"]
    finally:
        subprocess.run(["umount", str(small)], capture_output=True)


KILLED_WRITER = """
import sys, time
from pathlib import Path
import elc.export.csv_export as mod
real = mod.export_csv
def slow(project, folder):
    files = real(project, folder)
    Path(sys.argv[3]).write_text("written")
    time.sleep(60)
    return files
mod.export_csv = slow
from elc.cli import main
main(["export", sys.argv[1], "--csv", sys.argv[2]])
"""


def test_kill_during_an_export_leaves_nothing(coded_project, tmp_path):
    import signal
    import time

    out = tmp_path / "out"
    out.mkdir()
    marker = tmp_path / "marker"
    project = coded_project.engine.url.database
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, project, str(out / "csv"), str(marker)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    t0 = time.perf_counter()
    while not marker.exists() and proc.poll() is None and time.perf_counter() - t0 < 120:
        time.sleep(0.05)
    assert marker.exists(), proc.communicate()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    assert os.listdir(out) == []  # no folder with some files, no hidden temporary


def test_temporaries_of_a_killed_writer_are_swept_on_the_next_run(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale_file = tmp_path / f".w.{pid}.abc123.part.xlsx"
    stale_file.write_bytes(b"half")
    stale_dir = tmp_path / f".csv.{pid}.abc123.part"
    stale_dir.mkdir()
    (stale_dir / "codings.csv").write_text("half")
    mine = tmp_path / f".w.{os.getpid()}.live.part.xlsx"  # a writer still running: left alone
    mine.write_bytes(b"in progress")
    with atomic_path(tmp_path / "w.xlsx") as tmp:
        tmp.write_bytes(b"whole")
    with atomic_dir(tmp_path / "csv") as tmp:
        (tmp / "codings.csv").write_text("whole")
    assert sorted(os.listdir(tmp_path)) == sorted([mine.name, "csv", "w.xlsx"])
