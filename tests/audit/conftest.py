"""A small but real project for the audit: 14 interviews of the bundled sample (every family,
four formats, double-coded interviews, one interview the sample never coded) with the sample's
own coding, changes and manifest attributes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpora" / "llr-nepts"
SUBSET = ("P01", "P02", "P03", "P05", "P07", "P11", "P13", "C01", "C02", "C05", "D01", "D05", "D06", "N04",
          "N05", "S04")


def _subset_files() -> list[str]:
    from elc.ingest.manifest import read_manifests

    return sorted(name for name in read_manifests(CORPUS) if name[:3] in SUBSET)


@pytest.fixture(scope="session")
def sample_path(tmp_path_factory) -> Path:
    from elc import new_project
    from elc.coding.coded_tables import apply_segment_codings
    from elc.ingest import ImportOptions, import_files
    from elc.ingest.manifest import read_manifests
    from elc.insights.changes import load_changes_file

    folder = tmp_path_factory.mktemp("audit-sample")
    manifest = read_manifests(CORPUS)
    files = _subset_files()
    project = new_project(folder / "sample.elc", REPO / "interview_guides" / "llr-nepts.yaml",
                          REPO / "codebooks" / "llr-nepts.yaml")
    report = import_files(project, [CORPUS / f for f in files], ImportOptions(), metadata_for=lambda p: manifest[p.name])
    assert not report.failed, report.failed
    for table in sorted(CORPUS.glob("codings-*.csv")):
        with open(table, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows = [r for r in reader if r["file"] in files]
            fields = reader.fieldnames
        part = folder / table.name
        with open(part, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
        apply_segment_codings(project, part)
    load_changes_file(project, CORPUS / "changes.yaml")
    with project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    project.close()
    return folder / "sample.elc"


@pytest.fixture(scope="session")
def sample(sample_path):
    import elc

    p = elc.open_project(sample_path)
    yield p
    p.close()
