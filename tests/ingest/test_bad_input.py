"""Every bad file is refused with one line naming it, and the project is unchanged."""

import os

import pytest

from elc.errors import ElcError
from elc.ingest import ImportOptions, import_files
from elc.store import schema


def _counts(project):
    with project.engine.connect() as conn:
        return {t.name: conn.execute(t.select()).fetchall().__len__()
                for t in (schema.imports, schema.sources, schema.segments, schema.participants,
                          schema.deid_detections, schema.meta)}


def _refused(project, path, expect, **kw):
    before = _counts(project)
    report = import_files(project, [path], deidentify=False, **kw)
    assert not report.imported
    assert len(report.failed) == 1, report
    message = report.failed[0][1]
    assert str(path) in message and expect in message
    assert "\n" not in message and "Traceback" not in message
    assert _counts(project) == before
    return message


def test_corrupt_docx(project, tmp_path):
    path = tmp_path / "P01.docx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    _refused(project, path, ".docx")


def test_docx_that_is_really_text(project, tmp_path):
    path = tmp_path / "P01.docx"
    path.write_text("Interviewer: hello\n")
    _refused(project, path, "not a valid .docx")


def test_wrong_encoding(project, tmp_path):
    path = tmp_path / "P01.txt"
    path.write_bytes("Interviewer: caf\u00e9 \u2013 ok?\nP01: fine\n".encode("cp1252"))
    msg = _refused(project, path, "not UTF-8")
    assert "--encoding cp1252" in msg
    # and with the option it imports
    report = import_files(project, [path], ImportOptions(encoding="cp1252"), deidentify=False)
    assert report.ok


def test_empty_file(project, tmp_path):
    path = tmp_path / "P01.txt"
    path.write_text("")
    _refused(project, path, "is empty")


def test_whitespace_only_file(project, tmp_path):
    path = tmp_path / "P01.txt"
    path.write_text("\n\n   \n")
    _refused(project, path, "no transcript text")


def test_binary_file(project, tmp_path):
    path = tmp_path / "P01.txt"
    path.write_bytes(b"\x00\x01\x02\xff" * 1000)
    _refused(project, path, "binary")


