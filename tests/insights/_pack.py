"""A small coded project with known counts, shared by the insights and export tests.

Five tiny interviews: three patients (P01-P03), one carer (C01) and one driver (D01); nobody from
NHS staff or provider staff. Known cells of the touchpoint x community matrix:

* "Getting ready for pick up" x patients: P01, P02, P03 to improve; P02 also working well.
* "Relationship with crew (driver)" x patients: P01, P02 working well.
* "Journey home" x patients: P03 to improve; x carers: C01 to improve.

Known changes: "Avoid early morning pick-ups" (3 patients, one community: thin, carers missing),
"Recognise the driver relationship" (2 patients + 1 driver), "Fix the hospital entrance" (nobody).
P01 says a sentence starting with ``=HYPERLINK(`` to test formula neutralising.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "interview_guides" / "llr-nepts.yaml"
CODEBOOK = REPO / "codebooks" / "llr-nepts.yaml"

TRANSCRIPTS = {
    ("P01-test.txt", "patients"): """Interviewer: Tell me about getting ready for pick up.
P01: They came at half six in the morning for a ten o'clock appointment and I was sat in my coat for hours.
Interviewer: And the crew?
P01: The driver, [Driver 1], is lovely and always has a chat with me on the way in.
Interviewer: Anything else?
P01: =HYPERLINK("http://example.invalid","click") is what my grandson typed into the feedback form.
""",
    ("P02-test.txt", "patients"): """Interviewer: Getting ready for pick up?
P02: The window is three hours wide so I cannot even pop to the shop while I wait for them.
P02: Mind you, when they ring ahead to say they are ten minutes away it works really well for me.
Interviewer: The crew?
P02: The crews are kind and they know exactly how to help me with my wheelchair down the ramp.
""",
    ("P03-test.txt", "patients"): """Interviewer: Getting ready?
P03: I am up at five to be ready for a pick up that might come at seven or might come at nine.
Interviewer: And going home?
P03: Going home I waited four hours in the discharge lounge with nothing to eat or drink at all.
""",
    ("C01-test.txt", "carers"): """Interviewer: How was the journey home?
C01: My husband was brought home after dark by a taxi and the driver just left him at the gate.
""",
    ("D01-test.txt", "drivers"): """Interviewer: Tell me about your regular passengers.
D01: You get to know the regulars and you can tell when one of them is poorly, so you tell the nurses.
Interviewer: And information about passengers?
D01: Half the time the sheet does not tell us they need two of us or that they use a wheelchair.
""",
}

# (participant, phrase in the sentence, code, valence)
CODINGS = [
    ("P01", "half six in the morning", "Getting ready for pick up", "to-improve"),
    ("P01", "half six in the morning", "Early morning pick-ups", "to-improve"),
    ("P01", "always has a chat", "Relationship with crew (driver)", "working-well"),
    ("P01", "always has a chat", "Driver-patient relationship", "working-well"),
    ("P01", "HYPERLINK", "Making the booking", "neutral"),
    ("P02", "three hours wide", "Getting ready for pick up", "to-improve"),
    ("P02", "three hours wide", "Early morning pick-ups", "to-improve"),
    ("P02", "ring ahead", "Getting ready for pick up", "working-well"),
    ("P02", "crews are kind", "Relationship with crew (driver)", "working-well"),
    ("P02", "crews are kind", "Driver-patient relationship", "working-well"),
    ("P03", "up at five", "Getting ready for pick up", "to-improve"),
    ("P03", "up at five", "Early morning pick-ups", "to-improve"),
    ("P03", "four hours in the discharge lounge", "Journey home", "to-improve"),
    ("C01", "after dark by a taxi", "Journey home", "to-improve"),
    ("D01", "know the regulars", "Relationship with passengers (patients)", "working-well"),
    ("D01", "know the regulars", "Driver-patient relationship", "working-well"),
    ("D01", "sheet does not tell us", "Getting information about passengers (patients)", "to-improve"),
]

CHANGES_YAML = """changes:
  - title: Avoid early morning pick-ups
    owner: Transport provider
    rationale: Passengers are collected hours before their appointment.
    measures:
      - Share of passengers collected more than 90 minutes early
      - Median time on the vehicle
    codes: [Early morning pick-ups, Getting ready for pick up]
  - title: Recognise the driver relationship
    measures: [Share of regular passengers with a consistent crew]
    requirements:
      - The Provider shall keep crews consistent for regular passengers.
      - The Provider shall give crews a route to raise welfare concerns
    codes: [Driver-patient relationship]
  - title: Fix the hospital entrance
    codes: [Getting into the hospital]
"""


def build(directory: Path, with_changes: bool = True):
    """Create, import and code the project in ``directory``; returns the open Project."""
    from elc import new_project
    from elc.coding import CodingSession
    from elc.ingest import ImportOptions, import_files

    directory.mkdir(parents=True, exist_ok=True)
    project = new_project(directory / "pack.elc", GUIDE, CODEBOOK)
    for (name, community), text in TRANSCRIPTS.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        report = import_files(project, [path], ImportOptions(community=community), deidentify=False)
        assert report.ok, report.failed
    segs = project.segments(role="participant")
    session = CodingSession(project, "alice")
    for pid, phrase, code, valence in CODINGS:
        hit = segs[(segs.participant_id == pid) & segs.text.str.contains(phrase, regex=False)]
        assert len(hit) == 1, (pid, phrase, list(segs[segs.participant_id == pid].text))
        seg = hit.iloc[0]
        code_id = project.code_id(code)
        assert code_id is not None, code
        session.apply(int(seg.source_id), int(seg.start), int(seg.end), code_id, valence)
    if with_changes:
        from elc.insights.changes import load_changes_file

        changes = directory / "changes.yaml"
        changes.write_text(CHANGES_YAML, encoding="utf-8")
        load_changes_file(project, changes)
    return project


def copy_project(src, directory: Path):
    """A fresh copy of a built project (for tests that write to it)."""
    import shutil

    import elc

    directory.mkdir(parents=True, exist_ok=True)
    with src.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    target = directory / "copy.elc"
    shutil.copy(src.location, target)
    return elc.open_project(target)


_BUILT: dict[str, str] = {}


def shared(tmp_path_factory) -> str:
    """The path of one built project per test session (open it read-only in spirit; copy to write)."""
    if "path" not in _BUILT:
        project = build(tmp_path_factory.mktemp("pack"))
        _BUILT["path"] = project.location
        project.close()
    return _BUILT["path"]
