"""The service specification draft: NHS headings, numbered shall-statements footnoted to their
evidence, KPIs from the measures, and the scrutiny appendix."""

import re

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


def test_requirements_are_numbered_and_footnoted(markdown):
    reqs = re.findall(r"^\*\*(3\.2\.\d+\.\d+)\*\* (.+?)\[\^(\d+)\]$", markdown, re.M)
    assert [r[0] for r in reqs] == ["3.2.1.1", "3.2.2.1", "3.2.2.2", "3.2.3.1"]
    assert reqs[0][1] == "The Provider shall avoid early morning pick-ups."
    assert reqs[2][1] == "The Provider shall give crews a route to raise welfare concerns."
    assert reqs[1][2] == reqs[2][2]  # the same evidence note for one change's requirements
    note = re.search(r"^\[\^%s\]: (.+)$" % reqs[0][2], markdown, re.M).group(1)
    assert "People who use non-emergency transport: 3 of 3 asked (↓3 to improve, ↑1 working well)" in note
    assert re.search(r"“[^”]+” \(P0\d, People who use non-emergency transport\)", note)
    assert "Asked but did not raise it: Family carers and escorts (0 of 1 asked)" in note


def test_kpis_from_measures(markdown):
    assert re.search(r"^\| KPI 1\.1 \| Share of passengers collected more than 90 minutes early \| 1\. Avoid early",
                     markdown, re.M)
    assert "| KPI 2.1 | Share of regular passengers with a consistent crew |" in markdown


def test_scrutiny_appendix(markdown):
    appendix = markdown[markdown.index("## Appendix A"):]
    assert "### A.2 Who has been consulted and what has the response been?" in appendix
    consulted = appendix[appendix.index("### A.2"):appendix.index("### A.3")]
    assert "5 participants against a target of 93" in consulted
    assert "| People who use non-emergency transport | 43 | 3 | 7% | 3 | telephone |" in consulted
    assert "| Getting ready for pick up | People who use non-emergency transport ↓3 ↑1 of 3 asked; Family carers and escorts ↓0 ↑0 of 1 asked |" in consulted
    assert "### A.3 How, if at all, have their views been taken into account in this proposal?" in appendix
    taken = appendix[appendix.index("### A.3"):appendix.index("### A.4")]
    assert "| 1. Avoid early morning pick-ups | 3.2.1.1 | People who use non-emergency transport 3 of 3 asked | thin" in taken
    assert "Communities not yet interviewed: NHS staff; Current provider staff" in appendix


def test_docx(built, tmp_path):
    import docx

    from elc.export.spec import write_spec

    p, data = built
    path = write_spec(p, tmp_path / "spec.docx", data=data)
    document = docx.Document(str(path))
    text = "\n".join(par.text for par in document.paragraphs)
    assert "3.2.1.1 The Provider shall avoid early morning pick-ups." in text
    assert "Evidence notes" in text and "3 of 3 asked" in text
    headings = [par.text for par in document.paragraphs if par.style.name.startswith("Heading")]
    assert "1. Population needs" in headings and "A.2 Who has been consulted and what has the response been?" in headings
    assert len(document.tables) >= 4


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
