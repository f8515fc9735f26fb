"""No identifier the detector found leaves the originals sidecar: not in any export, not in the
project file. Every export the project has is produced (discovered by import, absent ones skipped)
and every byte of it is read, zip members included (xlsx, qdpx, docx)."""

from __future__ import annotations

import html
import importlib
import io
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from elc import new_project
from elc.coding import CodingSession
from elc.deid import originals as orig
from elc.ingest import ImportOptions, import_files
from tests.conftest import CODEBOOK, GUIDE

TRANSCRIPT = """Interviewer: Thanks for speaking with me today. Could you start by telling me a little about yourself?
P21: I'm Winifred Ashcombe. I live at 14 Larkspur Avenue, Oadby, LE2 4PQ, with my husband Reginald. My date of birth is 12/07/1941.
Interviewer: How do you book the transport?
P21: My daughter Philippa rings them on 07700 900461, or she emails from philippa.ashcombe@example.com. Sometimes my neighbour Mrs Thistlewood helps.
Interviewer: And the journey itself?
P21: The driver, Bartholomew, is ever so kind. They always ask for my NHS number, it's 450 557 7104, before they'll even talk to me.
Interviewer: Anything else you would change?
P21: Ring ahead. Philippa says the same. Winifred wants to know when they're coming, that's all. My GP at Larkspur Medical Centre agrees.
"""
PLANTED = ("Winifred Ashcombe", "14 Larkspur Avenue", "LE2 4PQ", "Reginald", "12/07/1941", "Philippa",
           "07700 900461", "philippa.ashcombe@example.com", "Thistlewood", "Bartholomew", "450 557 7104",
           "Larkspur Medical Centre")
CHANGES = """changes:
  - title: Ring ahead before every pick-up
    owner: Transport provider
    rationale: Patients wait by the door for hours.
    measures: [Share of pick-ups with a call ahead]
    codes: [Getting ready for pick up, The pick-up]
"""

# (module, function, target name): every export elc has or may grow; absent ones are skipped.
EXPORTS = (
    ("elc.export.csv_export", "export_csv", "csv"),
    ("elc.exchange.refi", "export_qdpx", "project.qdpx"),
    ("elc.exchange.refi", "export_qdc", "codebook.qdc"),
    ("elc.export.workbook", "write_workbook", "pack.xlsx"),
    ("elc.export.html", "write_html", "html"),
    ("elc.export.spec", "write_spec", "spec.md"),
    ("elc.export.spec", "write_spec", "spec.docx"),
    ("elc.export.you_said", "write_you_said", "you-said.html"),
)
REQUIRED = {"export_csv", "export_qdpx"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("privacy")
    project = new_project(folder / "privacy.elc", GUIDE, CODEBOOK)
    path = folder / "P21-call.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    report = import_files(project, [path], ImportOptions(community="patients"))  # de-identification on
    assert report.ok and report.imported[0]["detections"] >= len(PLANTED)
    # code every participant sentence, so quotes carry the replaced text into every export
    segs = project.segments(role="participant")
    session = CodingSession(project, "alice")
    codes = [project.code_id("Getting ready for pick up"), project.code_id("The pick-up"),
             project.code_id("Making the booking")]
    for i, seg in enumerate(segs.itertuples()):
        session.apply(int(seg.source_id), int(seg.start), int(seg.end), codes[i % len(codes)],
                      ("to-improve", "working-well")[i % 2], memo="quote for the workshop")
    from elc.insights.changes import load_changes_file

    changes = folder / "changes.yaml"
    changes.write_text(CHANGES, encoding="utf-8")
    load_changes_file(project, changes)
    with sqlite3.connect(orig.sidecar_path(project)) as db:
        originals = sorted({r[0] for r in db.execute("SELECT original FROM originals")})
    yield project, folder, originals
    project.close()


def _pattern(original: str) -> re.Pattern:
    body = r"\s+".join(re.escape(part) for part in original.split())
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)


def _texts(data: bytes, name: str):
    """Every readable form of a file: its bytes as text, XML/HTML-unescaped, and its zip members."""
    yield name, data.decode("utf-8", errors="replace")
    yield name + " (unescaped)", html.unescape(data.decode("utf-8", errors="replace"))
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for member in zf.namelist():
                yield from _texts(zf.read(member), f"{name}!{member}")


def _produce(project, folder: Path) -> tuple[dict[str, bytes], set[str]]:
    out_dir = folder / "exports"
    out_dir.mkdir(exist_ok=True)
    ran = set()
    for module_name, func_name, target in EXPORTS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        func = getattr(module, func_name, None)
        if func is None:
            continue
        func(project, out_dir / target)
        ran.add(func_name)
    files = {str(p.relative_to(out_dir)): p.read_bytes() for p in sorted(out_dir.rglob("*")) if p.is_file()}
    return files, ran


def test_the_detector_found_every_planted_identifier(built):
    _, _, originals = built
    found = " | ".join(originals)
    for planted in PLANTED:
        assert any(planted in o for o in originals), (planted, found)


def test_no_identifier_in_any_export(built):
    project, folder, originals = built
    files, ran = _produce(project, folder)
    assert REQUIRED <= ran, ran
    assert "html/appendix.html" in files and "you-said.html" in files  # the pack's appendix is screened too
    assert any(name.endswith(".csv") for name in files) and any(name.endswith(".qdpx") for name in files)
    assert any("[NHS number]" in text for name, data in files.items() for _, text in _texts(data, name))
    patterns = {o: (o.split()[0].casefold(), _pattern(o)) for o in originals}
    leaks = []
    for name, data in files.items():
        for where, text in _texts(data, name):
            low = text.casefold()
            for original, (first, rx) in patterns.items():
                if first in low and rx.search(text):  # cheap substring test first
                    leaks.append((original, where))
    assert not leaks, leaks


def test_project_file_has_none_and_the_sidecar_has_all(built):
    project, _, originals = built
    with project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data = Path(project.location).read_bytes()
    wal = Path(project.location + "-wal")
    data += wal.read_bytes() if wal.exists() else b""
    text = data.decode("utf-8", errors="replace")
    leaks = [o for o in originals if _pattern(o).search(text)]
    assert not leaks, leaks
    side = orig.sidecar_path(project).read_bytes().decode("utf-8", errors="replace")
    assert all(o in side for o in originals)
