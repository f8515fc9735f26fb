"""The service specification draft: NHS headings, numbered shall-statements footnoted to their
evidence, KPIs from the measures, and the scrutiny appendix."""

import re
import shutil
import subprocess

import pytest

from tests.insights import _pack


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import elc
    from elc.export.data import collect

    p = elc.open_project(_pack.shared(tmp_path_factory))
    data = collect(p)
    yield p, data
    p.close()


@pytest.fixture(scope="module")
def markdown(built, tmp_path_factory):
    from elc.export.spec import write_spec

    p, data = built
    path = write_spec(p, tmp_path_factory.mktemp("spec") / "spec.md", data=data)
    return path.read_text(encoding="utf-8")


def test_headings(markdown):
    for heading in ["## 1. Population needs", "### 1.1 National/local context and evidence base", "## 2. Outcomes",
                    "### 2.1 NHS Outcomes Framework domains and indicators", "## 3. Scope",
                    "### 3.2 Service description/care pathway", "## 4. Applicable service standards",
                    "## 5. Applicable quality requirements and CQUIN goals", "## 6. Location of provider premises",
                    "## Appendix A. Questions from overview and scrutiny"]:
        assert heading in markdown, heading


@pytest.fixture(scope="module")
def decided(built, tmp_path_factory):
    """The same project after a workshop: change 1 endorsed, 2 rejected, 3 merged into 1; a KPI filled in."""
    from elc.export.data import collect
    from elc.store import kpis, requirements, workshop

    p, _ = built
    copy = _pack.copy_project(p, tmp_path_factory.mktemp("decided"))
    w = workshop.add_workshop(copy, "Challenge workshop", held_on="2019-10-02", by="lead")
    workshop.add_attendee(copy, w, "commissioner", organisation="ICB", n=2)
    workshop.add_attendee(copy, w, "person who uses the service", community="patients", n=3)
    workshop.add_decision(copy, 1, "endorsed", workshop_id=w, votes=9, priority=1, owner="Contract manager", by="lead")
    workshop.add_decision(copy, 2, "rejected", workshop_id=w, votes=1, note="out of scope", by="lead")
    workshop.add_decision(copy, 3, "merged", workshop_id=w, merged_into=1, by="lead")
    workshop.add_codesign(copy, 1, who="three carers and the planners", what="the booking script", by="lead")
    from elc.insights.changes import update_change

    update_change(copy, 1, requirements=["The Provider shall avoid early morning pick-ups."])
    req = requirements.requirements_by_change(copy)[1][0]
    requirements.set_responsible(copy, req.id, "trust", "hospital estates", by="lead")
    k = kpis.kpis_by_change(copy)[1][0]
    kpis.update_kpi(copy, k.id, baseline=30.0, baseline_source="provider audit", baseline_date="2019-04",
                    threshold=10.0, better="lower", by="lead")
    data = collect(copy)
    yield copy, data
    copy.close()


@pytest.fixture(scope="module")
def decided_md(decided, tmp_path_factory):
    from elc.export.spec import write_spec

    p, data = decided
    return write_spec(p, tmp_path_factory.mktemp("spec2") / "spec.md", data=data).read_text(encoding="utf-8")


def test_without_decisions_a_draft_with_the_candidates_in_an_annex(markdown):
    assert not re.findall(r"^\*\*3\.2\.\d+\.\d+\*\*", markdown, re.M)  # nothing endorsed: no requirement
    assert "**DRAFT awaiting the challenge workshop:**" in markdown
    annex = markdown[markdown.index("## Appendix D. Candidate changes awaiting the workshop"):]
    for title in ("Avoid early morning pick-ups", "Recognise the driver relationship", "Fix the hospital entrance"):
        assert re.search(r"^\*\*%s\*\*\[\^\d+\]$" % re.escape(title), annex, re.M), title
    assert "[to be agreed]" not in markdown and "asked raised it (" not in markdown  # no placeholder, no fake baseline


