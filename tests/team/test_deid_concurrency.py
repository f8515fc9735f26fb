"""De-identification state under concurrent writers: one tag never stands for two people, and a
name added while an import runs reaches every source (issue 10.1 / 12.3)."""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CODEBOOK, GUIDE
from tests.team import deid_workers as w

REPO = Path(__file__).resolve().parents[2]
SURNAMES = ["Thornton", "Pendleton", "Ashworth", "Blackwood", "Cartwright", "Fairbairn", "Gladstone",
            "Hargreaves", "Kingsley", "Lockhart", "Merriweather", "Northcott"]


def _env():
    return {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.fixture
def deid_project(tmp_path):
    import elc

    path = tmp_path / "deid.elc"
    elc.new_project(path, GUIDE, CODEBOOK).close()
    return path


def _files(tmp: Path, prefix: str, surnames: list[str], extra: str = "") -> list[str]:
    out = []
    for i, surname in enumerate(surnames):
        f = tmp / f"{prefix}{i:02d}.txt"
        f.write_text(w.interview(f"{prefix}{i:02d}", surname, extra), encoding="utf-8")
        out.append(str(f))
    return out


def _tags_by_person(path: Path) -> dict[str, set[str]]:
    """Each person tag -> the surnames it replaced (from the originals sidecar)."""
    import elc
    from elc.deid import originals
    from elc.deid.pseudonymiser import normalise_name

    with elc.open_project(path) as p:
        with p.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT id, replacement FROM deid_detections").fetchall()
        kept = originals.originals_for(p, [r[0] for r in rows])
    out: dict[str, set[str]] = {}
    for did, tag in rows:
        if did in kept:
            out.setdefault(tag, set()).add(normalise_name(kept[did])[0])
    return out


def test_two_imports_at_once_never_share_a_tag(deid_project, tmp_path):
    a = _files(tmp_path, "P1", SURNAMES[:6])
    b = _files(tmp_path, "P2", SURNAMES[6:])
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=w.import_files, args=(str(deid_project), files)) for files in (a, b)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
        assert p.exitcode == 0
    tags = _tags_by_person(deid_project)
    assert sum(len(v) for v in tags.values()) == 12, tags
    shared = {t: v for t, v in tags.items() if len(v) > 1}
    assert not shared, f"one tag for two people: {shared}"


class _Hooked:
    """The import's spaCy pipeline, with another process's action run while it parses one file."""

    def __init__(self, nlp, marker: str, action):
        self._nlp, self._marker, self._action, self.fired = nlp, marker, action, False

    def pipe(self, texts, **kw):
        texts = list(texts)
        if not self.fired and any(self._marker in t for t in texts):
            self.fired = True
            self._action()
        return self._nlp.pipe(texts, **kw)

    def __getattr__(self, name):
        return getattr(self._nlp, name)

    def __call__(self, text):
        return self._nlp(text)


def _other_process(*args):
    subprocess.run([sys.executable, "-m", "tests.team.deid_workers", *map(str, args)], check=True, env=_env(),
                   timeout=300, cwd=REPO)


def test_import_rebuilds_when_another_import_minted_tags_meanwhile(deid_project, tmp_path):
    """Another process imports (and so mints [Person 1]) between this import's parse and store."""
    import elc
    from elc.ingest import ImportOptions, import_files

    mine = _files(tmp_path, "P3", ["Thornton"])
    theirs = _files(tmp_path, "P4", ["Pendleton"])
    nlp = _Hooked(w.blank_nlp(), "Thornton", lambda: _other_process("import", deid_project, *theirs))
    with elc.open_project(deid_project) as p:
        report = import_files(p, [Path(mine[0])], ImportOptions(community="patients"), nlp=nlp)
    assert nlp.fired and report.ok, report.failed
    tags = _tags_by_person(deid_project)
    assert sorted(map(sorted, tags.values())) == [["pendleton"], ["thornton"]], tags


def test_name_added_during_an_import_reaches_every_source(deid_project, tmp_path):
    """`deidentify --add-name` from another process while an import parses: no source keeps it."""
    import elc
    from elc.ingest import ImportOptions, import_files

    files = _files(tmp_path, "P5", SURNAMES[:4], extra="And Quillon said so too.")
    nlp = _Hooked(w.blank_nlp(), SURNAMES[2], lambda: _other_process("add_name", deid_project, "Quillon"))
    with elc.open_project(deid_project) as p:
        report = import_files(p, [Path(f) for f in files], ImportOptions(community="patients"), nlp=nlp)
        assert nlp.fired and report.ok, report.failed
        texts = list(p.sources().id.map(p.source_text))
    assert len(texts) == 4
    assert not [t for t in texts if "Quillon" in t]


def test_add_name_and_imports_at_once(deid_project, tmp_path):
    """Real races: two importers and a reviewer adding a name, all at once."""
    a = _files(tmp_path, "P6", SURNAMES[:5], extra="And Quillon said so too.")
    b = _files(tmp_path, "P7", SURNAMES[5:10], extra="And Quillon said so too.")
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=w.import_files, args=(str(deid_project), files)) for files in (a, b)]
    procs.append(ctx.Process(target=w.add_name, args=(str(deid_project), "Quillon")))
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
        assert p.exitcode == 0
    import elc

    with elc.open_project(deid_project) as p:
        texts = list(p.sources().id.map(p.source_text))
    assert len(texts) == 10 and not [t for t in texts if "Quillon" in t]
    tags = _tags_by_person(deid_project)
    assert not {t: v for t, v in tags.items() if len(v) > 1 and t.startswith("[Person")}
