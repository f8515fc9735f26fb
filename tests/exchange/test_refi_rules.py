"""What other tools' importers need from the .qdpx elc writes, one test per rule, and the round trip.

Each rule names where it comes from: QualCoder's importer (src/qualcoder/refi.py, RefiImport) or
the REFI-QDA 1.0 Project.xsd. The XML is checked directly, not only against the schema.
"""

from __future__ import annotations

import json
import re
import zipfile

import pandas as pd
import pytest

from elc import new_project, open_project
from elc.coding import CodingSession
from elc.exchange.refi import export_qdpx, import_qdpx, mapping as mp, xmlutil as rx
from elc.store import schema as s
from tests.conftest import GUIDE, REPO
from tests.exchange.test_qdpx import _build, _frames

XSD = REPO / "tests" / "data" / "refi-qda" / "Project.xsd"
NS = {"q": rx.PROJECT_NS}
Q = f"{{{rx.PROJECT_NS}}}"


def _enrich(p) -> None:
    """What the base fixture lacks: a name repeated under another parent, different memos on one
    span, a user with no codings, an empty source."""
    with p.engine.begin() as conn:
        parent = p.code_id("Information and communication")
        conn.execute(s.codes.insert().values(name="Waiting and delays", kind="theme", parent_id=parent, position=900,
                                             colour="#336699", definition="Waiting for information",
                                             keywords="[]", created_at="2024-01-01T00:00:00+00:00", archived=0))
        imp = conn.execute(s.imports.insert().values(file_name="empty.txt", file_hash="0" * 64, format="txt",
                                                     imported_at="2024-01-02T00:00:00.000000+00:00",
                                                     n_sources=1)).inserted_primary_key[0]
        conn.execute(s.sources.insert().values(import_id=imp, name="Empty call note", participant_id="D02",
                                               content_hash="e" * 64, text="", format="txt",
                                               imported_at="2024-01-02T00:00:00.000000+00:00", metadata="{}",
                                               deidentified=1))
    p.meta_set("users", ["carol"])
    codes = p.codes()
    repeat = int(codes[(codes.name == "Waiting and delays") & (codes.parent_id == parent)].id.iloc[0])
    seg = p.segments(role="participant").iloc[2]
    carol_free = CodingSession(p, "dave")
    carol_free.apply(int(seg.source_id), int(seg.start), int(seg.end), repeat, "to-improve", memo="first memo")
    carol_free.apply(int(seg.source_id), int(seg.start), int(seg.end), p.code_id("Making the booking"),
                     "to-improve", memo="second memo")
    p._texts.clear()


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    p = _build(folder)
    _enrich(p)
    archive = export_qdpx(p, folder / "rich.qdpx")
    with zipfile.ZipFile(archive) as zf:
        from lxml import etree

        root = etree.fromstring(zf.read("project.qde"))
        members = {n: zf.read(n) for n in zf.namelist()}
    yield p, archive, root, members, folder
    p.close()


def _paths(p) -> pd.Series:
    codes = p.codes()
    names = dict(zip(codes.id, codes.name))
    parents = dict(zip(codes.id, codes.parent_id))

    def path(cid):
        parts = []
        while cid == cid and cid is not None and cid in names and len(parts) < 64:
            parts.append(names[cid])
            cid = parents[cid]
        return " / ".join(reversed(parts))

    return codes.id.map(path)


# ----------------------------------------------------------------------------- export rules
def test_schema_valid(rich):
    import xmlschema

    xmlschema.XMLSchema(str(XSD)).validate(rich[3]["project.qde"].decode("utf-8"))


def test_rule_dates_on_every_element_that_has_them_in_utc_z(rich):
    """QualCoder's parse_notes/load_codings_for_text call .replace on creationDateTime (or
    modifiedDateTime): a Note without either stops the import. It strips 'T' and 'Z' and writes
    'Z' back on export, so an offset (+00:00) would come back invalid: write UTC as ...Z."""
    root = rich[2]
    with_dates = {"Project", "TextSource", "PlainTextSelection", "Coding", "Note"}  # Project.xsd attributes
    checked = 0
    for el in root.iter():
        name = rx.local(el.tag)
        if name in with_dates:
            assert el.get("creationDateTime"), name
            if name != "Coding":  # CodingType has no modifiedDateTime
                assert el.get("modifiedDateTime") or name == "PlainTextSelection" and el.get("name"), name
            checked += 1
        for attr in ("creationDateTime", "modifiedDateTime"):
            if el.get(attr):
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", el.get(attr)), el.get(attr)
    assert checked > 20
    note = root.find("q:Notes/q:Note", NS)
    assert note.get("creationDateTime") and note.get("modifiedDateTime")  # the programme note too


