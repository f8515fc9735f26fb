"""The format registry: built-ins generate `elc export` / `elc import-FORMAT`; a plugin adds a
format through the `elc.formats` entry-point group with one module and one entry."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest
from click.testing import CliRunner

from elc.cli import formats, main
from elc.cli.exchange import reload_formats
from elc.cli.formats import Exporter, FormatOption, Imported, Importer


def _write_words(project, target, options) -> str:
    words = [str(c) for c in project.codes().name]
    target.write_text("\n".join(w.upper() if options["upper"] else w for w in words), encoding="utf-8")
    return f"{len(words)} code name(s)"


def _read_words(file, project, options) -> Imported:
    from pathlib import Path

    n = len(Path(file).read_text(encoding="utf-8").splitlines())
    return Imported(f"read {n} line(s) into {project.location}", ["dummy importer ran"])


DUMMY = (Exporter("words", "Write every code name, one a line.", (".txt",), _write_words,
                  (FormatOption("upper", "In capitals.", kind="flag"),)),
         Importer("words", "Count the lines of FILE.", (".txt",), _read_words))


@pytest.fixture
def plugins(monkeypatch):
    """Make the entry points those given; the registry and the generated verbs reload around the test."""
    def install(*entries: tuple[str, str]):
        eps = [EntryPoint(name, value, formats.ENTRY_POINT_GROUP) for name, value in entries]
        monkeypatch.setattr(formats, "_entry_points", lambda: eps)
        reload_formats()
    yield install
    monkeypatch.undo()
    reload_formats()


def test_builtins_generate_export_and_import_verbs():
    reload_formats()
    runner = CliRunner()
    help_ = runner.invoke(main, ["export", "--help"]).output
    assert "--qdpx FILE.qdpx" in help_ and "--qdc FILE.qdc" in help_ and "--csv DIR" in help_
    verbs = runner.invoke(main, ["--help"]).output
    assert "import-qdpx" in verbs and "import-qdc" in verbs
    assert "--guide FILE" in runner.invoke(main, ["import-qdpx", "--help"]).output


def test_a_plugin_format_is_one_module_and_one_entry(plugins, elc, path_of, tmp_path):
    plugins(("words", "tests.cli.test_formats:DUMMY"))
    assert "--words FILE.txt" in elc("export", "--help").stdout and "--words-upper" in elc("export", "--help").stdout
    out = tmp_path / "codes.txt"
    res = elc("export", path_of, "--words", out, "--words-upper", "--qdc", tmp_path / "c.qdc")
    assert f"wrote {out} (" in res.stdout and (tmp_path / "c.qdc").exists()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(line == line.upper() for line in lines)
    assert "import-words" in elc("--help").stdout
    res = elc("import-words", out, path_of)
    assert res.stdout == f"read {len(lines)} line(s) into {path_of}\n" and res.stderr == "note: dummy importer ran\n"


def test_broken_or_clashing_plugins_are_skipped_with_a_note(plugins, elc, path_of, tmp_path):
    plugins(("gone", "no_such_module_for_elc:FORMATS"), ("clash", "elc.cli.formats.csv_tables"),
            ("again", "elc.cli.formats.csv_tables:FORMATS"))
    res = elc("export", path_of, "--qdc", tmp_path / "c.qdc")
    assert res.stderr.splitlines() == [
        "note: format plugin 'gone' (no_such_module_for_elc:FORMATS) not loaded: No module named "
        "'no_such_module_for_elc'",
        "note: format plugin 'again' (elc.cli.formats.csv_tables:FORMATS): format name 'csv' is already registered"]
    assert (tmp_path / "c.qdc").exists()


def test_wrong_suffix_or_no_format_is_one_line_and_writes_nothing(elc, path_of, tmp_path):
    reload_formats()
    res = elc("export", path_of, "--qdpx", tmp_path / "p.zip", code=1)
    assert res.output == f"elc: {tmp_path / 'p.zip'}: a qdpx file must end in .qdpx\n"
    assert not list(tmp_path.glob("p.*"))
    res = elc("export", path_of, code=2)
    assert "say what to export: --qdpx FILE, --qdc FILE, --csv DIR" in res.output


def test_import_qdc_closes_the_project(elc, path_of, tmp_path):
    reload_formats()
    elc("export", path_of, "--qdc", tmp_path / "c.qdc")
    res = elc("import-qdc", tmp_path / "c.qdc", path_of)
    assert res.stdout.startswith(f"added 0 code(s) from {tmp_path / 'c.qdc'}; ")