def test_200mb_file_is_refused_without_reading_it(project, tmp_path):
    path = tmp_path / "P01.txt"
    with open(path, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    _refused(project, path, "over the 50 MB limit")


def test_unsupported_type_and_missing_file(project, tmp_path):
    path = tmp_path / "P01.pdf"
    path.write_bytes(b"%PDF-1.4")
    _refused(project, path, "unsupported file type '.pdf'")
    _refused(project, tmp_path / "nope.txt", "no such file")


def test_malformed_vtt(project, tmp_path):
    path = tmp_path / "P01.vtt"
    path.write_text("this is not webvtt\n")
    _refused(project, path, "not a WebVTT file")


def test_unknown_community_in_csv_rolls_back(project, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("participant,community,text\nA1,patients,fine\nA2,martians,hello\n")
    _refused(project, path, "unknown community 'martians'")


def test_unknown_community_option(project, transcript):
    with pytest.raises(ElcError, match="unknown community 'aliens'"):
        import_files(project, [transcript], ImportOptions(community="aliens"), deidentify=False)


def test_reimport_is_detected_not_duplicated(project, transcript, tmp_path):
    assert import_files(project, [transcript], deidentify=False).ok
    before = _counts(project)
    report = import_files(project, [transcript], deidentify=False)
    assert not report.imported and "already imported" in report.skipped[0][1]
    # same content under another name is also caught
    copy = tmp_path / "copy.txt"
    copy.write_bytes(transcript.read_bytes())
    report = import_files(project, [copy], deidentify=False)
    assert not report.imported and report.skipped
    assert _counts(project) == before


def test_good_files_still_import_beside_bad_ones(project, transcript, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("")
    report = import_files(project, [bad, transcript], deidentify=False)
    assert len(report.failed) == 1 and len(report.imported) == 1


# --------------------------------------------------------------------------- issue 12 / 13.4
import codecs  # noqa: E402
import csv as _csv  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from elc.cli import main  # noqa: E402
from tests.conftest import GUIDE  # noqa: E402
from tests.fuzz.hostile import (  # noqa: E402
    docx_bomb, lying_zip, minimal_xlsx, xlsx_bomb)


def _texts(project):
    with project.engine.connect() as conn:
        return [r[0] for r in conn.execute(schema.sources.select().with_only_columns(schema.sources.c.text))]


def _all_output_text(folder):
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".originals"):  # the sidecar may hold originals
            data = path.read_bytes()
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as zf:
                    out.extend(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
            out.append(data.decode("utf-8", "replace"))
    return "\n".join(out)


def test_issue_12_1_respondent_column_names_never_reach_the_project(tmp_path):
    """The exact case: a respondent column holding a name, a phone and an NHS number."""
    (tmp_path / "in").mkdir()
    csv_path = tmp_path / "in" / "survey.csv"
    csv_path.write_text(
        "respondent,community,comment\n"
        "Margaret Thornton,patients,The driver was late again.\n"
        "07700 900123,patients,\"I waited \"\"forever\"\" at the\nhospital door.\"\n"
        "943 476 5919,carers,My mum was left in the corridor.\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    project = work / "p.elc"
    run = CliRunner().invoke
    assert run(main, ["new", str(project), "--guide", str(GUIDE)]).exit_code == 0
    result = run(main, ["import", str(project), str(csv_path)])
    assert result.exit_code == 0, result.output
    assert "imported 1 file(s): 3 source(s)" in result.output
    notes = [line for line in result.output.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "3 value(s) in the participant column were not pseudonymous ids" in notes[0]
    out = work / "out"
    result = run(main, ["export", str(project), "--csv", str(out), "--qdpx", str(work / "p.qdpx")])
    assert result.exit_code == 0, result.output
    seen = _all_output_text(work)  # the csv folder, the .qdpx, the project file's bytes
    for planted in ("Thornton", "Margaret", "900123", "476 5919"):
        assert planted not in seen
    import csv

    with open(out / "participants.csv", encoding="utf-8-sig") as fh:
        ids = sorted(r["participant"] for r in csv.DictReader(fh))
    assert len(ids) == 3 and all(i.startswith("S") and "-R000" in i for i in ids)
    with zipfile.ZipFile(work / "p.qdpx") as zf:
        qde = zf.read("project.qde").decode()
    assert sorted(i for i in ids if f'name="{i}"' in qde) == ids  # the .qdpx cases are the generated ids


def test_safe_participant_ids_are_kept_and_names_in_two_communities_differ(project, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("participant,community,text\nP01,patients,one\nPT-012,carers,two\n"
                    "Ann Lee,patients,three\nAnn Lee,carers,four\nAnn Lee,patients,five\n")
    report = import_files(project, [path], deidentify=False)
    assert report.ok, report.failed
    ids = sorted(project.participants().id)
    assert "P01" in ids and "PT-012" in ids and len(ids) == 4 and not any("Ann" in i for i in ids)
    sources = project.sources() if hasattr(project, "sources") else None
    assert sources is None or len(sources) == 4  # one name, two communities: two people


@pytest.mark.parametrize("given", ["Margaret Thornton", "07700900123", "9434765919"])
def test_participant_option_and_manifest_refuse_identifiers(project, transcript, given):
    msg = _refused(project, transcript, "not a pseudonymous id", options=ImportOptions(participant=given))
    assert given not in msg
    msg = _refused(project, transcript, "not a pseudonymous id", metadata_for=lambda p: {"participant": given})
    assert given not in msg


def test_manifest_values_are_deidentified(project, transcript):
    meta = {"participant": "P07", "community": "patients", "interview_date": "ring 07700 900123",
            "interviewer": "R1", "method": "telephone", "attributes": {"contact": "07700 900123", "area": "Rutland"}}
    report = import_files(project, [transcript], metadata_for=lambda p: meta)
    assert report.ok, report.failed
    with project.engine.connect() as conn:
        rows = conn.execute(schema.participants.select()).fetchall() + conn.execute(
            schema.sources.select().with_only_columns(schema.sources.c.interview_date, schema.sources.c.metadata)
        ).fetchall()
    dump = repr(rows)
    assert "900123" not in dump and "Rutland" in dump


# ------------------------------------------------------------------ encodings (12.2)
SPOKEN = ("Interviewer: Tell me more.\nP07: My NHS number is 943 476 5919 and the clinic was shut, "
          "tr\u00e8s annoying.\n")


@pytest.mark.parametrize("codec, bom", [
    ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE), ("utf-32-le", b""),
    ("utf-32-be", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""), ("utf-16-be", b""), ("utf-8", codecs.BOM_UTF8)])
def test_wide_encodings_decode_exactly_and_never_store_nuls(project, tmp_path, codec, bom):
    path = tmp_path / "P07-call.txt"
    path.write_bytes(bom + SPOKEN.encode(codec))
    report = import_files(project, [path])
    assert report.ok, report.failed
    (text,) = _texts(project)
    assert "\x00" not in text and "the clinic was shut, tr\u00e8s annoying." in text
    assert "943 476 5919" not in text and "[NHS number]" in text


@pytest.mark.parametrize("suffix, body", [
    (".vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\n<v P07>Hello there, fine.\n"),
    (".srt", "1\n00:00:00,000 --> 00:00:02,000\nP07: Hello there, fine.\n"),
    (".csv", "participant,text\nP07,\"Hello there, fine.\"\n"),
])
def test_utf32_subtitles_and_csv(project, tmp_path, suffix, body):
    path = tmp_path / f"P07{suffix}"
    path.write_bytes(codecs.BOM_UTF32_LE + body.encode("utf-32-le"))
    report = import_files(project, [path], deidentify=False)
    assert report.ok, report.failed
    assert all("\x00" not in t and "Hello there, fine." in t for t in _texts(project))


def test_nul_laden_and_mislabelled_text_is_refused(project, tmp_path):
    path = tmp_path / "P01.txt"
    path.write_bytes(b"Interviewer: hi\nP01: fine\x00\x00\x00\x07 thanks\n" * 50)
    _refused(project, path, "NUL")
    wide = tmp_path / "P02.txt"
    wide.write_bytes(codecs.BOM_UTF32_LE + SPOKEN.encode("utf-32-le"))
    _refused(project, wide, "UTF-32 marker but --encoding utf-16", options=ImportOptions(encoding="utf-16"))
    odd = tmp_path / "P03.txt"
    odd.write_bytes(codecs.BOM_UTF16_LE + b"I\x00n\x00t\x00" + b"\x00\xd8")  # lone surrogate
    _refused(project, odd, "not valid UTF-16")


# ------------------------------------------------------------------ CSV/XLSX without loss (13.4)
STORY = ("I was collected at six, \"early\" as always;\nthe crew were kind, but the wait home\n"
         "was {n} minutes, and nobody said why.")


def _quoted_csv(path, n=80, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = _csv.writer(fh, delimiter=delimiter, quoting=_csv.QUOTE_MINIMAL)
        w.writerow(["Story", "Group"])
        for i in range(n):
            w.writerow([STORY.format(n=i + 10), "patients"])
    return path


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_80_quoted_multiline_rows_round_trip(project, tmp_path, delimiter):
    path = _quoted_csv(tmp_path / "stories.csv", delimiter=delimiter)
    report = import_files(project, [path], ImportOptions(columns={"text": "Story"}), deidentify=False)
    assert report.ok, report.failed
    assert report.imported[0]["sources"] == 80
    texts = _texts(project)
    assert len(texts) == 80
    wanted = sorted(STORY.format(n=i + 10) for i in range(80))
    assert sorted(t.split(": ", 1)[1] for t in texts) == wanted


@pytest.mark.parametrize("body, expect", [
    ('participant,text\nP01,"fine"x\nP02,ok\n', "malformed CSV at line 2"),
    ('participant,text\nP01,fine\nP02,"never closed\nP03,ok\n', "malformed CSV at line 3"),
    ("participant,text\nP01,fine\nP02,one, two\n", "row at line 3 has 3 fields but the header has 2"),
])
def test_csv_that_does_not_parse_cleanly_names_the_row(project, tmp_path, body, expect):
    path = tmp_path / "rows.csv"
    path.write_text(body, encoding="utf-8")
    _refused(project, path, expect)


def test_csv_rows_without_text_are_counted_in_a_note(project, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("participant,text,Age\nP01,fine,40\nP02,,50\nP03,good,60\n", encoding="utf-8")
    report = import_files(project, [path], deidentify=False)
    notes = report.imported[0]["notes"]
    assert report.imported[0]["sources"] == 2
    assert any("1 row(s) with no text were not imported (lines 3)" in n for n in notes)
    assert any("column(s) not imported: Age" in n for n in notes)


def test_xlsx_claiming_the_whole_sheet_is_read_by_its_cells(project, tmp_path):
    path = tmp_path / "claim.xlsx"
    path.write_bytes(minimal_xlsx([["participant", "text"], ["P01", "The crew were kind."]], "A1:XFD1048576"))
    assert path.stat().st_size < 2000
    t0 = time.perf_counter()
    report = import_files(project, [path], deidentify=False)
    assert report.ok, report.failed
    assert time.perf_counter() - t0 < 20
    assert project.participants().id.tolist() == ["P01"]


@pytest.mark.parametrize("name, build, expect", [
    ("bomb.xlsx", lambda: xlsx_bomb(200), "unpacks to more than"),
    ("bomb.docx", lambda: docx_bomb(150), "unpacks to more than"),
    ("lie.xlsx", lambda: lying_zip(minimal_xlsx([["participant", "text"], ["P1", "x" * 3_000_000]]),
                                   "xl/worksheets/sheet1.xml", 1000), "damaged .xlsx"),
    ("wide.xlsx", lambda: minimal_xlsx([["participant", "text"] + [""] * 1500 + ["z"]]), "columns (over 1,000)"),
])
def test_archive_bombs_are_refused_in_seconds(project, tmp_path, name, build, expect):
    path = tmp_path / name
    path.write_bytes(build())
    t0 = time.perf_counter()
    _refused(project, path, expect)
    assert time.perf_counter() - t0 < 20


# ------------------------------------------------------------------ pathological punctuation (12.5)
@pytest.mark.parametrize("body, expect", [
    ("P01: " + "[" * 40_000 + "\n", "mostly punctuation"),
    (":" * 3_400_000, "over 1,000,000"),
    (("P01: " + ":" * 95 + "\n") * 34_000, "mostly punctuation"),
], ids=["40KB-brackets", "3.4MB-colons", "colon-lines"])
def test_pathological_punctuation_is_refused_in_seconds(project, tmp_path, body, expect):
    path = tmp_path / "P01.txt"
    path.write_text(body)
    t0 = time.perf_counter()
    _refused(project, path, expect)
    assert time.perf_counter() - t0 < 20


def test_runs_of_brackets_inside_real_text_segment_in_linear_time(project, tmp_path):
    talk = "P01: The driver was late again, so I missed the clinic. It was the third time.\n" * 60
    path = tmp_path / "P01.txt"
    path.write_text(talk + "P01: " + "[" * 3000 + " and " + ":" * 3000 + " then [laughs] ok.\n" + talk)
    t0 = time.perf_counter()
    report = import_files(project, [path], deidentify=False)
    assert report.ok, report.failed
    assert time.perf_counter() - t0 < 30
    (text,) = _texts(project)
    assert "[" * 3000 in text  # nothing lost


def test_bounded_tokenizer_keeps_the_text_exactly():
    import random

    from elc.nlp import load_nlp

    nlp = load_nlp()
    rng = random.Random(7)
    for _ in range(100):
        alphabet = "ab [](): .,\n\u00e9"
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 400)))
        text += "[" * rng.randrange(150, 700) + text + ":" * rng.randrange(0, 300)
        assert nlp.make_doc(text).text == text


def test_long_turns_are_processed_in_pieces_with_the_same_text():
    from elc.nlp import load_nlp
    from elc.nlp.pipeline import pipe_bounded

    nlp = load_nlp()
    long = "The crew were kind. " * 1200 + "x" * 300 + " end."
    docs = list(pipe_bounded(nlp, ["short.", long, "also short."], max_chars=5000))
    assert [d.text for d in docs] == ["short.", long, "also short."]
    assert sum(1 for _ in docs[1].sents) >= 1200


def test_source_metadata_from_an_importer_is_deidentified(project, transcript, monkeypatch):
    """Header blocks a layout reader keeps as metadata (speaker lists, titles) are screened too."""
    from elc.ingest.text import TextImporter

    real = TextImporter.read

    def with_header(self, path, options):
        out = real(self, path, options)
        out[0].metadata.update({"title": "Call with Margaret Thornton, 07700 900123",
                                "speakers": ["Interviewer", "Margaret Thornton", "07700 900123"]})
        return out

    monkeypatch.setattr(TextImporter, "read", with_header)
    report = import_files(project, [transcript])
    assert report.ok, report.failed
    with project.engine.connect() as conn:
        stored = repr(conn.execute(schema.sources.select().with_only_columns(schema.sources.c.metadata)).fetchall())
    assert "900123" not in stored and "title" in stored and "Interviewer" in stored
    from elc.nlp.pipeline import has_ner, load_nlp

    if has_ner(load_nlp()):  # names need the trained model; numbers are found by the rules alone
        assert "Thornton" not in stored