def test_rule_one_selection_per_span_and_coder_holding_all_its_codings(rich):
    """QualCoder loads each Coding into code_text, unique on (code, file, start, end, owner):
    a second selection of the same span, code and coder is dropped as 'Duplicated text coding'."""
    p, _, root, *_ = rich
    seen_spans, seen_codings = set(), set()
    for ts in root.iterfind("q:Sources/q:TextSource", NS):
        for sel in ts.iterfind("q:PlainTextSelection", NS):
            key = (ts.get("guid"), sel.get("startPosition"), sel.get("endPosition"), sel.get("creatingUser"))
            assert key not in seen_spans
            seen_spans.add(key)
            for coding in sel.iterfind("q:Coding", NS):
                ckey = key + (coding.find("q:CodeRef", NS).get("targetGUID"),)
                assert ckey not in seen_codings
                seen_codings.add(ckey)
    # the span alice and dave both coded: one selection each, content and valence codings inside
    codings = p.codings()
    groups = codings.groupby(["source_id", "start", "end", "coder"]).size()
    assert (groups > 1).any()
    big = max((sel for sel in root.iter(f"{Q}PlainTextSelection")), key=lambda e: len(e.findall("q:Coding", NS)))
    targets = [c.find("q:CodeRef", NS).get("targetGUID") for c in big.findall("q:Coding", NS)]
    assert mp.VALENCE_GUIDS["to-improve"] in targets and len(targets) == 3


def test_rule_memos_where_qualcoder_reads_them(rich):
    """QualCoder reads a coding memo from the PlainTextSelection's Description
    (load_codings_for_text), a code memo from the Code's Description (sub_codes), a case memo from
    the Case's Description and the project memo from Project/Description; Notes it reads only as
    journals (named, with a plainTextPath) or as annotations referenced from a TextSource."""
    root = rich[2]
    descriptions = [el.findtext("q:Description", namespaces=NS) for el in root.iter(f"{Q}PlainTextSelection")]
    assert "on hold 40 minutes\nsecond line" in descriptions
    mixed = next(d for d in descriptions if d and "first memo" in d)
    assert "Waiting and delays: first memo" in mixed and "Making the booking: second memo" in mixed
    # and each coding of that selection points at its own memo note (REFI-QDA: Coding/NoteRef)
    notes = {n.get("guid"): n for n in root.iterfind("q:Notes/q:Note", NS)}
    refs = [r.get("targetGUID") for r in root.iter(f"{Q}NoteRef") if r.getparent().tag == f"{Q}Coding"]
    assert sorted(notes[g].findtext("q:PlainTextContent", namespaces=NS) for g in refs) == ["first memo",
                                                                                           "second memo"]
    code = next(c for c in root.iter(f"{Q}Code") if c.get("name") == "Making the booking")
    assert code.findtext("q:Description", namespaces=NS).startswith("Arranging transport")
    assert root.findtext("q:Description", namespaces=NS).startswith("Programme: LLR")


def test_rule_programme_is_a_journal_qualcoder_reads(rich):
    """parse_notes imports a Note as a journal when it has a name and a plainTextPath, reading the
    text from the archive's sources folder."""
    _, _, root, members, _ = rich
    note = root.find("q:Notes/q:Note", NS)
    path = note.get("plainTextPath")
    assert note.get("name", "").startswith("Programme:") and path.startswith("internal://")
    text = members["sources/" + path[len("internal://"):]].decode("utf-8")
    assert "Let escorts travel" in text and "Open questions:" in text and "{" not in text


def test_rule_participants_linked_as_the_importers_read_them(rich):
    """Case/SourceRef per interview (REFI-QDA; NVivo), and, because QualCoder's parse_cases ignores
    SourceRef on named cases and links files to cases through codes that share the case's GUID
    (clean_up_case_codes_and_case_text), a Code with the case's GUID coding the whole interview."""
    p, _, root, members, _ = rich
    cases = {c.get("name"): c for c in root.iterfind("q:Cases/q:Case", NS)}
    sources = {t.get("guid"): t for t in root.iterfind("q:Sources/q:TextSource", NS)}
    for r in p.sources().itertuples():
        if r.participant_id != r.participant_id:
            continue
        case = cases[r.participant_id]
        linked = [sources[x.get("targetGUID")] for x in case.iterfind("q:SourceRef", NS)]
        assert r.name in [t.get("name") for t in linked]
        ts = next(t for t in linked if t.get("name") == r.name)
        text = members["sources/" + ts.get("guid") + ".txt"].decode("utf-8")
        whole = [sel for sel in ts.iterfind("q:PlainTextSelection", NS)
                 if sel.find("q:Coding/q:CodeRef", NS).get("targetGUID") == case.get("guid")]
        assert (len(whole) == 1 and whole[0].get("startPosition") == "0"
                and int(whole[0].get("endPosition")) == len(text)) or not text
    case_codes = [c for c in root.iter(f"{Q}Code") if c.get("guid") in {k.get("guid") for k in cases.values()}]
    assert {c.getparent().get("name") for c in case_codes} == {mp.CASES_ROOT_NAME}


