"""Hostile guides and codebooks (issue 12.5): one line naming file and line, in seconds, no project."""

import time

import pytest
from click.testing import CliRunner

from elc.cli import main
from elc.errors import GuideError
from elc.guides import load_codebook, load_guide
from tests.conftest import GUIDE
from tests.fuzz.hostile import yaml_anchor_bomb, yaml_deep

GOOD = GUIDE.read_text(encoding="utf-8")


def _refused(tmp_path, body, expect, loader=load_guide, line=None):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(GuideError) as err:
        loader(path)
    assert time.perf_counter() - t0 < 5
    text = str(err.value)
    assert text.startswith(str(path)) and expect in text and "\n" not in text
    if line:
        assert f"bad.yaml:{line}:" in text
    return text


def test_anchor_bomb_is_refused_before_it_expands(tmp_path):
    _refused(tmp_path, yaml_anchor_bomb(9), "expands to more than")


def test_anchor_bomb_in_a_codebook(tmp_path):
    body = yaml_anchor_bomb(9).replace("programme: bomb\nfocus_question: \"q?\"\nnotes:", "codes:\n  - name: A\nx:")
    _refused(tmp_path, body, "expands to more than", loader=load_codebook)


@pytest.mark.parametrize("depth", [50, 5000, 100_000])
def test_deep_nesting_is_one_line_not_recursion_error(tmp_path, depth):
    _refused(tmp_path, yaml_deep(depth), "nests more than", line=2)


def test_deep_mapping_nesting(tmp_path):
    body = "programme: x\nnotes:\n" + "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n"
    _refused(tmp_path, body, "nests more than")


def test_400_digit_target_n(tmp_path):
    body = GOOD.replace("target_n: 43", "target_n: " + "9" * 400)
    assert body != GOOD
    _refused(tmp_path, body, "target_n 999999999999... (expected at most")


def test_5000_digit_target_n(tmp_path):
    body = GOOD.replace("target_n: 43", "target_n: " + "9" * 5000)
    _refused(tmp_path, body, "cannot be read")


@pytest.mark.parametrize("phases, line, expect", [
    ("[1, two, [3]]", 7, "phase 1 should be a mapping"),
    ("\n  - phase: A\n  - [3]", 9, "phase 2 should be a mapping"),
    ("\n  - {phase: A, colour: red}", 8, "unknown field 'colour'"),
])
def test_phases_are_validated_with_file_and_line(tmp_path, phases, line, expect):
    start = GOOD.index("phases:")
    end = GOOD.index("communities:")
    body = GOOD[:start] + f"phases: {phases}\n" + GOOD[end:]
    _refused(tmp_path, body, expect, line=line)


def test_bare_phase_names_are_read_as_phases(tmp_path):
    start, end = GOOD.index("phases:"), GOOD.index("communities:")
    path = tmp_path / "g.yaml"
    path.write_text(GOOD[:start] + "phases: [Discovery, Design]\n" + GOOD[end:], encoding="utf-8")
    assert load_guide(path).phases == [{"phase": "Discovery"}, {"phase": "Design"}]


def test_oversized_and_nul_guides(tmp_path):
    _refused(tmp_path, "programme: x\nnotes: '" + "a" * (3 * 1024 * 1024) + "'\n", "at most 2 MB")
    _refused(tmp_path, "programme: x\x00\n", "NUL")


def test_elc_new_with_a_bomb_leaves_nothing_behind(tmp_path):
    guide = tmp_path / "bomb.yaml"
    guide.write_text(yaml_anchor_bomb(9), encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(main, ["new", str(tmp_path / "p.elc"), "--guide", str(guide)])
    assert result.exit_code == 1
    assert "expands to more than" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no p.elc, no .elc-new-*
