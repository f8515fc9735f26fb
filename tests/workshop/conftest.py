"""A project of the transport sample's programme with its ten candidate changes and no interviews:
enough for the workshop record (changes, communities, touchpoints) and fast to build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "elc" / "data" / "corpora" / "llr-nepts"
FIXTURE = CORPUS / "workshop-capture.xlsx"


def build_sample(path: Path) -> Path:
    from elc import new_project
    from elc.insights.changes import load_changes_file

    project = new_project(path, REPO / "interview_guides" / "llr-nepts.yaml", REPO / "codebooks" / "llr-nepts.yaml")
    load_changes_file(project, CORPUS / "changes.yaml")
    with project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    project.close()
    return path


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory) -> Path:
    return build_sample(tmp_path_factory.mktemp("workshop") / "sample.elc")


@pytest.fixture
def sample_path(sample_template, tmp_path) -> Path:
    target = tmp_path / "sample.elc"
    shutil.copy(sample_template, target)
    return target


@pytest.fixture
def sample(sample_path):
    import elc

    p = elc.open_project(sample_path)
    yield p
    p.close()


def dump(path: Path) -> dict:
    """Every row of every table (for 'the project is unchanged' checks)."""
    import sqlite3

    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: sorted(map(repr, db.execute(f'SELECT * FROM "{n}"').fetchall())) for n in names}
    finally:
        db.close()