def test_rule_no_machine_data_in_user_visible_fields(rich):
    """Descriptions and note texts are what users read (QualCoder shows them as memos): elc's
    own data goes to the sidecar member elc/extension.json, which elc reads back."""
    _, _, root, members, _ = rich
    for el in root.iter():
        for text in (el.text or "", *el.attrib.values()):
            assert "elc:{" not in text and '{"' not in text, text[:80]
    side = json.loads(members[mp.SIDECAR])
    assert side["elc"] == mp.SIDECAR_VERSION
    assert any(v.get("origin") == "suggestion" for v in side["codings"].values())
    assert any(v["keywords"] == ["frightened", "scared"] for v in side["codes"].values())
    assert side["programme"]["changes"][0]["title"] == "Let escorts travel"


def test_rule_no_empty_containers_and_an_empty_project_is_valid(rich, tmp_path):
    """Project.xsd: Sets, Cases, Users, Notes and Variables need at least one child (an empty
    <Sets/> fails validation)."""
    import xmlschema

    containers = {"Users", "Codes", "Variables", "Cases", "Sources", "Notes", "Sets", "Links", "Graphs"}
    assert all(len(el) for el in rich[2].iter() if rx.local(el.tag) in containers)
    p = new_project(tmp_path / "empty.elc", GUIDE)
    with p.engine.begin() as conn:
        conn.execute(s.communities.delete())
    out = export_qdpx(p, tmp_path / "empty.qdpx")
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    xmlschema.XMLSchema(str(XSD)).validate(qde)
    assert "<Sets/>" not in qde and "<Cases/>" not in qde and "<Users/>" not in qde
    p.close()


# ----------------------------------------------------------------------------- the round trip
def _compare(p, q, with_sidecar: bool = True) -> None:
    before, after = _frames(p), _frames(q)
    if with_sidecar:
        for name in before:
            pd.testing.assert_frame_equal(before[name].reset_index(drop=True), after[name].reset_index(drop=True),
                                          obj=name)
    assert sorted(_paths(p)) == sorted(_paths(q))
    assert sorted(set(p.coders()) | {"carol"}) == sorted(q.meta_get("users"))


def test_round_trip_is_identical_with_valence_memos_participants_paths_and_coders(rich, tmp_path):
    p, archive, *_ = rich
    res = import_qdpx(archive, tmp_path / "back.elc")
    q = open_project(tmp_path / "back.elc")
    assert res.warnings == []
    assert res.repeated == ["Information and communication / Waiting and delays",
                            "Timing and waiting / Waiting and delays"]
    _compare(p, q)
    # exported again: the same users (carol has no codings), codes keep their GUIDs
    again = export_qdpx(q, tmp_path / "again.qdpx")
    with zipfile.ZipFile(again) as zf, zipfile.ZipFile(archive) as za:
        from lxml import etree

        users = [u.get("name") for u in etree.fromstring(zf.read("project.qde")).iterfind("q:Users/q:User", NS)]
        def guids(z):  # the codes (participants' case codes and their "Cases" parent are minted per export)
            root = etree.fromstring(z.read("project.qde"))
            cases = {c.get("guid") for c in root.iterfind("q:Cases/q:Case", NS)}
            return sorted(c.get("guid") for c in root.iter(f"{Q}Code")
                          if c.get("guid") not in cases and c.get("name") != mp.CASES_ROOT_NAME)

        assert guids(zf) == guids(za)
    assert users == ["alice", "bob", "carol", "dave"]
    q.close()


