"""``elc demo``: the bundled programmes are discovered, listed with their titles and built by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from elc.cli import main
from elc.guides.bundled import DATA, DEFAULT_PROGRAMME, bundled_programmes
from elc.guides.loader import load_guide


def test_list_shows_every_bundled_programme_with_its_guides_title():
    out = CliRunner().invoke(main, ["demo", "--list"])
    assert out.exit_code == 0
    lines = out.output.splitlines()
    progs = bundled_programmes()
    assert len(lines) == len(progs) >= 1
    for line, prog in zip(lines, progs):
        assert line.startswith(prog.slug) and load_guide(prog.guide).name in line
    assert [line for line in lines if line.endswith("(default)")][0].startswith(DEFAULT_PROGRAMME)


def test_a_programme_is_a_corpus_folder_with_a_guide_of_the_same_name(tmp_path):
    (tmp_path / "corpora" / "with-guide").mkdir(parents=True)
    (tmp_path / "corpora" / "without-guide").mkdir()
    (tmp_path / "interview_guides").mkdir()
    (tmp_path / "interview_guides" / "with-guide.yaml").write_text("programme: x\n")
    (tmp_path / "interview_guides" / "guide-only.yaml").write_text("programme: y\n")
    found = bundled_programmes(tmp_path)
    assert [(b.slug, b.codebook) for b in found] == [("with-guide", None)]
    assert {b.slug for b in bundled_programmes()} == {
        p.name for p in (DATA / "corpora").iterdir() if (DATA / "interview_guides" / f"{p.name}.yaml").exists()}


@pytest.fixture
def builds(monkeypatch):
    """Record what `elc demo` asks build_demo for, and build a project with no interviews instead."""
    import elc.cli.project as cli_project
    from elc import new_project
    from elc.ingest import ImportReport

    calls = []

    def fake(target: Path, corpus: Path, quiet: bool = False):
        calls.append((target, corpus))
        new_project(target, DATA / "interview_guides" / f"{corpus.name}.yaml").close()
        return ImportReport()

    monkeypatch.setattr(cli_project, "build_demo", fake)
    return calls


@pytest.mark.parametrize("slug", [b.slug for b in bundled_programmes()])
def test_programme_builds_that_programme_into_demo_slug(builds, slug, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["demo", "--programme", slug, "--no-ui"])
    assert out.exit_code == 0, out.output
    assert builds == [(Path("demo") / f"{slug}.elc", DATA / "corpora" / slug)]
    assert load_guide(DATA / "interview_guides" / f"{slug}.yaml").name in out.output


def test_the_default_is_unchanged(builds, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["demo", "--no-ui"]).exit_code == 0
    assert builds == [(Path("demo") / f"{DEFAULT_PROGRAMME}.elc", DATA / "corpora" / DEFAULT_PROGRAMME)]


def test_programme_and_corpus_together_is_one_clear_line(builds):
    out = CliRunner().invoke(main, ["demo", "--programme", DEFAULT_PROGRAMME, "--corpus", "elsewhere", "--no-ui"])
    assert out.exit_code != 0 and "not both" in out.output and not builds


def test_an_unknown_programme_is_refused_naming_the_choices(builds):
    out = CliRunner().invoke(main, ["demo", "--programme", "no-such-programme", "--no-ui"])
    assert out.exit_code != 0 and DEFAULT_PROGRAMME in out.output and not builds
