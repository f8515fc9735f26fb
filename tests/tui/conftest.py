"""Fixtures for the coding workbench: a small deterministic project, built once and copied per test.

Transcripts are written here (not taken from the bundled corpus) and imported with a blank spaCy
pipeline and de-identification off, so the project is fast to build and identical every run.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "interview_guides" / "llr-nepts.yaml"
CODEBOOK = REPO / "codebooks" / "llr-nepts.yaml"
SIZE = (120, 36)

TRANSCRIPT = """[00:00:03] Interviewer: Thanks for talking to me. Can you tell me about making the booking?
[00:00:09] P07: Um, yeah. I ring the booking line and you're on hold for ages.
Sometimes forty minutes, honestly.
[00:01:02] Interviewer: And the pick-up itself?
[00:01:05] P07: The driver, Dev, he's lovely. Always has a chat. But they came at half six in the morning
for a ten o'clock appointment at the Royal.
Wife: He was sat there in his coat from six!
P07: [laughs] I was. It's the waiting that gets you.
"""

CARER = """Interviewer: How did the escort arrangements work for you?
C02: They said I couldn't go with him. He has dementia, he doesn't know where he is.
C02: So I followed the ambulance in my own car. The parking at the hospital cost me twelve pounds.
Interviewer: Did anyone explain why?
C02: Nobody told us anything. I rang the control room three times and they had no idea when he would be home.
"""

DRIVER = """Interviewer: What does a normal shift look like?
D03: I start at six. The jobs come through on the tablet but the planning is all over the place.
D03: We get patients who are not ready, no discharge letter, no medication, and we wait an hour on the ward.
Interviewer: And the regular passengers?
D03: The dialysis lot, I know them all. It's a chat and a laugh. For some of them I'm the only person they see.
"""

PATIENT2 = """Interviewer: Tell me about getting home after your appointment.
P09: Getting home is the worst part. I waited four hours in the discharge lounge.
P09: Nobody came to tell me what was happening. I was hungry and cold.
Interviewer: How did that affect you?
P09: I missed my tablets at teatime. My daughter had to take the day off work.
"""


def blank_nlp():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def build_project(path: Path, files: list[tuple[str, str, str]]) -> Path:
    """files: (file name, community, text)."""
    from elc import new_project
    from elc.ingest import ImportOptions, import_files

    project = new_project(path, GUIDE, CODEBOOK, overwrite=True)
    nlp = blank_nlp()
    for name, community, text in files:
        f = path.parent / name
        f.write_text(text, encoding="utf-8")
        report = import_files(project, [f], ImportOptions(community=community), deidentify=False, nlp=nlp)
        assert report.ok and report.imported, (report.failed, report.skipped)
    with project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    project.close()
    return path


# (file name, community, text): the small project the workbench and team tests share
FOUR_INTERVIEWS = [
    ("P07-booking.txt", "patients", TRANSCRIPT),
    ("C02-escort.txt", "carers", CARER),
    ("D03-shift.txt", "drivers", DRIVER),
    ("P09-home.txt", "patients", PATIENT2),
]


@pytest.fixture(scope="session")
def template_project(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tui-template")
    return build_project(d / "tui.elc", FOUR_INTERVIEWS)


@pytest.fixture
def elc_path(template_project, tmp_path) -> Path:
    """A fresh copy of the template project for one test."""
    target = tmp_path / "project.elc"
    shutil.copy(template_project, target)
    return target


def run(coro):
    """Run an async test scenario (no pytest-asyncio needed)."""
    return asyncio.run(coro)


@pytest.fixture(scope="session")
def themed_template(template_project, tmp_path_factory):
    """The workbench template project with one theme run (a few seconds, once per session)."""
    from elc.themes.service import run_themes

    target = tmp_path_factory.mktemp("tui-themes") / "themes.elc"
    shutil.copy(template_project, target)
    from elc import open_project

    p = open_project(target)
    run_themes(p)
    with p.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    p.close()
    return target


@pytest.fixture
def themed_path(themed_template, tmp_path):
    target = tmp_path / "themes.elc"
    shutil.copy(themed_template, target)
    return target