def test_only_endorsed_changes_become_numbered_requirements(decided_md):
    reqs = re.findall(r"^\*\*(3\.2\.\d+\.\d+)\*\* (.+?)(\[\^\d+\])? \*Responsible: (.+)\*$", decided_md, re.M)
    assert [r[0] for r in reqs] == ["3.2.1.1"]
    assert reqs[0][1] == "The Provider shall avoid early morning pick-ups."
    assert reqs[0][2] and reqs[0][3] == "trust (hospital estates)"
    assert "#### 3.2.1 Avoid early morning pick-ups" in decided_md
    assert "Recognise the driver relationship" not in decided_md.split("### 3.3")[0].split("### 3.2")[1]
    assert "incorporates Fix the hospital entrance (merged by the workshop)" in decided_md
    note = re.search(r"^\[\^%s\]: (.+)$" % reqs[0][2][2:-1], decided_md, re.M).group(1)
    assert "People who use non-emergency transport: 3 of 3 asked (↓3 to improve, ↑1 working well)" in note
    assert "Asked but did not raise it: Family carers and escorts (0 of 1 asked)" in note
    assert "Appendix D" not in decided_md  # nothing left awaiting the workshop


def test_responsible_party_flagged_when_not_set(decided, tmp_path):
    from elc.export.spec import write_spec
    from elc.store import requirements, workshop

    p, _ = decided
    copy = _pack.copy_project(p, tmp_path)
    workshop.add_decision(copy, 2, "endorsed", by="lead")
    reqs = requirements.requirements_by_change(copy)[2]
    text = write_spec(copy, tmp_path / "s.md").read_text(encoding="utf-8")
    copy.close()
    for r in reqs:
        assert re.search(r"\*\*3\.2\.2\.\d\*\* %s.*\*Responsible: responsible party not set\*" % re.escape(r.text[:30]),
                         text), r.text


def test_kpis_from_records_with_missing_fields_named(decided_md):
    rows = [r for r in decided_md.splitlines() if re.match(r"\| KPI \S+ \|", r)]
    assert rows and all("[to be agreed]" not in r for r in rows)
    first = rows[0].split(" | ")
    assert first[0] == "| KPI 1.1" and first[1] == "Share of passengers collected more than 90 minutes early"
    assert first[3:6] == ["30", "provider audit, 2019-04", "10 (lower is better)"]
    assert first[-1] == "missing: data source, frequency, owner |"
    assert "Share of regular passengers with a consistent crew" not in "\n".join(rows)  # change 2 was rejected


def test_codesign_and_what_the_workshop_decided(decided_md):
    assert "1. Avoid early morning pick-ups: the booking script, co-designed by three carers and the planners" in decided_md
    annex = decided_md[decided_md.index("## Appendix C. What the challenge workshop decided"):]
    assert "Attendees by role and community (5 people):" in annex
    assert "| Challenge workshop (2019-10-02) | person who uses the service | People who use non-emergency transport | - | 3 |" in annex
    assert re.search(r"\| 1\. Avoid early morning pick-ups \| endorsed \| endorsed at Challenge workshop on 2019-10-02 "
                     r"\(9 votes, priority 1\); owner: Contract manager \| 9 \| 1 \| Contract manager \|", annex)
    assert "| 2. Recognise the driver relationship | rejected |" in annex


def test_scrutiny_appendix(markdown):
    appendix = markdown[markdown.index("## Appendix A"):]
    assert "### A.2 Who has been consulted and what has the response been?" in appendix
    consulted = appendix[appendix.index("### A.2"):appendix.index("### A.3")]
    assert "5 participants against a target of 93" in consulted
    assert "| People who use non-emergency transport | 43 | 3 | 7% | 3 | telephone |" in consulted
    assert "| Getting ready for pick up | People who use non-emergency transport ↓3 ↑1 of 3 asked; Family carers and escorts ↓0 ↑0 of 1 asked |" in consulted
    assert "### A.3 How, if at all, have their views been taken into account in this proposal?" in appendix
    taken = appendix[appendix.index("### A.3"):appendix.index("### A.4")]
    assert "| 1. Avoid early morning pick-ups | candidate | People who use non-emergency transport 3 of 3 asked | thin" in taken
    assert "Communities not yet interviewed: NHS staff; Current provider staff" in appendix


