"""REFI-QDA projects (.qdpx): schema-valid export, byte-stable, faithful round trip, hostile archives."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from elc.store.kpis import replace_measures
from click.testing import CliRunner

from elc import new_project, open_project
from elc.coding import Codebook, CodingSession
from elc.errors import ElcError
from elc.exchange.refi import archive as ar, mapping as mp, xmlutil as rx
from elc.exchange.refi import export_qdpx, import_qdpx, read_qdpx
from elc.ingest import ImportOptions, import_files
from elc.store import schema as s
from tests.conftest import CODEBOOK, GUIDE, REPO, TRANSCRIPT

XSD_DIR = REPO / "tests" / "data" / "refi-qda"  # the official XSDs (MIT), vendored: see SOURCE.txt
NS = {"q": rx.PROJECT_NS}

CARER = """Interviewer: What happened when you asked to travel with him?
C03: They said I couldn't go, I wasn't on the booking. He has dementia, he gets frightened.
Interviewer: How did that feel?
C03: Awful, honestly. Café staff at the hospital were kinder than the transport people — I waited there.
"""


def _build(folder: Path):
    p = new_project(folder / "orig.elc", GUIDE, CODEBOOK)
    (folder / "P07-call.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (folder / "C03-carer.txt").write_text(CARER, encoding="utf-8")
    for name, community, meta in (
        ("P07-call.txt", "patients", {"attributes": {"age band": "70-79", "visits": 3, "score": 2.5,
                                                     "wheelchair": True}, "interviewer": "RK",
                                      "interview_date": "2024-03-01"}),
        ("C03-carer.txt", "carers", {"attributes": {"age band": "50-59", "visits": 12}}),
    ):
        report = import_files(p, [folder / name], ImportOptions(community=community), deidentify=False,
                              metadata_for=lambda _path, m=meta: m)
        assert report.ok, report.failed
    # a participant with no interview yet, and a code nested under a theme, with keywords
    with p.engine.begin() as conn:
        conn.execute(s.participants.insert().values(id="D02", community_id=p.community_id("drivers"),
                                                    attributes="{}", created_at="2024-01-01T00:00:00+00:00"))
    book = Codebook(p, "alice")
    parent = p.code_id("Dignity, comfort and safety")
    book.add("Feeling frightened", "theme", "Fear or distress during transport.", "#123abc", parent,
             ("frightened", "scared"))
    segs = p.segments(role="participant")
    alice, bob = CodingSession(p, "alice"), CodingSession(p, "bob")
    first = segs.iloc[1]
    sid, a, b = int(first.source_id), int(first.start), int(first.end)
    alice.apply(sid, a, b, p.code_id("Making the booking"), "to-improve", memo="on hold 40 minutes\nsecond line")
    bob.apply(sid, a, b, p.code_id("Making the booking"), "working-well")
    bob.apply(sid, a + 2, b, p.code_id("Waiting and delays"), "neutral", memo="=cmd|' /C calc'!A0")
    carer = segs[segs.participant_id == "C03"]
    for _, seg in carer.iterrows():
        alice.apply(int(seg.source_id), int(seg.start), int(seg.end), p.code_id("Eligibility and escorts"),
                    "to-improve", origin="suggestion")
    alice.apply(int(carer.iloc[0].source_id), int(carer.iloc[0].start), int(carer.iloc[0].end),
                p.code_id("Feeling frightened"), "neutral")
    removed = alice.apply(sid, a, b, p.code_id("The pick-up"), "working-well")
    alice.remove(removed)
    with p.engine.begin() as conn:
        cid = conn.execute(s.changes.insert().values(
            position=0, title="Let escorts travel", rationale="Carers refused", owner="ICB",
            measures="[]", created_at="2024-01-01T00:00:00+00:00")).inserted_primary_key[0]
        replace_measures(conn, cid, ["escort refusals per month"])
        conn.execute(s.change_links.insert().values(change_id=cid, kind="code",
                                                    ref=str(p.code_id("Eligibility and escorts"))))
    return p


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qdpx")
    p = _build(folder)
    archive = export_qdpx(p, folder / "orig.qdpx")
    res = import_qdpx(archive, folder / "copy.elc")
    copy = open_project(folder / "copy.elc")
    yield p, archive, copy, res, folder
    p.close()
    copy.close()


def _qde(archive: Path) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read("project.qde")


def _tree(archive: Path):
    from lxml import etree

    return etree.fromstring(_qde(archive))


# ----------------------------------------------------------------------------- the export
def test_project_qde_is_valid_against_the_refi_qda_schema(built):
    if not (XSD_DIR / "Project.xsd").exists():
        pytest.skip("REFI-QDA schemas not available")
    import xmlschema

    schema = xmlschema.XMLSchema(str(XSD_DIR / "Project.xsd"))
    schema.validate(_qde(built[1]).decode("utf-8"))


def test_archive_holds_plain_text_sources_and_refi_constructs(built):
    p, archive, *_ = built
    root = _tree(archive)
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert names[0] == "project.qde"
        sources = root.findall("q:Sources/q:TextSource", NS)
        assert len(sources) == 2
        for ts, (_, row) in zip(sources, p.sources().iterrows()):
            guid = ts.get("guid")
            assert ts.get("plainTextPath") == f"internal://{guid}.txt"
            data = zf.read(f"sources/{guid}.txt")
            assert data.decode("utf-8") == p.source_text(int(row.id)) and b"\r" not in data
            assert not data.startswith(b"\xef\xbb\xbf")
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
    # selections carry the stored character offsets and point at codes
    codings = p.codings()
    sels = root.findall(".//q:PlainTextSelection", NS)
    sels = [x for x in sels if x.get("creatingUser")]  # the rest link interviews to participants
    assert len(sels) == len(set(zip(codings.source_id, codings.start, codings.end, codings.coder)))
    spans = sorted({(int(x.get("startPosition")), int(x.get("endPosition"))) for x in sels})
    assert spans == sorted(set(zip(codings.start, codings.end)))
    # codes: colours, hierarchy, descriptions, isCodable
    codes = {c.get("name"): c for c in root.iter(f"{{{rx.PROJECT_NS}}}Code")}
    assert all(c.get("color") is None or len(c.get("color")) == 7 for c in codes.values())
    assert codes["Feeling frightened"].get("color") == "#123abc"
    assert codes["Feeling frightened"] in list(codes["Dignity, comfort and safety"])
    assert codes["Information and communication"].get("isCodable") == "false"
    desc = codes["Making the booking"].find("q:Description", NS).text
    assert desc.startswith("Arranging transport") and "elc:" not in desc
    assert [u.get("name") for u in root.findall("q:Users/q:User", NS)] == ["alice", "bob"]
    cases = {c.get("name"): c for c in root.findall("q:Cases/q:Case", NS)}
    assert set(cases) == {"P07", "C03", "D02"}
    assert len(cases["P07"].findall("q:SourceRef", NS)) == 1 and not cases["D02"].findall("q:SourceRef", NS)
    description = root.find("q:Description", NS).text
    assert "Programme: LLR non-emergency patient transport" in description and "Focus question: What" in description
    sets = [st.get("name") for st in root.findall("q:Sets/q:Set", NS)]
    assert "Family carers and escorts" in sets and "Touchpoints (people)" in sets and "Themes" in sets
    # valence as a second coding on the selection, memo as a note
    valence = {mp.VALENCE_GUIDS["to-improve"]: 0, mp.VALENCE_GUIDS["working-well"]: 0}
    for ref in root.iter(f"{{{rx.PROJECT_NS}}}CodeRef"):
        if ref.get("targetGUID") in valence:
            valence[ref.get("targetGUID")] += 1
    assert valence[mp.VALENCE_GUIDS["working-well"]] == (codings.valence == "working-well").sum()
    assert valence[mp.VALENCE_GUIDS["to-improve"]] == (codings.valence == "to-improve").sum()
    memos = [n.text for n in root.iter(f"{{{rx.PROJECT_NS}}}Description")]
    assert "on hold 40 minutes\nsecond line" in memos


def test_export_is_byte_stable(built, tmp_path):
    p, archive, *_ = built
    again = export_qdpx(p, tmp_path / "again.qdpx")
    assert again.read_bytes() == archive.read_bytes()


def test_export_uses_the_stored_deidentified_text(tmp_path):
    p = new_project(tmp_path / "d.elc", GUIDE)
    path = tmp_path / "P07-call.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    assert import_files(p, [path]).ok
    out = export_qdpx(p, tmp_path / "d.qdpx")
    with zipfile.ZipFile(out) as zf:
        texts = [zf.read(n).decode() for n in zf.namelist() if n.startswith("sources/")
                 and not zf.read(n).startswith(b"Programme:")]
    assert texts == [p.source_text(1)]
    assert "943 476 5919" not in texts[0] and "0116 496 0123" not in texts[0]
    # imported again, the tags ("[phone]", "[Driver 1]") do not cut sentences the original did not
    import_qdpx(out, tmp_path / "d2.elc")
    q = open_project(tmp_path / "d2.elc")
    cols = ["kind", "start", "end", "role"]
    pd.testing.assert_frame_equal(p.segments(kind=None)[cols], q.segments(kind=None)[cols])
    assert q.sources().deidentified.iloc[0] == 1
    p.close()
    q.close()


# ----------------------------------------------------------------------------- the round trip
def _frames(p):
    codes = p.codes()
    names = dict(zip(codes.id, codes.name))
    codes = codes.assign(parent=codes.parent_id.map(lambda x: names.get(x) if x == x and x is not None else None))
    codes = codes[["name", "kind", "family", "parent", "colour", "definition", "keywords", "n_codings"]]
    sources = p.sources().drop(columns=["id"])
    sources["text"] = [p.source_text(int(i)) for i in p.sources().id]
    src_names = dict(zip(p.sources().id, p.sources().name))
    codings = p.codings().assign(source=lambda d: d.source_id.map(src_names))
    codings = codings.drop(columns=["id", "source_id", "code_id"]).sort_values(
        ["source", "start", "end", "code", "coder"]).reset_index(drop=True)
    return {
        "sources": sources,
        "participants": p.participants(),
        "communities": p.communities().drop(columns=["id"]),
        "codes": codes,
        "codings": codings,
    }


def test_round_trip_gives_an_identical_project(built):
    p, _, copy, res, _ = built
    assert res.warnings == [] and res.codings == len(p.codings())
    before, after = _frames(p), _frames(copy)
    for name in before:
        pd.testing.assert_frame_equal(before[name].reset_index(drop=True), after[name].reset_index(drop=True),
                                      obj=name)
    assert copy.programme.name == p.programme.name
    assert copy.programme.focus_question == p.programme.focus_question
    assert copy.programme.questions == p.programme.questions
    assert copy.programme.phases == p.programme.phases
    assert [(c.title, c.measures) for c in copy.programme.changes] == [(c.title, c.measures) for c in p.programme.changes]
    with copy.engine.connect() as conn:
        link = conn.execute(s.change_links.select()).mappings().one()
    assert copy.codes().set_index("id").loc[int(link["ref"]), "name"] == "Eligibility and escorts"
    # spot checks of what matters most to the researchers
    cod = after["codings"]
    memo = cod[cod.memo.str.startswith("on hold")].iloc[0]
    assert (memo.coder, memo.valence, memo.code) == ("alice", "to-improve", "Making the booking")
    assert set(cod[cod.coder == "bob"].valence) == {"working-well", "neutral"}
    assert set(cod[cod.code == "Eligibility and escorts"].origin) == {"suggestion"}
    assert "The pick-up" not in set(cod.code)  # removed codings stay removed


def test_reimported_sources_are_segmented_like_the_originals(built):
    p, _, copy, *_ = built
    cols = ["kind", "position", "start", "end", "speaker", "role", "question"]
    turns = p.segments(kind="turn")[cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(turns, copy.segments(kind="turn")[cols].reset_index(drop=True))
    cols += ["lemmas"]
    pd.testing.assert_frame_equal(p.segments()[cols].reset_index(drop=True),
                                  copy.segments()[cols].reset_index(drop=True))
    assert len(copy.coded_segments()) > 0


def test_import_with_a_guide_merges_codes_by_name(built, tmp_path):
    _, archive, *_ = built
    res = import_qdpx(archive, tmp_path / "g.elc", guide=GUIDE)
    q = open_project(tmp_path / "g.elc")
    assert res.codes_matched == 20  # the guide's touchpoints
    assert len(q.codes()[q.codes().kind == "touchpoint"]) == 20
    booking = q.codings()[q.codings().code == "Making the booking"]
    assert len(booking) == 2 and set(booking.code_kind) == {"touchpoint"}
    assert set(q.participants().community.dropna()) == {"patients", "carers", "drivers"}
    q.close()


def test_import_refuses_to_overwrite(built, tmp_path):
    _, archive, *_ = built
    target = tmp_path / "x.elc"
    target.write_bytes(b"keep me")
    with pytest.raises(ElcError, match="already exists"):
        import_qdpx(archive, target)
    assert target.read_bytes() == b"keep me"


# ----------------------------------------------------------------------------- hostile archives
MINIMAL_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="x">
  <Sources>
    <TextSource guid="11111111-1111-1111-1111-111111111111" name="one" plainTextPath="internal://one.txt"/>
  </Sources>
</Project>"""


