"""Shared fixtures: a fresh project on the LLR NEPTS guide, small transcripts in every format."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The tests never read the developer's own workbench settings (~/.config/elc/config.yaml).
os.environ["ELC_CONFIG"] = str(Path(__file__).resolve().parent / "data" / "no-such-elc-config.yaml")

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "interview_guides" / "llr-nepts.yaml"
CODEBOOK = REPO / "codebooks" / "llr-nepts.yaml"
CORPUS = REPO / "corpora" / "llr-nepts"
NHS_DATA = REPO.parent / "shared" / "data" / "nhs-feedback-phase1" / "text_data.csv"

TRANSCRIPT = """[00:00:03] Interviewer: Thanks for talking to me. Can you tell me about making the booking?
[00:00:09] P07: Um, yeah. I ring the booking line, it's, er, 0116 496 0123, and you're on hold for ages.
Sometimes forty minutes, honestly.
[00:01:02] Interviewer: And the pick-up itself?
[00:01:05] P07: The driver, Dev, he's lovely. Always has a chat. But they came at half six in the morning
for a ten o'clock appointment at the Royal.
Wife: He was sat there in his coat from six!
P07: [laughs] I was. My NHS number is 943 476 5919 if you need it.
"""


def make_docx(path: Path, turns: list[tuple[str, str]]) -> Path:
    import docx

    document = docx.Document()
    for speaker, text in turns:
        para = document.add_paragraph()
        para.add_run(f"{speaker}:").bold = True
        para.add_run(f" {text}")
    document.save(str(path))
    return path


@pytest.fixture
def project(tmp_path):
    from elc import new_project

    p = new_project(tmp_path / "test.elc", GUIDE, CODEBOOK)
    yield p
    p.close()


@pytest.fixture
def transcript(tmp_path) -> Path:
    path = tmp_path / "P07-test.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


STAFF_TRANSCRIPT = """Interviewer: How do you get information about pick ups?
D02: The control room sends the jobs to the tablet the night before. It's usually right.
But then they change it on the day and nobody tells you.
Interviewer: And the relationship with passengers?
D02: I love my regulars. Some of them, we're the only people they talk to all week.
Interviewer: What about delays?
D02: The wards are never ready. We wait an hour for medication and the discharge letter.
Interviewer: One thing you'd change?
D02: Stop measuring us on how fast we pick up and measure how people are cared for.
"""


@pytest.fixture
def coded_project(project, transcript, tmp_path):
    """Two interviews, coded by alice (both) and bob (the first), for suggestions/agreement/themes."""
    from elc.coding import CodingSession
    from elc.ingest import ImportOptions, import_files

    staff = tmp_path / "D02-driver.txt"
    staff.write_text(STAFF_TRANSCRIPT)
    assert import_files(project, [transcript], ImportOptions(community="patients"), deidentify=False).ok
    assert import_files(project, [staff], ImportOptions(community="drivers"), deidentify=False).ok
    segs = project.segments(role="participant")
    plan = {
        "booking line": ("Making the booking", "to-improve"),
        "forty minutes": ("Waiting and delays", "to-improve"),
        "lovely": ("Relationship with crew (driver)", "working-well"),
        "half six": ("Early morning pick-ups", "to-improve"),
        "tablet": ("Getting information about pick ups", "working-well"),
        "nobody tells": ("Getting information about pick ups", "to-improve"),
        "regulars": ("Relationship with passengers (patients)", "working-well"),
        "medication": ("Waiting to leave at pick up point", "to-improve"),
        "measuring": ("Contract metrics and incentives", "to-improve"),
    }
    for coder in ("alice", "bob"):
        session = CodingSession(project, coder)
        for needle, (code, valence) in plan.items():
            hit = segs[segs.text.str.contains(needle)]
            if coder == "bob" and (needle == "lovely" or hit.source_id.iloc[0] != 1):
                continue
            row = hit.iloc[0]
            session.apply(int(row.source_id), int(row.start), int(row.end), project.code_id(code), valence)
    return project