def test_docx_has_real_footnotes(decided, tmp_path):
    import docx
    from lxml import etree

    from elc.export.docx_notes import CT_FOOTNOTES
    from elc.export.spec import write_spec

    p, data = decided
    path = write_spec(p, tmp_path / "spec.docx", data=data)
    document = docx.Document(str(path))
    text = "\n".join(par.text for par in document.paragraphs)
    assert "3.2.1.1 The Provider shall avoid early morning pick-ups." in text
    assert "Evidence notes" not in text  # the notes are footnotes, not paragraphs
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    rels = [r for r in document.part.rels.values() if r.reltype.endswith("/footnotes")]
    assert len(rels) == 1 and rels[0].target_part.content_type == CT_FOOTNOTES
    assert str(rels[0].target_part.partname) == "/word/footnotes.xml"
    notes = etree.fromstring(rels[0].target_part.blob)
    ids = [int(n.get(w + "id")) for n in notes.iter(w + "footnote")]
    assert len(ids) == len(set(ids))
    kinds = {int(n.get(w + "id")): n.get(w + "type") for n in notes.iter(w + "footnote")}
    assert kinds[-1] == "separator" and kinds[0] == "continuationSeparator"
    assert notes.find(f".//{w}separator") is not None and notes.find(f".//{w}continuationSeparator") is not None
    refs = [int(r.get(w + "id")) for r in document.element.body.iter(w + "footnoteReference")]
    assert sorted(refs) == sorted(i for i in ids if i > 0)  # every footnote referenced exactly once
    first = next(n for n in notes.iter(w + "footnote") if n.get(w + "id") == "1")
    assert first.find(f".//{w}footnoteRef") is not None
    assert "3 of 3 asked" in "".join(t.text for t in first.iter(w + "t"))
    settings = document.settings.element
    assert [int(f.get(w + "id")) for f in settings.find(w + "footnotePr")] == [-1, 0]
    import zipfile

    with zipfile.ZipFile(path) as zf:
        types = zf.read("[Content_Types].xml").decode()
    assert 'PartName="/word/footnotes.xml"' in types and CT_FOOTNOTES in types
    headings = [par.text for par in document.paragraphs if par.style.name.startswith("Heading")]
    assert "1. Population needs" in headings and "A.2 Who has been consulted and what has the response been?" in headings


def test_docx_footnotes_listed_by_libreoffice(decided, tmp_path):
    """A Word-compatible reader lays the footnotes out at the foot of the page."""
    from elc.export.printing import office_to_pdf, soffice
    from elc.export.spec import write_spec

    if soffice() is None or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or pdftotext is not installed")
    p, data = decided
    pdf = office_to_pdf(write_spec(p, tmp_path / "spec.docx", data=data), tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^1 ?Evidence for “Avoid early morning pick-ups”", text, re.M)


def test_refuses_other_formats(built, tmp_path):
    from elc.errors import ExportError
    from elc.export.spec import write_spec

    with pytest.raises(ExportError, match=r"\.md or \.docx"):
        write_spec(built[0], tmp_path / "spec.pdf")


def test_transcript_html_stays_text_in_the_markdown(built, tmp_path):
    """Issue 12.7: a transcript's <script> went through `spec --out s.md` as live HTML."""
    from elc.coding import CodingSession
    from elc.export.spec import write_spec
    from elc.ingest import ImportOptions, import_files

    p, _ = built
    copy = _pack.copy_project(p, tmp_path)
    path = tmp_path / "P09-script.txt"
    path.write_text("Interviewer: Going home?\nP09: The journey home took four hours <script>alert(1)</script> and "
                    "nobody rang <b>anyone</b> at all that evening.\n", encoding="utf-8")
    assert import_files(copy, [path], ImportOptions(community="patients"), deidentify=False).ok
    seg = copy.segments(role="participant")
    seg = seg[seg.text.str.contains("script", regex=False)].iloc[0]
    # the only evidence of "Fix the hospital entrance", so its note quotes it
    CodingSession(copy, "alice").apply(int(seg.source_id), int(seg.start), int(seg.end),
                                       copy.code_id("Getting into the hospital"), "to-improve")
    text = write_spec(copy, tmp_path / "s.md").read_text(encoding="utf-8")
    copy.close()
    assert "four hours" in text  # the quote is used
    assert "<script" not in text and "<b>" not in text and "&lt;script&gt;" in text
