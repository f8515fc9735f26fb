"""Damaged, foreign and read-only projects are refused in one line and left as they were; every
command leaves the WAL folded into the project file (issue 12.6)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import elc
from elc.cli import main
from elc.errors import ProjectError
from tests.conftest import CODEBOOK, GUIDE

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def closed_project(tmp_path, transcript):
    from elc.ingest import ImportOptions, import_files

    path = tmp_path / "p.elc"
    p = elc.new_project(path, GUIDE, CODEBOOK)
    assert import_files(p, [transcript], ImportOptions(community="patients"), deidentify=False).ok
    p.close()
    return path


def _refused(path: Path, *needles: str) -> str:
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(ProjectError) as err:
        elc.open_project(path)
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg
    for needle in needles:
        assert needle in msg, msg
    if before is not None:
        assert path.read_bytes() == before, "a refused project was changed"
    for extra in ("-wal", "-shm"):
        assert not Path(str(path) + extra).exists()
    result = CliRunner().invoke(main, ["status", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return msg


def test_random_bytes_inside_are_refused_or_read_never_a_traceback(closed_project, tmp_path):
    """Random bytes over the used end of each page in turn: open refuses it in one line (file
    unchanged), or, where SQLite cannot tell, every command still ends in one line at worst."""
    data = closed_project.read_bytes()
    page = 4096
    refused = 0
    for n in range(1, len(data) // page):
        damaged = bytearray(data)
        damaged[(n + 1) * page - 1500:(n + 1) * page] = os.urandom(1500)
        path = tmp_path / f"damaged-{n}.elc"
        path.write_bytes(bytes(damaged))
        try:
            elc.open_project(path).close()
        except ProjectError as exc:
            assert "\n" not in str(exc) and str(path) in str(exc)
            assert path.read_bytes() == bytes(damaged), "a refused project was changed"
            refused += 1
            continue
        for verb in (["status"], ["matrix"]):
            result = CliRunner().invoke(main, [*verb, str(path)])
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                (n, verb, repr(result.exception))
    assert refused >= 3


def test_a_table_name_that_is_not_utf8_is_refused_in_one_line(closed_project, tmp_path):
    """Seen once in the random-bytes test: damage turned a name in sqlite_master into bytes that
    are not UTF-8, and the health check raised a decoding error instead of refusing the file."""
    data = bytearray(closed_project.read_bytes())
    at = bytes(data).index(b"tablemetameta")  # the sqlite_master record of the meta table
    data[at + 5:at + 9] = b"\xe7eta"
    path = tmp_path / "not-utf8.elc"
    path.write_bytes(bytes(data))
    with pytest.raises(ProjectError) as err:
        elc.open_project(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)
    assert path.read_bytes() == bytes(data)


@pytest.mark.parametrize("value", ["x", "-1", "", "1.5", "0", "99999999999"])
def test_odd_schema_versions_are_one_line(closed_project, value):
    db = sqlite3.connect(closed_project)
    db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (value,))
    db.commit()
    db.close()
    _refused(closed_project, "schema_version")


def test_newer_schema_is_refused(closed_project):
    db = sqlite3.connect(closed_project)
    db.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    db.commit()
    db.close()
    _refused(closed_project, "newer elc")


def test_foreign_empty_and_text_files_are_refused(tmp_path):
    foreign = tmp_path / "foreign.elc"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE t(x)")
    db.commit()
    db.close()
    _refused(foreign, "not an elc project")
    empty = tmp_path / "empty.elc"
    empty.write_bytes(b"")
    _refused(empty, "empty")
    assert empty.stat().st_size == 0
    text = tmp_path / "notes.elc"
    text.write_text("hello, this is not a database\n" * 200)
    _refused(text, "not an elc project")


def test_read_only_project_is_refused_and_leaves_nothing(closed_project):
    if os.geteuid() != 0:
        closed_project.chmod(0o444)
        _refused(closed_project, "read-only")
        return
    if not shutil.which("setpriv"):
        pytest.skip("running as root (which may write anything) and no setpriv to drop privileges")
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="elc-ro-"))  # a folder an unprivileged user can use
    try:
        home.chmod(0o777)
        target = home / "p.elc"
        shutil.copy(closed_project, target)
        target.chmod(0o444)
        env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": str(home)}
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                            "elc", "status", str(target)], capture_output=True, text=True, env=env, timeout=120,
                           cwd=home)
        if "read-only" not in r.stderr and ("Permission denied" in r.stderr or "No module named" in r.stderr):
            pytest.skip(f"the unprivileged user cannot run elc here: {r.stderr.strip()[-200:]}")
        assert r.returncode == 1 and "read-only" in r.stderr and "Traceback" not in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert sorted(p.name for p in home.iterdir()) == ["p.elc"]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_each_command_leaves_the_file_alone_complete(closed_project, tmp_path, transcript):
    from elc.coding import CodingSession

    runner = CliRunner()
    other = tmp_path / "P08-other.txt"
    other.write_text(transcript.read_text().replace("P07", "P08").replace("forty", "fifty"))
    r = runner.invoke(main, ["import", str(closed_project), str(other), "--community", "patients", "--no-deidentify"])
    assert r.exit_code == 0, r.output
    wal = Path(str(closed_project) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    r = runner.invoke(main, ["status", str(closed_project)])
    assert r.exit_code == 0 and (not wal.exists() or wal.stat().st_size == 0)
    alone = tmp_path / "copy" / "alone.elc"  # the .elc file without its -wal is the whole project
    alone.parent.mkdir()
    shutil.copy(closed_project, alone)
    with elc.open_project(alone) as p:
        assert len(p.sources()) == 2
    # an API script that never closes: the WAL is folded in at interpreter exit
    code = (f"import elc; from elc.coding import CodingSession; p = elc.open_project({str(closed_project)!r}); "
            "s = p.segments(role='participant').iloc[0]; "
            "CodingSession(p, 'zoe').apply(int(s.source_id), int(s.start), int(s.end), int(p.codes().id.iloc[0]))")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert not wal.exists() or wal.stat().st_size == 0
    shutil.copy(closed_project, alone)
    with elc.open_project(alone) as p:
        assert "zoe" in p.coders()
    assert CodingSession  # the API used above


def test_force_replaces_the_originals_sidecar(tmp_path, transcript):
    from elc.deid import originals
    from elc.ingest import ImportOptions, import_files

    path = tmp_path / "p.elc"
    p = elc.new_project(path, GUIDE, CODEBOOK)
    assert import_files(p, [transcript], ImportOptions(community="patients")).ok
    side = originals.sidecar_path(p)
    p.close()
    assert side.exists()
    r = CliRunner().invoke(main, ["new", str(path), "--guide", str(GUIDE), "--force"])
    assert r.exit_code == 0, r.output
    assert not side.exists()
    with elc.open_project(path) as p:
        assert len(p.sources()) == 0 and originals.status(p)["originals"] == 0


def test_a_writer_that_waits_too_long_gets_one_line(closed_project, monkeypatch):
    """Another process holds the write lock: the writer gives up with one line, nothing half-done."""
    from elc.coding import CodingSession
    from elc.store import database

    code = ("import sqlite3, sys, time; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "db.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(closed_project)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
        from elc.store import engines

        engines._close_all()
        p = elc.open_project(closed_project)
        with p.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout=300")
        seg = p.segments(role="participant").iloc[0]
        with pytest.raises(ProjectError, match="busy"):
            CodingSession(p, "alice").apply(int(seg.source_id), int(seg.start), int(seg.end), int(p.codes().id.iloc[0]))
        assert len(p.codings()) == 0
        p.close()
    finally:
        holder.kill()
        holder.wait()


def test_unreachable_server_is_one_line_without_the_password():
    pytest.importorskip("psycopg")
    result = CliRunner().invoke(main, ["status", "postgresql+psycopg://elc:s3cret@127.0.0.1:9/elc"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert "cannot reach the database server" in result.output and "s3cret" not in result.output
    assert len(result.output.strip().splitlines()) == 1
