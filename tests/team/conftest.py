"""A small project with four interviews (no NLP model, no de-identification), built once."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from tests.tui.conftest import FOUR_INTERVIEWS, build_project


@pytest.fixture(scope="session")
def team_template(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("team-template")
    return build_project(d / "team.elc", FOUR_INTERVIEWS)


@pytest.fixture
def team_path(team_template, tmp_path) -> Path:
    target = tmp_path / "team.elc"
    shutil.copy(team_template, target)
    return target


@pytest.fixture
def team_pg_url():
    """A fresh PostgreSQL database with the same four interviews (needs ELC_TEST_PG_URL)."""
    base = os.environ.get("ELC_TEST_PG_URL")
    if not base:
        pytest.skip("no PostgreSQL server (set ELC_TEST_PG_URL)")
    psycopg = pytest.importorskip("psycopg")
    from elc import new_project
    from elc.ingest import ImportOptions, import_files
    from tests.tui.conftest import CODEBOOK, GUIDE, blank_nlp

    name = f"elc_team_{uuid.uuid4().hex[:10]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"create database {name}")
    url = base.rsplit("/", 1)[0] + "/" + name
    project = new_project(url, GUIDE, CODEBOOK)
    nlp = blank_nlp()
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    for fname, community, text in FOUR_INTERVIEWS:
        f = folder / f"{name}-{fname}"
        f.write_text(text, encoding="utf-8")
        assert import_files(project, [f], ImportOptions(community=community), deidentify=False, nlp=nlp).ok
        f.unlink()
    project.close()
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"drop database {name} with (force)")