def _zip(path: Path, members: list[tuple[str, bytes]], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&xxe;</Description></Project>"""


def _hostile(kind: str, folder: Path, monkeypatch) -> Path:
    path = folder / f"{kind}.qdpx"
    qde = MINIMAL_QDE.encode()
    if kind == "traversal":
        return _zip(path, [("project.qde", qde), ("sources/one.txt", b"hi"), ("../evil.txt", b"x")])
    if kind == "backslash":
        return _zip(path, [("project.qde", qde), ("sources/one.txt", b"hi"), ("sources\\..\\..\\evil", b"x")])
    if kind == "absolute":
        return _zip(path, [("project.qde", qde), ("sources/one.txt", b"hi"), ("/etc/cron.d/evil", b"x")])
    if kind == "bomb":
        return _zip(path, [("project.qde", qde), ("sources/one.txt", b"\0" * (20 * 1024 * 1024))])
    if kind == "oversized":
        monkeypatch.setattr(ar, "MAX_MEMBER_BYTES", 4096)
        return _zip(path, [("project.qde", qde), ("sources/one.txt", bytes(range(256)) * 64)], zipfile.ZIP_STORED)
    if kind == "members":
        monkeypatch.setattr(ar, "MAX_MEMBERS", 50)
        return _zip(path, [("project.qde", qde), ("sources/one.txt", b"hi")]
                    + [(f"sources/x{i}.txt", b"x") for i in range(60)])
    if kind == "laughs":
        return _zip(path, [("project.qde", BILLION_LAUGHS), ("sources/one.txt", b"hi")])
    if kind == "external":
        return _zip(path, [("project.qde", EXTERNAL_ENTITY), ("sources/one.txt", b"hi")])
    if kind == "no-qde":
        return _zip(path, [("sources/one.txt", b"hi")])
    if kind == "missing-source":
        return _zip(path, [("project.qde", qde)])
    if kind == "external-source":
        return _zip(path, [("project.qde", qde.replace(b"internal://one.txt", b"absolute:///etc/passwd"))])
    if kind == "not-zip":
        path.write_bytes(b"<Project/>")
        return path
    if kind == "bad-span":
        return _zip(path, [("project.qde", qde.replace(b'plainTextPath="internal://one.txt"/>', (
            b'plainTextPath="internal://one.txt"><PlainTextSelection guid="22222222-2222-2222-2222-222222222222" '
            b'startPosition="0" endPosition="999"/></TextSource>'))), ("sources/one.txt", b"hello")])
    raise AssertionError(kind)


@pytest.mark.parametrize("kind, problem", [
    ("traversal", "path traversal"),
    ("backslash", "path traversal"),
    ("absolute", "absolute path"),
    ("bomb", "zip bomb"),
    ("oversized", "over the"),
    ("members", "members, over the limit"),
    ("laughs", "DTD"),
    ("external", "DTD"),
    ("no-qde", "no project.qde"),
    ("missing-source", "missing from the archive"),
    ("external-source", "outside the archive"),
    ("not-zip", "not a readable zip"),
    ("bad-span", "outside its text"),
])
def test_hostile_archives_are_refused_with_one_line_and_no_project(kind, problem, tmp_path, monkeypatch):
    archive = _hostile(kind, tmp_path, monkeypatch)
    target = tmp_path / "out" / "new.elc"
    with pytest.raises(ElcError) as info:
        import_qdpx(archive, target)
    message = str(info.value)
    assert problem in message and str(archive) in message and "\n" not in message
    assert not target.exists()
    leftovers = list(target.parent.iterdir()) if target.parent.exists() else []
    assert leftovers == []


def test_failure_while_building_leaves_nothing_behind(built, tmp_path, monkeypatch):
    _, archive, *_ = built
    import elc.exchange.refi.load as q

    def boom(*args, **kwargs):
        raise ElcError("simulated failure")

    monkeypatch.setattr(q, "segment_stream", boom)
    with pytest.raises(ElcError, match="simulated"):
        import_qdpx(archive, tmp_path / "never.elc")
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- other tools' files
FOREIGN_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Transport study" origin="SomeQDA 3.1"
         creatingUserGUID="AAAAAAAA-0000-0000-0000-000000000001">
  <Users>
    <User guid="AAAAAAAA-0000-0000-0000-000000000001" name="Dr Ana"/>
    <User guid="AAAAAAAA-0000-0000-0000-000000000002" name="Sam"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="C0000000-0000-0000-0000-000000000001" name="Access" isCodable="false" color="#A1B">
      <Code guid="C0000000-0000-0000-0000-000000000002" name="Booking" isCodable="true">
        <Description>Phoning to book</Description>
      </Code>
      <Code guid="C0000000-0000-0000-0000-000000000003" name="Making the booking" isCodable="true"/>
    </Code>
    <Code guid="C0000000-0000-0000-0000-000000000004" name="Booking" isCodable="true" color="#00FF00"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="B0000000-0000-0000-0000-000000000001" name="Community" typeOfVariable="Text"/>
    <Variable guid="B0000000-0000-0000-0000-000000000002" name="Age" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="D0000000-0000-0000-0000-000000000001" name="Resp 1">
      <VariableValue><VariableRef targetGUID="B0000000-0000-0000-0000-000000000001"/><TextValue>patients</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="B0000000-0000-0000-0000-000000000002"/><IntegerValue>81</IntegerValue></VariableValue>
      <SourceRef targetGUID="E0000000-0000-0000-0000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{E0000000-0000-0000-0000-000000000001}" name="Interview 1" plainTextPath="internal://e1.txt">
      <PlainTextSelection guid="F0000000-0000-0000-0000-000000000001" startPosition="10" endPosition="30"
                          creatingUser="AAAAAAAA-0000-0000-0000-000000000002">
        <Coding guid="F1000000-0000-0000-0000-000000000001" creatingUser="AAAAAAAA-0000-0000-0000-000000000002">
          <CodeRef targetGUID="C0000000-0000-0000-0000-000000000002"/>
        </Coding>
        <Coding guid="F1000000-0000-0000-0000-000000000002" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
          <CodeRef targetGUID="C0000000-0000-0000-0000-000000000004"/>
        </Coding>
        <NoteRef targetGUID="90000000-0000-0000-0000-000000000001"/>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="E0000000-0000-0000-0000-000000000002" name="Field notes">
      <PlainTextContent>Notes: the phone line was busy all morning.</PlainTextContent>
      <Coding guid="F1000000-0000-0000-0000-000000000003" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
        <CodeRef targetGUID="C0000000-0000-0000-0000-000000000003"/>
      </Coding>
    </TextSource>
    <PDFSource guid="E0000000-0000-0000-0000-000000000003" name="Leaflet" path="relative://leaflet.pdf"/>
  </Sources>
  <Notes>
    <Note guid="90000000-0000-0000-0000-000000000001" name="memo"><PlainTextContent>Hold music mentioned</PlainTextContent></Note>
  </Notes>
</Project>"""
FOREIGN_TEXT = "Q: How was booking?\r\nA: I rang and rang and nobody answered for ages.\r\n"


def _foreign(folder: Path) -> Path:
    return _zip(folder / "foreign.qdpx", [("project.qde", FOREIGN_QDE.encode()),
                                          ("sources/e1.txt", b"\xef\xbb\xbf" + FOREIGN_TEXT.encode())])


def test_import_of_another_tools_project(tmp_path):
    res = import_qdpx(_foreign(tmp_path), tmp_path / "f.elc")
    q = open_project(tmp_path / "f.elc")
    assert q.programme.name == "Transport study"
    assert any("PDFSource" in w for w in res.warnings)
    # "Booking" under "Access" and "Booking" at the top are two codes, names kept
    assert res.repeated == ["Access / Booking", "Booking"] and not any("renamed" in w for w in res.warnings)
    codes = q.codes()
    access = codes[codes.name == "Access"].iloc[0]
    nested = codes[(codes.name == "Booking") & (codes.parent_id == access.id)].iloc[0]
    top = codes[(codes.name == "Booking") & codes.parent_id.isna()].iloc[0]
    assert access.kind == "category" and nested.kind == "theme" and top.kind == "theme"
    assert access.colour == "#AA11BB" and nested.definition == "Phoning to book" and top.colour == "#00FF00"
    assert codes[codes.name == "Making the booking"].iloc[0].parent_id == access.id
    parts = q.participants()
    assert list(parts.id) == ["Resp 1"] and parts.community.iloc[0] == "patients"
    assert parts.attributes.iloc[0] == {"Age": 81}
    cod = q.codings().sort_values(["source_id", "coder"]).reset_index(drop=True)
    assert list(cod.coder) == ["Dr Ana", "Sam", "Dr Ana"]
    assert list(cod.code) == ["Booking", "Booking", "Making the booking"]
    assert list(cod.code_id.iloc[:2]) == [top.id, nested.id]
    assert (cod.start.iloc[1], cod.end.iloc[1]) == (10, 30)
    assert cod.text.iloc[1] == FOREIGN_TEXT[10:30]  # byte-order mark dropped, offsets kept
    assert set(cod.memo.iloc[:2]) == {"Hold music mentioned"} and set(cod.valence) == {"neutral"}
    assert cod.code.iloc[2] == "Making the booking" and cod.text.iloc[2] == "Notes: the phone line was busy all morning."
    assert q.source_text(int(cod.source_id.iloc[0])) == FOREIGN_TEXT
    # exported again, the text has \n line ends and the selection still covers the same words
    out = export_qdpx(q, tmp_path / "again.qdpx")
    with zipfile.ZipFile(out) as zf:
        root_xml = zf.read("project.qde")
        texts = {n: zf.read(n).decode() for n in zf.namelist() if n.startswith("sources/")}
    text = next(t for t in texts.values() if t.startswith("Q:"))
    assert text == FOREIGN_TEXT.replace("\r\n", "\n")
    from lxml import etree

    sel = next(x for x in etree.fromstring(root_xml).iterfind(".//q:PlainTextSelection", NS) if x.get("creatingUser"))
    a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
    assert text[a:b] == FOREIGN_TEXT[10:30].replace("\r\n", "\n")
    q.close()


def test_foreign_project_with_a_guide_maps_communities_and_touchpoints(tmp_path):
    res = import_qdpx(_foreign(tmp_path), tmp_path / "g.elc", guide=GUIDE)
    q = open_project(tmp_path / "g.elc")
    assert res.communities_added == [] and res.codes_matched == 1
    assert q.participants().community.iloc[0] == "patients"
    assert q.codings()[q.codings().code == "Making the booking"].code_kind.iloc[0] == "touchpoint"
    q.close()


def test_read_qdpx_reads_without_writing(tmp_path):
    data = read_qdpx(_foreign(tmp_path))
    assert [s.name for s in data.sources] == ["Interview 1", "Field notes"]
    assert sorted(tmp_path.iterdir()) == [tmp_path / "foreign.qdpx"]


# ----------------------------------------------------------------------------- CLI
def test_cli_export_and_import(built, tmp_path):
    from elc.cli import main

    p, *_ = built
    runner = CliRunner()
    res = runner.invoke(main, ["export", p.location, "--qdpx", str(tmp_path / "a.qdpx"), "--qdc",
                               str(tmp_path / "a.qdc"), "--csv", str(tmp_path / "csv")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "a.qdpx").exists() and (tmp_path / "a.qdc").exists() and (tmp_path / "csv" / "codings.csv").exists()
    res = runner.invoke(main, ["import-qdpx", str(tmp_path / "a.qdpx"), str(tmp_path / "b.elc")])
    assert res.exit_code == 0, res.output
    assert "2 source(s), 3 participant(s)" in res.output
    res = runner.invoke(main, ["import-qdpx", str(tmp_path / "a.qdpx"), str(tmp_path / "b.elc")])
    assert res.exit_code == 1 and "already exists" in res.output
    res = runner.invoke(main, ["export", p.location])
    assert res.exit_code != 0 and "--qdpx" in res.output
    bad = _zip(tmp_path / "bad.qdpx", [("project.qde", b"x"), ("../../x", b"y")])
    res = runner.invoke(main, ["import-qdpx", str(bad), str(tmp_path / "c.elc")])
    assert res.exit_code == 1 and "path traversal" in res.output and not (tmp_path / "c.elc").exists()


def test_errors_naming_untrusted_text_stay_on_one_line(tmp_path):
    qde = MINIMAL_QDE.replace('name="one"', 'name="one&#10;two"').replace(
        "internal://one.txt", "internal://gone&#10;.txt")
    archive = _zip(tmp_path / "nl.qdpx", [("project.qde", qde.encode())])
    with pytest.raises(ElcError) as info:
        import_qdpx(archive, tmp_path / "nl.elc")
    assert "missing from the archive" in str(info.value) and "\n" not in str(info.value)
