"""Each transcript layout (tests/data/layouts) imports with the right speakers, roles, timestamps
and turn count, as .txt and as .docx where the layout exists in both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from elc.ingest import ImportOptions, import_files

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"


def as_docx(src: Path, dst: Path) -> Path:
    """The .txt fixture as a Word document, one paragraph per line (as the tools export it)."""
    import docx

    document = docx.Document()
    for line in src.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(str(dst))
    return dst


def fixture(name: str, tmp_path: Path, stem: str, suffix: str | None = None) -> Path:
    src = LAYOUTS / name
    suffix = suffix or src.suffix
    dst = tmp_path / f"{stem}{suffix}"
    if suffix == ".docx":
        return as_docx(src, dst)
    shutil.copy(src, dst)
    return dst


def turns_of(project):
    segs = project.segments(kind=None)
    turns = segs[segs.kind == "turn"]
    for row in segs.itertuples():  # every segment is a valid span of the stored text
        assert project.source_text(row.source_id)[row.start:row.end] == row.text
    return turns


def source_meta(project) -> dict:
    import json

    from sqlalchemy import select

    from elc.store import schema as s

    with project.engine.connect() as conn:
        return json.loads(conn.execute(select(s.sources.c.metadata)).scalar_one())


# name, file, layout, speakers stored, roles, first timestamps, interviewer found by
CASES = [
    ("otter", "otter.txt", "otter-style", ["Interviewer", "P21"] * 3, [2.0, 9.0, 31.0, 38.0, 3725.0, 3731.0],
     "most questions"),
    ("rev", "rev.txt", "name-(timestamp)", ["Interviewer", "P22"] * 2, [0.0, 6.0, 70.0, 75.0], "most questions"),
    ("inline", "name-ts-inline.txt", "name-(timestamp)", ["Interviewer", "P23"] * 2, [1.0, 5.0, 62.0, 69.0],
     "most questions"),
    ("bracket", "bracket-ts.txt", "timestamped-labels", ["Interviewer", "D11"] * 2, [3.0, 11.0, 20.0, 24.0],
     "label"),
    ("word", "word-transcribe.txt", "word-transcribe", ["Interviewer", "D12"] * 2, [0.0, 4.0, 75.0, 78.0],
     "most questions"),
    ("teams-download", "teams-download.txt", "teams-transcript", ["Interviewer", "P24"] * 2, [3.0, 9.0, 20.0, 24.0],
     "most questions"),
    ("teams-cues", "teams-cues.txt", "teams-cues", ["Interviewer", "P25"] * 2, [1.52, 5.9, 12.5, 15.4],
     "most questions"),
    ("zoom-cues", "zoom-cues.txt", "zoom-cues", ["Interviewer", "P26"] * 2, [0.48, 4.9, 10.5, 12.2],
     "most questions"),
]


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_layout_imports_with_speakers_roles_timestamps(project, tmp_path, case, suffix):
    _, name, layout, speakers, stamps, how = case
    pid = speakers[1]
    path = fixture(name, tmp_path, f"{pid}-interview", suffix)
    report = import_files(project, [path], deidentify=False)
    assert report.ok, report.failed
    assert not report.warnings, report.warnings
    sp = report.plans[0].sources[0]
    assert sp.layout == layout and sp.interviewer.how == how
    assert report.imported[0]["turns"] == len(speakers)
    turns = turns_of(project)
    assert turns.speaker.tolist() == speakers
    assert turns.role.tolist() == ["interviewer" if s == "Interviewer" else "participant" for s in speakers]
    assert turns.ts_start.tolist() == stamps
    assert project.participants().id.tolist() == [pid]  # the interviewer is never a participant
    assert not turns.text.str.contains("Jane|Doe|Morgan|Shah|Grant|Patel|Reed|Speaker").any()
    summary = report.imported[0]["summary"][0]
    assert summary.startswith(f"{layout}: {len(speakers)} turns, 2 speakers, timestamps kept")


def test_otter_header_becomes_metadata_not_text(project, tmp_path):
    path = fixture("otter.txt", tmp_path, "P21-call")
    assert import_files(project, [path], deidentify=False).ok
    text = project.source_text(int(project.segments().source_id.iloc[0]))
    for header_text in ("SUMMARY KEYWORDS", "SPEAKERS", "Transcribed by", "otter.ai"):
        assert header_text not in text
    meta = source_meta(project)
    assert meta["layout"] == "otter-style"
    assert meta["keywords"] == ["transport", "booking line", "pick up", "dialysis", "waiting"]
    assert meta["header_speakers"] == 2 and meta["transcribed_by"] == "https://otter.ai"
    assert meta["speakers"] == {"Interviewer": "interviewer", "P21": "participant"}
    assert "Jane" not in str(meta)
    # the continuation paragraph stays in the participant's first turn
    assert "Sometimes forty minutes" in turns_of(project).text.iloc[1]


def test_teams_download_title_and_events_are_metadata(project, tmp_path):
    path = fixture("teams-download.txt", tmp_path, "P24-teams", ".docx")
    assert import_files(project, [path], deidentify=False).ok
    meta = source_meta(project)
    assert meta["title"] == "Transport interview"
    assert meta["header"] == ["7 December 2026, 10:02", "32m 10s"] and meta["transcription_events"] == 2
    assert "transcription" not in " ".join(turns_of(project).text)


@pytest.mark.parametrize("name,layout", [("teams.vtt", "teams-vtt"), ("zoom.vtt", "zoom-vtt")])
def test_meeting_tool_vtt(project, tmp_path, name, layout):
    path = fixture(name, tmp_path, "P27-call")
    report = import_files(project, [path], deidentify=False)
    assert report.ok, report.failed
    assert report.plans[0].sources[0].layout == layout
    turns = turns_of(project)
    assert turns.speaker.tolist() == ["Interviewer", "P27", "Interviewer", "P27"]
    assert turns.ts_start.tolist()[:2] == [1.0, 5.0] if layout == "teams-vtt" else [0.0, 4.0]
    # multi-line cues are joined, consecutive cues of one speaker merged
    assert "wheelchair" in turns.text.iloc[1] or "one." in turns.text.iloc[1]


def test_speaker_in_every_file_is_the_interviewer(project, tmp_path):
    """Teams and Zoom calls of one study: Jane Doe is in both, so she is the interviewer even
    when she asks no more questions than the participant."""
    a = fixture("teams.vtt", tmp_path, "P31-a")
    b = fixture("zoom.vtt", tmp_path, "P32-b")
    report = import_files(project, [a, b], deidentify=False)
    assert report.ok, report.failed
    assert [p.sources[0].interviewer.how for p in report.plans] == ["in every file", "in every file"]
    assert sorted(project.participants().id) == ["P31", "P32"]
    segs = project.segments(kind="turn")
    assert set(segs[segs.role == "interviewer"].speaker) == {"Interviewer"}


def test_interviewer_option_is_remembered_without_the_name(project, tmp_path):
    first = fixture("name-ts-inline.txt", tmp_path, "P23-first")
    report = import_files(project, [first], ImportOptions(interviewers=("alex  MORGAN",)), deidentify=False)
    assert report.plans[0].sources[0].interviewer.how == "given"
    second = tmp_path / "P28-second.txt"
    second.write_text("Alex Morgan (00:00:01): Hello again.\nSam Lee (00:00:03): Hi. What do you need?\n"
                      "Alex Morgan (00:00:09): Just the return journey.\nSam Lee (00:00:12): Which day? Why?\n")
    report = import_files(project, [second], deidentify=False)
    sp = report.plans[0].sources[0]
    assert sp.interviewer.how == "project list" and sp.interviewer.labels == ("Alex Morgan",)
    assert sorted(project.participants().id) == ["P23", "P28"]
    assert project.segments(role="interviewer").speaker.unique().tolist() == ["Interviewer"]
    from sqlalchemy import select

    from elc.store import schema as s

    with project.engine.connect() as conn:
        meta = " ".join(str(v) for v in conn.execute(select(s.meta.c.value)).scalars())
    assert "morgan" not in meta.lower()


def test_names_never_stored_even_as_other_speakers(tmp_path):
    """De-identification on: speaker names reach no table; one label per person."""
    from elc import new_project
    from tests.conftest import GUIDE

    path = tmp_path / "P29-three.txt"
    path.write_text("Jane Doe  0:01\nHow was the journey?\n\nRobert Hale  0:05\nLate again.\n\n"
                    "Maria Hale  0:09\nHe waited three hours, I was there.\n\nJane Doe  0:15\nThanks Maria. Why was that?\n\n"
                    "Robert Hale  0:20\nNobody knows. Nobody ever tells us anything about the crews or the times.\n")
    project = new_project(tmp_path / "p.elc", GUIDE)
    try:
        report = import_files(project, [path])
        assert report.ok, report.failed
        assert project.segments(kind="turn").speaker.tolist() == ["Interviewer", "P29", "Speaker 2",
                                                                  "Interviewer", "P29"]
    finally:
        project.close()
    # the project file (the originals sidecar beside it is where replaced names belong)
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("p.elc*") if not p.name.endswith(".originals"))
    for name in (b"Jane", b"Robert", b"Maria", b"Hale"):
        assert name not in blob
    assert b"Thanks [" in blob  # the name said in the text is replaced too


def test_typed_notes_are_one_participant_turn(project, tmp_path):
    for suffix in (".txt", ".docx"):
        path = fixture("notes.txt", tmp_path, f"C1{len(suffix)}-notes", suffix)
        report = import_files(project, [path], deidentify=False)
        assert report.ok, report.failed
        assert report.plans[0].sources[0].layout == "notes" and not report.warnings
    turns = turns_of(project)
    assert len(turns) == 2 and set(turns.role) == {"participant"}
    assert not turns.text.str.contains("Telephone interview notes").any()  # the title is metadata
    assert "Booking: she finds" in turns.text.iloc[0]


def test_giant_single_turn_warns_with_likely_layout(project, tmp_path):
    lines = []
    for i in range(20):  # speaker lines elc cannot read (lower-case names): all one turn
        lines += [f"{'jane' if i % 2 == 0 else 'speaker one'}  {i}:0{i % 10}",
                  "and then we waited for the transport for a very long time again " * 2, ""]
    path = tmp_path / "P30-odd.txt"
    path.write_text("\n".join(lines))
    report = import_files(project, [path], deidentify=False)
    assert report.ok
    assert len(report.warnings) == 1
    warning = report.warnings[0]
    assert str(path) in warning and "single turn of" in warning and "timestamps" in warning


def test_header_speaker_count_mismatch_warns(project, tmp_path):
    text = (LAYOUTS / "otter.txt").read_text().replace("Jane Doe, Speaker 1", "Jane Doe, Speaker 1, Speaker 2")
    path = tmp_path / "P21-mismatch.txt"
    path.write_text(text)
    report = import_files(project, [path], deidentify=False)
    assert report.ok
    assert any("header lists 3 speaker(s) but 2 were found" in w and str(path) in w for w in report.warnings)


def test_dry_run_shows_the_parse_and_leaves_the_project_byte_identical(project, tmp_path):
    from click.testing import CliRunner

    from elc.cli import main

    target = tmp_path / "test.elc"  # the project fixture's file
    project.close()
    files = [fixture("otter.txt", tmp_path, "P21-otter"), fixture("teams.vtt", tmp_path, "P27-teams")]
    before = {p.name: p.read_bytes() for p in tmp_path.glob("test.elc*")}
    res = CliRunner().invoke(main, ["import", str(target), *map(str, files), "--dry-run",
                                    "--interviewer", "Jane Doe"])
    assert res.exit_code == 0, res.output
    after = {p.name: p.read_bytes() for p in tmp_path.glob("test.elc*")}
    assert after == before
    out = res.output
    assert "P21-otter.txt: otter-style: 6 turns, 2 speakers, timestamps kept; interviewer: a named speaker (given)" in out
    # a named interviewer appears only in the dry run's speaker mapping (label -> what is stored)
    assert all(line.startswith("  speakers: Jane Doe -> Interviewer") for line in out.splitlines() if "Jane Doe" in line)
    assert "Speaker 1 -> P21 (participant)" in out and "[0:02] Interviewer: Thanks for agreeing" in out
    assert "teams-vtt" in out and "nothing stored" in out


def test_manifest_interviewer_name_is_coded_not_stored(project, tmp_path):
    from sqlalchemy import select

    from elc.store import schema as s

    path = fixture("teams-download.txt", tmp_path, "call-one")
    meta = {"participant": "P40", "community": "patients", "interviewer": "Jane Doe"}
    report = import_files(project, [path], metadata_for=lambda p: meta, deidentify=False)
    assert report.ok, report.failed
    assert report.plans[0].sources[0].interviewer.how == "manifest"
    with project.engine.connect() as conn:
        assert conn.execute(select(s.sources.c.interviewer)).scalar_one() == "Interviewer 1"
    assert project.participants().id.tolist() == ["P40"]


def test_no_interviewer_found_is_a_warning(project, tmp_path):
    path = tmp_path / "P41-chat.txt"
    path.write_text("Kim Lowe  0:01\nDid it come?\n\nAmy Park  0:04\nNo. Did you ring? Who did you ask?\n\nKim Lowe  0:09\nYes, why?\n")
    report = import_files(project, [path], deidentify=False)
    assert report.ok
    assert report.plans[0].sources[0].interviewer.how == "none found"
    assert report.warnings == [f"{path}: no interviewer found among its 2 speakers (read as otter-style); "
                               f"name one with --interviewer"]
    assert set(project.segments(kind="turn").role) == {"participant", "other"}
