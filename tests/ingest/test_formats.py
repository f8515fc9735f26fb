"""Each importer reads turns, speakers, timestamps; segments are valid offsets into the text."""


from elc.ingest import ImportOptions, import_files
from tests.conftest import make_docx

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>Can you tell me about the journey home?</v>

00:00:05.000 --> 00:00:08.500
<v P03>It was dark by the time they came.</v>

00:00:08.500 --> 00:00:12.000
<v P03>I'd waited three hours in the lounge.</v>
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
Interviewer: What helps passengers be ready on time?

2
00:00:04,000 --> 00:00:07,000
D02: A phone call the night before, honestly.

3
00:00:07,000 --> 00:00:09,000
That's what works.
"""


def _check_offsets(project):
    segs = project.segments(kind=None)
    assert len(segs)
    for row in segs.itertuples():
        text = project.source_text(row.source_id)
        assert 0 <= row.start < row.end <= len(text)
        assert text[row.start:row.end] == row.text
        assert row.text == row.text.strip()
    return segs


def test_plain_text_turns_roles_and_timestamps(project, transcript):
    report = import_files(project, [transcript], deidentify=False)
    assert report.ok and report.imported[0]["sources"] == 1
    segs = _check_offsets(project)
    turns = segs[segs.kind == "turn"]
    assert list(turns.speaker) == ["Interviewer", "P07", "Interviewer", "P07", "Wife", "P07"]
    assert list(turns.role) == ["interviewer", "participant", "interviewer", "participant", "other", "participant"]
    assert turns.ts_start.iloc[1] == 9.0
    # the continuation line belongs to P07's first turn
    assert "forty minutes" in turns.text.iloc[1]
    sentences = segs[(segs.kind == "sentence") & (segs.role == "participant")]
    assert len(sentences) >= 5
    assert sentences.question.iloc[0].startswith("Thanks for talking to me")
    assert all(sentences.parent_id.isin(turns.id))
    assert project.participants().id.tolist() == ["P07"]  # from the file name
    assert "booking" in " ".join(sentences.lemmas)


def test_community_option_assigns_participant(project, transcript):
    import_files(project, [transcript], ImportOptions(community="patients"), deidentify=False)
    p = project.participants()
    assert p.community.tolist() == ["patients"]
    assert project.communities().set_index("key").participants["patients"] == 1


def test_docx(project, tmp_path):
    path = make_docx(tmp_path / "C02-call.docx", [("Interviewer", "Who travels with your mum?"),
                                                   ("C02", "I'm not allowed to go with her. They said no escorts."),
                                                   ("C02", "It's awful.")])
    report = import_files(project, [path], ImportOptions(community="carers"), deidentify=False)
    assert report.ok, report.failed
    segs = _check_offsets(project)
    turns = segs[segs.kind == "turn"]
    assert turns.speaker.tolist() == ["Interviewer", "C02", "C02"]


def test_vtt_merges_cues_into_turns(project, tmp_path):
    path = tmp_path / "P03-home.vtt"
    path.write_text(VTT)
    assert import_files(project, [path], deidentify=False).ok
    segs = _check_offsets(project)
    turns = segs[segs.kind == "turn"]
    assert turns.speaker.tolist() == ["Interviewer", "P03"]
    assert turns.ts_start.tolist() == [1.0, 5.0]
    assert turns.ts_end.tolist() == [4.0, 12.0]
    assert "three hours" in turns.text.iloc[1]


def test_srt_label_carries_over(project, tmp_path):
    path = tmp_path / "D02-run.srt"
    path.write_text(SRT)
    assert import_files(project, [path], ImportOptions(community="drivers"), deidentify=False).ok
    turns = _check_offsets(project).query("kind == 'turn'")
    assert turns.speaker.tolist() == ["Interviewer", "D02"]
    assert "That's what works." in turns.text.iloc[1]


def test_csv_rows_grouped_by_participant(project, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("Participant,Group,Question,Answer\n"
                    "X1,patients,What works well?,The drivers are kind.\n"
                    "X1,patients,One thing to change?,Shorter pick-up windows.\n"
                    "X2,carers,What works well?,Nothing really.\n")
    report = import_files(project, [path], deidentify=False)
    assert report.ok, report.failed
    assert report.imported[0]["sources"] == 2
    p = project.participants().set_index("id")
    assert p.community.to_dict() == {"X1": "patients", "X2": "carers"}
    segs = _check_offsets(project)
    x1 = segs[(segs.participant_id == "X1") & (segs.role == "participant") & (segs.kind == "sentence")]
    assert x1.question.tolist() == ["What works well?", "One thing to change?"]


def test_xlsx_with_named_text_column(project, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["id", "Free text", "community"])
    wb.active.append(["R1", "The booking line kept me on hold.", "patients"])
    path = tmp_path / "survey.xlsx"
    wb.save(path)
    report = import_files(project, [path], ImportOptions(columns={"text": "Free text", "participant": "id"}),
                          deidentify=False)
    assert report.ok, report.failed
    assert project.participants().id.tolist() == ["R1"]


def test_csv_without_text_column_names_the_columns(project, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n")
    report = import_files(project, [path], deidentify=False)
    assert "has no text column" in report.failed[0][1] and "columns: a, b" in report.failed[0][1]


def test_big_files_use_two_spacy_processes_with_same_result(project, tmp_path, monkeypatch):
    import elc.ingest.pipeline as pipeline

    rows = "".join(f"R{i},patients,The driver was {'late' if i % 2 else 'kind'} again. Call 07700 900{i:03d}.\n"
                   for i in range(40))
    path = tmp_path / "rows.csv"
    path.write_text("participant,community,text\n" + rows)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_TURNS", 10)
    assert pipeline._processes(["x"] * 10) >= 1
    report = import_files(project, [path])
    assert report.ok, report.failed
    segs = project.segments(role="participant")
    assert len(segs) == 80
    assert not segs.text.str.contains("07700").any()
    assert segs.text.str.contains(r"\[phone\]").sum() == 40


def test_sentences_never_split_inside_brackets(project, tmp_path):
    path = tmp_path / "P09.txt"
    path.write_text("Interviewer: And the crew?\nP09: The driver, [Driver 1], is lovely. He [laughs] always waits.\n")
    assert import_files(project, [path], deidentify=False).ok
    sents = project.segments(role="participant").text.tolist()
    assert all(s.count("[") == s.count("]") for s in sents), sents
