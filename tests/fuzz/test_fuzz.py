"""The fuzz suite (issue 12.6): malformed inputs per format, fixed seed, bounded time and memory.

For every case: the exit code is 0 (imported) or 1 (refused) and never a crash; a refusal is one
line naming the file with no traceback and leaves the project byte-identical (``elc new`` and
``import-qdpx`` leave no file at all); an import stores no planted identifier (the project and a
CSV export are searched); each case finishes within ``CASE_SECONDS``. Cases run in-process
through Click's CliRunner; a handful run as subprocesses under RLIMIT_AS with their peak RSS
measured. ``python -m tests.fuzz.test_fuzz`` prints the counts per format.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from elc.cli import main
from tests.fuzz.cases import CHECKS, GENERATORS, NAME, PHONE, Case, cases_for
from tests.fuzz import hostile

CASE_SECONDS = 30  # generous for a loaded 2-core CI machine; typical cases take well under 1 s
EXPORT_EVERY = 4  # export CSV for every n-th accepted case with planted identifiers
FORMATS = (*GENERATORS, "qdpx")


def _dump(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def _found(text: str, planted: list[str]) -> list[str]:
    low = text.lower()
    return [p for p in planted for needle in CHECKS.get(p, (p.lower(),)) if needle in low]


def _one_line(output: str, where: str) -> str | None:
    lines = [line for line in output.splitlines() if line.strip()]
    if "Traceback" in output:
        return "traceback"
    if len(lines) != 1 or not lines[0].startswith("elc: ") or where not in lines[0]:
        return f"not one line naming the file: {output.strip()[:160]!r}"
    return None


class Runner:
    """Runs cases of one format against copies of a template project."""

    def __init__(self, root: Path, template: Path):
        self.root, self.template = root, template
        self.accepted_with_planted = 0

    def _fresh(self, case_dir: Path) -> Path:
        case_dir.mkdir(parents=True)
        project = case_dir / "p.elc"
        shutil.copyfile(self.template, project)
        return project

    def run(self, case: Case, index: int) -> list[str]:
        case_dir = self.root / f"{case.fmt}-{index}"
        (case_dir / "in").mkdir(parents=True)
        source = case_dir / "in" / case.filename
        source.write_bytes(case.data)
        if case.fmt == "guide":
            return self._run_new(case, case_dir, source)
        if case.fmt == "qdpx":
            return self._run_qdpx(case, case_dir, source)
        project = self._fresh(case_dir / "work")
        before_bytes, before = project.read_bytes(), _dump(project)
        t0 = time.perf_counter()
        result = CliRunner().invoke(main, ["import", str(project), str(source)])
        elapsed = time.perf_counter() - t0
        problems = self._common(result, elapsed)
        if result.exit_code != 0:
            problems += [p for p in [_one_line(result.output, case.filename)] if p]
            if project.read_bytes() != before_bytes or _dump(project) != before:
                problems.append("refused but the project changed")
        else:
            if case.must_refuse:
                problems.append("accepted a file that must be refused")
            leaked = _found(_dump(project), case.planted)
            if case.planted:
                self.accepted_with_planted += 1
                if self.accepted_with_planted % EXPORT_EVERY == 1:
                    out = case_dir / "work" / "out"
                    exported = CliRunner().invoke(main, ["export", str(project), "--csv", str(out)])
                    problems += self._common(exported, 0)
                    leaked += _found("\n".join(p.read_text("utf-8", "replace") for p in out.glob("*.csv")),
                                     case.planted)
            if leaked:
                problems.append(f"planted identifier stored: {sorted(set(leaked))}")
        shutil.rmtree(case_dir, ignore_errors=True)
        return problems

    @staticmethod
    def _common(result, elapsed: float) -> list[str]:
        problems = []
        if result.exit_code not in (0, 1):
            problems.append(f"exit code {result.exit_code}")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(f"crashed: {type(result.exception).__name__}: {str(result.exception)[:100]}")
        if elapsed > CASE_SECONDS:
            problems.append(f"took {elapsed:.0f} s")
        return problems

    def _run_new(self, case: Case, case_dir: Path, source: Path) -> list[str]:
        return self._run_creating(case, case_dir, lambda target: ["new", target, "--guide", str(source)], "guide")

    def _run_qdpx(self, case: Case, case_dir: Path, source: Path) -> list[str]:
        return self._run_creating(case, case_dir, lambda target: ["import-qdpx", str(source), target], ".qdpx")

    def _run_creating(self, case: Case, case_dir: Path, argv, what: str) -> list[str]:
        """A verb that creates a project from ``source``: a refusal is one line and leaves nothing."""
        work = case_dir / "work"
        work.mkdir()
        t0 = time.perf_counter()
        result = CliRunner().invoke(main, argv(str(work / "p.elc")))
        problems = self._common(result, time.perf_counter() - t0)
        if result.exit_code != 0:
            problems += [p for p in [_one_line(result.output, case.filename)] if p]
            if os.listdir(work):
                problems.append(f"refused but left {os.listdir(work)}")
        elif case.must_refuse:
            problems.append(f"accepted a {what} that must be refused")
        shutil.rmtree(case_dir, ignore_errors=True)
        return problems


def qdpx_cases(base: bytes) -> list[Case]:
    rng = random.Random("qdpx")
    cases = [Case("qdpx", "clean", "p.qdpx", base)]
    cases += [Case("qdpx", f"flip-{i}", "p.qdpx", hostile.flip_bytes(base, rng, rng.choice((1, 4, 32))))
              for i in range(8)]
    cases += [Case("qdpx", f"truncate-{i}", "p.qdpx", hostile.truncate(base, rng)) for i in range(3)]
    cases.append(Case("qdpx", "lying-size", "p.qdpx", hostile.lying_zip(base, "project.qde", 10), must_refuse=True))
    cases.append(Case("qdpx", "not-a-zip", "p.qdpx", b"PK\x03\x04" + os.urandom(500), must_refuse=True))
    return cases


def build_template(root: Path) -> Path:
    from elc import new_project
    from tests.conftest import CODEBOOK, GUIDE

    root.mkdir(parents=True, exist_ok=True)
    path = root / "template.elc"
    new_project(path, GUIDE, CODEBOOK).close()
    for extra in ("-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)
    return path


def build_qdpx(root: Path, template: Path) -> bytes:
    from tests.conftest import TRANSCRIPT

    work = root / "qdpx-base"
    work.mkdir(parents=True, exist_ok=True)
    project = work / "p.elc"
    shutil.copyfile(template, project)
    (work / "P07-call.txt").write_text(TRANSCRIPT, encoding="utf-8")
    assert CliRunner().invoke(main, ["import", str(project), str(work / "P07-call.txt")]).exit_code == 0
    assert CliRunner().invoke(main, ["export", str(project), "--qdpx", str(work / "p.qdpx")]).exit_code == 0
    return (work / "p.qdpx").read_bytes()


def run_format(fmt: str, root: Path, template: Path) -> tuple[int, list[tuple[str, list[str]]]]:
    cases = qdpx_cases(build_qdpx(root, template)) if fmt == "qdpx" else cases_for(fmt)
    runner = Runner(root, template)
    failures = []
    for i, case in enumerate(cases):
        problems = runner.run(case, i)
        if problems:
            failures.append((case.name, problems))
    return len(cases), failures


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("fuzz-template"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_fuzz_format(fmt, template, tmp_path):
    n, failures = run_format(fmt, tmp_path, template)
    assert n >= 10
    assert not failures, f"{len(failures)} of {n} {fmt} cases failed: {failures}"


# --------------------------------------------------------------------------- memory, in subprocesses
MEMORY_MB = 500
SUBPROCESS_CASES = [  # (name, file name, bytes builder, argv builder)
    ("xlsx-claims-whole-sheet", "survey.xlsx",
     lambda: hostile.minimal_xlsx([["respondent", "comment"], [NAME, "The driver was late."]], "A1:XFD1048576")),
    ("xlsx-bomb-1gb", "survey.xlsx", lambda: hostile.lying_zip(hostile.xlsx_bomb(100), "xl/worksheets/sheet1.xml",
                                                               1024 ** 3)),
    ("docx-bomb-150mb", "P01.docx", lambda: hostile.docx_bomb(150)),
    ("brackets-40k", "P01.txt", lambda: b"P01: " + b"[" * 40_000 + b"\n"),
    ("colon-lines-3.4mb", "P01.txt", lambda: (b"P01: " + b":" * 95 + b"\n") * 34_000),
]  # the 3.4 MB single line of colons and planted respondent ids run in-process (cases.py)


# A child's peak RSS (wait4's ru_maxrss) includes the RSS of the process that spawned it at the
# moment of exec (the kernel records the old address space's high-water mark), so measuring
# ``elc`` from a pytest worker that has loaded a model would report the worker's size. A small,
# fresh launcher process spawns ``elc`` under RLIMIT_AS, waits for it and reports its usage.
_LAUNCHER = r"""
import json, os, resource, subprocess, sys, time
cap, timeout, out, err, argv = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
with open(out, "wb") as fo, open(err, "wb") as fe:
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=fo, stderr=fe, preexec_fn=limit)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - t0 > timeout:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "seconds": time.perf_counter() - t0,
                  "rss_mb": usage.ru_maxrss / 1024}))
