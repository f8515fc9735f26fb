"""REFI-QDA codebooks (.qdc): schema-valid export, import into an existing project, hostile files."""

from __future__ import annotations


import pytest
from click.testing import CliRunner

from elc import new_project
from elc.coding import Codebook
from elc.errors import ElcError
from elc.exchange.refi import mapping as mp
from elc.exchange.refi import export_qdc, import_qdc
from tests.conftest import CODEBOOK, GUIDE, REPO

XSD_DIR = REPO / "tests" / "data" / "refi-qda"  # the official XSDs (MIT), vendored: see SOURCE.txt


@pytest.fixture
def full(tmp_path):
    p = new_project(tmp_path / "full.elc", GUIDE, CODEBOOK)
    Codebook(p).add("Feeling frightened", "theme", "Fear during transport.", "#abc",
                    p.code_id("Dignity, comfort and safety"), ("scared",))
    yield p
    p.close()


@pytest.fixture
def bare(tmp_path):
    p = new_project(tmp_path / "bare.elc", GUIDE)
    yield p
    p.close()


def _codes(p):
    codes = p.codes()
    names = dict(zip(codes.id, codes.name))
    return {r.name: (r.kind, r.family if r.family == r.family else None,
                     names.get(r.parent_id) if r.parent_id == r.parent_id else None, r.colour, r.definition,
                     list(r.keywords)) for r in codes.itertuples()}


def test_qdc_is_valid_against_the_codebook_schema(full, tmp_path):
    if not (XSD_DIR / "Codebook.xsd").exists():
        pytest.skip("REFI-QDA schemas not available")
    import xmlschema

    out = export_qdc(full, tmp_path / "book.qdc")
    xmlschema.XMLSchema(str(XSD_DIR / "Codebook.xsd")).validate(out.read_text(encoding="utf-8"))


def test_qdc_export_is_byte_stable(full, tmp_path):
    a = export_qdc(full, tmp_path / "a.qdc").read_bytes()
    b = export_qdc(full, tmp_path / "b.qdc").read_bytes()
    assert a == b and b"Feeling frightened" in a and b'color="#aabbcc"' in a


def test_import_adds_missing_codes_with_kind_hierarchy_colour_and_keywords(full, bare, tmp_path):
    out = export_qdc(full, tmp_path / "book.qdc")
    before = len(bare.codes())
    res = import_qdc(out, bare, coder="alice")
    assert len(res.skipped) == 20 and len(res.added) == len(full.codes()) - 20
    assert len(bare.codes()) == before + len(res.added)
    want, got = _codes(full), _codes(bare)
    want["Feeling frightened"] = want["Feeling frightened"][:3] + ("#aabbcc",) + want["Feeling frightened"][4:]
    assert got == want
    # a second import changes nothing
    again = import_qdc(out, bare)
    assert again.added == [] and len(bare.codes()) == before + len(res.added)


def test_valence_codes_are_not_added_as_codes(full, bare, tmp_path):
    out = export_qdc(full, tmp_path / "book.qdc")
    assert mp.VALENCE_GUIDS["working-well"].encode() in out.read_bytes()
    import_qdc(out, bare)
    assert not {"Valence", "Working well", "To improve"} & set(bare.codes().name)


FOREIGN = """<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="OtherQDA">
  <Codes>
    <Code guid="{A0000000-0000-0000-0000-000000000001}" name="Feelings" isCodable="false">
      <Code guid="A0000000-0000-0000-0000-000000000002" name="Anger" isCodable="true" color="#FF0000">
        <Description>Angry words</Description>
      </Code>
      <Code guid="A0000000-0000-0000-0000-000000000003" name="making the booking" isCodable="true"/>
    </Code>
    <Code guid="A0000000-0000-0000-0000-000000000004" name="Anger" isCodable="true"/>
  </Codes>
</CodeBook>"""


def test_import_of_another_tools_codebook(bare, tmp_path):
    path = tmp_path / "other.qdc"
    path.write_text(FOREIGN, encoding="utf-8")
    res = import_qdc(path, bare)
    # the same name under different parents is two codes (identity is the GUID and the place)
    assert res.added == ["Feelings", "Anger", "Anger"] and res.renamed == []
    assert res.skipped == ["making the booking"] and res.repeated == ["Anger", "Feelings / Anger"]
    codes = bare.codes()
    feelings = codes[codes.name == "Feelings"].iloc[0]
    angers = codes[codes.name == "Anger"]
    assert feelings.kind == "category" and list(angers.kind) == ["theme", "theme"]
    nested, top = angers[angers.parent_id == feelings.id].iloc[0], angers[angers.parent_id.isna()].iloc[0]
    assert nested.colour == "#FF0000" and nested.definition == "Angry words" and top.definition == ""
    assert codes[codes.name == "Making the booking"].iloc[0].kind == "touchpoint"  # existing code untouched


@pytest.mark.parametrize("content, problem", [
    (b'<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
     b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="A0000000-0000-0000-0000-000000000001" '
     b'name="&b;" isCodable="true"/></Codes></CodeBook>', "DTD"),
    (b'<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="A0000000-0000-0000-0000-000000000001" '
     b'name="&x;" isCodable="true"/></Codes></CodeBook>', "DTD"),
    (b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', "expected <CodeBook>"),
    (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x" isCodable="true"/></Codes></CodeBook>',
     "no valid guid"),
    (b"<CodeBook", "not well-formed"),
    (b"", "is empty"),
])
def test_hostile_or_broken_codebooks_are_refused_and_change_nothing(bare, tmp_path, content, problem):
    path = tmp_path / "bad.qdc"
    path.write_bytes(content)
    before = len(bare.codes())
    with pytest.raises(ElcError) as info:
        import_qdc(path, bare)
    assert problem in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)
    assert len(bare.codes()) == before


def test_cli_import_qdc(full, bare, tmp_path):
    from elc.cli import main

    out = export_qdc(full, tmp_path / "book.qdc")
    res = CliRunner().invoke(main, ["import-qdc", str(out), bare.location])
    assert res.exit_code == 0, res.output
    assert "added 17 code(s)" in res.output and "20 already in the project" in res.output


def test_a_damaged_code_hierarchy_still_exports(full, tmp_path):
    from elc.store import schema as s

    a, b = full.code_id("Timing and waiting"), full.code_id("Waiting and delays")
    with full.engine.begin() as conn:  # a cycle no codebook edit allows, as a corrupt file might hold
        conn.execute(s.codes.update().where(s.codes.c.id == a).values(parent_id=b))
    out = export_qdc(full, tmp_path / "cycle.qdc")
    assert out.read_bytes().count(b'name="Timing and waiting"') == 1
