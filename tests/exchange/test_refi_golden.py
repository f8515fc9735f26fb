"""Importing .qdpx files in the shape QualCoder and NVivo export them (hand-built golden fixtures,
tests/data/refi-golden, see SOURCE.txt there): what the other tool had is what elc has."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from elc import open_project
from elc.exchange.refi import export_qdpx, import_qdpx
from tests.conftest import REPO

GOLDEN = REPO / "tests" / "data" / "refi-golden"


def _archive(name: str, folder: Path) -> Path:
    out = folder / f"{name}.qdpx"
    with zipfile.ZipFile(out, "w") as zf:
        for f in sorted((GOLDEN / name).rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(GOLDEN / name).as_posix())
    return out


def _paths(q) -> dict[int, str]:
    codes = q.codes()
    names, parents = dict(zip(codes.id, codes.name)), dict(zip(codes.id, codes.parent_id))

    def path(cid):
        parts = []
        while cid == cid and cid in names:
            parts.append(names[cid])
            cid = parents[cid]
        return " / ".join(reversed(parts))

    return {int(c): path(c) for c in codes.id}


@pytest.fixture(scope="module")
def qualcoder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qc")
    res = import_qdpx(_archive("qualcoder", folder), folder / "qc.elc")
    q = open_project(folder / "qc.elc")
    yield q, res, folder
    q.close()


@pytest.fixture(scope="module")
def nvivo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nv")
    res = import_qdpx(_archive("nvivo", folder), folder / "nv.elc")
    q = open_project(folder / "nv.elc")
    yield q, res, folder
    q.close()


def test_qualcoder_category_and_child_with_one_name_stay_two_codes(qualcoder):
    q, res, _ = qualcoder
    assert sorted(_paths(q).values()) == ["Kindness", "Staff", "Staff / Kindness", "Waiting", "Waiting / Delays",
                                          "Waiting / Waiting"]
    assert res.repeated == ["Kindness", "Staff / Kindness", "Waiting", "Waiting / Waiting"]
    codes = q.codes().set_index("id")
    kinds = {p: codes.loc[i, "kind"] for i, p in _paths(q).items()}
    assert kinds["Waiting"] == "category" and kinds["Waiting / Waiting"] == "theme"
    assert not any("renamed" in w or "added as" in w for w in res.warnings)


def test_qualcoder_valence_on_its_own_selection_rates_the_same_span_and_coder(qualcoder):
    q, res, _ = qualcoder
    paths = _paths(q)
    cod = q.codings().assign(path=lambda d: d.code_id.map(paths)).sort_values("start")
    got = list(zip(cod.path, cod.valence, cod.coder, cod.memo))
    assert got == [("Staff / Kindness", "working-well", "jane", "Mum said the same"),
                   ("Waiting / Waiting", "to-improve", "jane", ""),
                   ("Kindness", "neutral", "jane", "")]
    assert list(cod.text) == ["The crew were so kind to my mum.", "But we waited four hours for them to come.",
                              "The driver was kind too."]
    # the valence coding alone on "The phone line was fine." had nothing to rate: said, not hidden
    assert any("1 span(s) carry a valence code but no other code" in w for w in res.warnings)
    assert not {"Valence", "Working well", "To improve"} & set(q.codes().name)


def test_qualcoder_empty_source_user_without_codings_and_case_link_kept(qualcoder):
    q, res, folder = qualcoder
    src = q.sources().set_index("name")
    assert src.loc["Empty notes.txt", "n_chars"] == 0 and src.loc["P01 interview.txt", "participant_id"] == "P01"
    assert q.meta_get("users") == ["jane", "ravi"] and res.users == 2
    part = q.participants().iloc[0]
    assert part.attributes == {"Age band": "50-59", "memo": "Daughter of a patient"}
    assert any("'Coding journal'" in w for w in res.warnings)  # a journal elc has no place for is named
    # and they go back out: ravi is still a User, the empty source still a TextSource
    out = export_qdpx(q, folder / "back.qdpx")
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert 'name="ravi"' in qde and 'name="Empty notes.txt"' in qde
    # memos go back where QualCoder read them: case, source and project Descriptions
    from lxml import etree

    root = etree.fromstring(qde.encode())
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert root.find("q:Cases/q:Case", ns).findtext("q:Description", namespaces=ns) == "Daughter of a patient"
    ts = root.find("q:Sources/q:TextSource", ns)
    assert ts.findtext("q:Description", namespaces=ns) == "Phone interview"
    assert ts.get("guid") == "5a0c1f5e-2f1b-4a39-9d41-0b5d7e3c2a01"  # and the source keeps its GUID
    assert root.findtext("q:Description", namespaces=ns).endswith("\n\nAmbulance experience interviews")


def test_nvivo_same_name_in_two_branches_crlf_offsets_and_case_codes(nvivo):
    q, res, _ = nvivo
    paths = _paths(q)
    assert sorted(paths.values()) == ["Call handlers", "Call handlers / Attitude", "Call handlers / Repeat calls",
                                      "Drivers", "Drivers / Attitude"]
    assert res.repeated == ["Call handlers / Attitude", "Drivers / Attitude"]
    cod = q.codings().assign(path=lambda d: d.code_id.map(paths)).sort_values("start")
    assert list(cod.path) == ["Call handlers / Repeat calls", "Drivers / Attitude", "Call handlers / Attitude"]
    assert list(cod.text) == ["People ring back again and again.", "I feel for the drivers, honestly.",
                              "Our attitude has to stay calm."]  # offsets into the CRLF text, exact
    assert list(cod.memo) == ["Same caller rang five times", "", ""]
    # the case is a code with the case's GUID coding the whole transcript: a participant, not a code
    assert "Call handler A" not in set(q.codes().name) and "Cases" not in set(q.codes().name)
    src = q.sources().set_index("name")
    assert src.loc["Focus group 1", "participant_id"] == "Call handler A"
    assert src.loc["Observation (not transcribed)", "n_chars"] == 0
    assert q.meta_get("users") == ["K. Owusu", "M. Patel"] and res.warnings == []


def test_cli_shows_the_paths_where_names_repeat(tmp_path):
    from elc.cli import main

    res = CliRunner().invoke(main, ["import-qdpx", str(_archive("nvivo", tmp_path)), str(tmp_path / "n.elc")])
    assert res.exit_code == 0, res.output
    assert "2 user(s)" in res.output and "2 source(s)" in res.output
    assert "Call handlers / Attitude; Drivers / Attitude" in res.output
