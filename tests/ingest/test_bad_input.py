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