"""
ADDRESS_SPACE = 4 * 1024 ** 3  # a hard stop far above the RSS bound asserted below


def run_subprocess(argv: list[str], cwd: Path, timeout: float = 120) -> tuple[int, str, float, float]:
    """(exit code, stderr, seconds, peak RSS in MB) of ``python -m elc ARGV`` under RLIMIT_AS."""
    import json

    out, err = cwd / "stdout", cwd / "stderr"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    launched = subprocess.run([sys.executable, "-c", _LAUNCHER, str(ADDRESS_SPACE), str(timeout), str(out), str(err),
                               sys.executable, "-m", "elc", *argv], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout + 60)
    assert launched.returncode == 0, launched.stderr[-2000:]
    res = json.loads(launched.stdout.strip().splitlines()[-1])
    return res["code"], err.read_text("utf-8", "replace"), res["seconds"], res["rss_mb"]


def test_the_memory_measure_is_the_childs_own_not_the_spawners(tmp_path):
    """A pytest worker that holds 600 MB must not make ``elc --help`` look 600 MB big."""
    ballast = bytearray(600 * 1024 ** 2)
    ballast[:: 4096] = b"x" * len(ballast[:: 4096])  # touch every page: resident
    code, _, _, rss = run_subprocess(["--help"], tmp_path)
    assert code == 0 and rss < 300, rss
    del ballast


@pytest.mark.parametrize("name, filename, build", SUBPROCESS_CASES, ids=[c[0] for c in SUBPROCESS_CASES])
def test_bounded_time_and_memory_in_a_subprocess(name, filename, build, template, tmp_path):
    project = tmp_path / "p.elc"
    shutil.copyfile(template, project)
    source = tmp_path / filename
    source.write_bytes(build())
    before = project.read_bytes()
    code, err, seconds, rss = run_subprocess(["import", str(project), str(source)], tmp_path)
    assert code in (0, 1), err
    assert "Traceback" not in err and len([line for line in err.splitlines() if line.strip()]) <= 1, err
    if code == 1:
        assert project.read_bytes() == before
    assert NAME not in _dump(project) and PHONE not in _dump(project)
    assert seconds < 90, f"{name}: {seconds:.0f} s"
    assert rss < MEMORY_MB, f"{name}: peak RSS {rss:.0f} MB"


def test_yaml_bomb_in_a_subprocess(tmp_path):
    guide = tmp_path / "bomb.yaml"
    guide.write_text(hostile.yaml_anchor_bomb(9), encoding="utf-8")
    code, err, seconds, rss = run_subprocess(["new", str(tmp_path / "p.elc"), "--guide", str(guide)], tmp_path)
    assert code == 1 and "expands to more than" in err and "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == ["bomb.yaml", "stderr", "stdout"]
    assert seconds < 60 and rss < MEMORY_MB


if __name__ == "__main__":  # counts per format, for the note
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        tpl = build_template(Path(tmp) / "template")
        total = held = 0
        for fmt in (sys.argv[1:] or FORMATS):
            t0 = time.perf_counter()
            n, failures = run_format(fmt, Path(tmp) / fmt, tpl)
            total, held = total + n, held + n - len(failures)
            print(f"{fmt:6} cases {n:3}  held {n - len(failures):3}  ({time.perf_counter() - t0:.0f} s)")
            for name, problems in failures:
                print(f"    {name}: {'; '.join(problems)}")
        print(f"all    cases {total:3}  held {held:3}")
