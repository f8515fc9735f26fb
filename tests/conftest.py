"""Shared fixtures: a fresh project on the LLR NEPTS guide, small transcripts in every format."""

from __future__ import annotations

from pathlib import Path

import pytest

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