def test_round_trip_without_the_sidecar_keeps_what_the_xml_carries(rich, tmp_path):
    """After a tool that drops unknown archive members (QualCoder re-exports only its own), the XML
    alone gives back valence, memos, participants, code paths and coders."""
    p, archive, _, members, _ = rich
    stripped = tmp_path / "stripped.qdpx"
    with zipfile.ZipFile(stripped, "w") as zf:
        for name, data in members.items():
            if name != mp.SIDECAR:
                zf.writestr(name, data)
    import_qdpx(stripped, tmp_path / "plain.elc")
    q = open_project(tmp_path / "plain.elc")
    _compare(p, q, with_sidecar=False)
    cols = ["source", "start", "end", "code", "coder", "memo", "valence", "text"]
    a, b = _frames(p)["codings"][cols], _frames(q)["codings"][cols]
    # one span where alice rated one code and left another neutral: the XML rates the span
    mixed = a.groupby(["source", "start", "end", "coder"]).valence.transform("nunique") > 1
    pd.testing.assert_frame_equal(a[~mixed].reset_index(drop=True), b[~mixed].reset_index(drop=True))
    assert mixed.sum() == 2 and set(b[mixed].valence) == {"to-improve"}
    assert list(q.participants().id) == list(p.participants().id)
    assert list(q.sources().participant_id.fillna("")) == list(p.sources().participant_id.fillna(""))
    q.close()


def test_legacy_markers_from_older_elc_exports_are_still_read(tmp_path):
    """.qdpx files written by elc before the sidecar carried elc:{...} lines in Descriptions."""
    from tests.exchange.test_qdpx import _zip

    qde = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="old">
  <CodeBook><Codes>
    <Code guid="C9000000-0000-0000-0000-000000000001" name="Booking" isCodable="true">
      <Description>Booking a ride
elc:{"keywords":["phone","book"]}</Description></Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="11111111-1111-1111-1111-111111111111" name="one" plainTextPath="internal://one.txt"/>
  </Sources>
  <Sets><Set guid="A9000000-0000-0000-0000-000000000001" name="Carers">
    <Description>Family carers
elc:{"community":"carers","family":"people","target_n":4}</Description>
    <MemberSource targetGUID="11111111-1111-1111-1111-111111111111"/></Set></Sets>
</Project>"""
    archive = _zip(tmp_path / "old.qdpx", [("project.qde", qde.encode()), ("sources/one.txt", b"hi there")])
    import_qdpx(archive, tmp_path / "old.elc")
    q = open_project(tmp_path / "old.elc")
    code = q.codes().iloc[0]
    assert (code["name"], code.definition, list(code.keywords)) == ("Booking", "Booking a ride", ["phone", "book"])
    comm = q.communities().iloc[0]
    assert (comm.key, comm["name"], comm.target_n, comm.description) == ("carers", "Carers", 4, "Family carers")
    q.close()


def test_a_hostile_or_damaged_sidecar_cannot_break_the_import(rich, tmp_path):
    """The sidecar is read as untrusted as the XML: wrong types are ignored, damage is reported."""
    _, _, _, members, _ = rich
    for name, side in (("types", json.dumps({"elc": 2, "codes": [], "codings": {"x": {"modified": 5, "valence": 3}},
                                             "sets": {"a": "b"}, "variables": {"v": 7}, "valence": {"root": 9},
                                             "programme": {"changes": "no", "phases": [1], "questions": {}}})),
                       ("damaged", "{not json")):
        path = tmp_path / f"{name}.qdpx"
        with zipfile.ZipFile(path, "w") as zf:
            for member, data in members.items():
                zf.writestr(member, side if member == mp.SIDECAR else data)
        res = import_qdpx(path, tmp_path / f"{name}.elc")
        assert res.codings > 0
        assert (name == "damaged") == any("damaged" in w for w in res.warnings)


def test_researchers_memos_on_project_interviews_and_participants_go_where_qualcoder_reads_them(tmp_path):
    """Memos written in the workbench (issue 20) travel too: the project's in Project/Description,
    an interview's in its TextSource/Description, a participant's in the Case/Description."""
    from lxml import etree

    from elc.store.memos import MemoTarget, set_memo

    p = _build(tmp_path)
    try:
        src = p.sources().iloc[0]
        set_memo(p, MemoTarget("project"), "alice", "Focus on the journey home.")
        set_memo(p, MemoTarget("source", str(int(src.id))), "alice", "Called from the care home.")
        set_memo(p, MemoTarget("participant", str(src.participant_id)), "bob", "Uses the service weekly.")
        with zipfile.ZipFile(export_qdpx(p, tmp_path / "memos.qdpx")) as zf:
            root = etree.fromstring(zf.read("project.qde"))
    finally:
        p.close()
    assert "alice: Focus on the journey home." in root.findtext("q:Description", namespaces=NS)
    sources = {el.get("name"): el.findtext("q:Description", namespaces=NS) for el in root.iter(f"{Q}TextSource")}
    assert any(d and "alice: Called from the care home." in d for d in sources.values())
    case = next(c for c in root.iter(f"{Q}Case") if c.get("name") == str(src.participant_id))
    assert "bob: Uses the service weekly." in case.findtext("q:Description", namespaces=NS)
