"""The pack after the workshop: pages per community and per change, quotes deduplicated across
coders, KPI returns charted in the HTML and the workbook, the 'you said, we did' report, and a
specification for a programme that is not transport saying nothing about transport."""

import re

import openpyxl
import pytest

from tests.export._record import record_workshop
from tests.insights import _pack


@pytest.fixture(scope="module")
def decided(tmp_path_factory):
    import elc
    from elc.export.data import collect

    src = elc.open_project(_pack.shared(tmp_path_factory))
    p = _pack.copy_project(src, tmp_path_factory.mktemp("decided"))
    src.close()
    ids = record_workshop(p)
    yield p, collect(p), ids
    p.close()


@pytest.fixture(scope="module")
def outputs(decided, tmp_path_factory):
    from elc.export.html import write_html
    from elc.export.workbook import write_workbook
    from elc.export.you_said import write_you_said

    p, data, _ = decided
    out = tmp_path_factory.mktemp("out")
    html = write_html(p, out / "html", data=data).read_text(encoding="utf-8")
    book = openpyxl.load_workbook(write_workbook(p, out / "pack.xlsx", data=data))
    said = write_you_said(p, out / "you-said.html", data=data).read_text(encoding="utf-8")
    return html, book, said


def _section(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    end = html.find("<section", start)
    return html[start:end if end > 0 else None]


def test_one_page_per_community_and_per_change(decided, outputs):
    _, data, _ = decided
    html = outputs[0]
    for c in data.communities.itertuples():
        page = _section(html, f"community-{c.key}")
        assert f"What we heard from {c.name}" in page
    page = _section(html, "community-patients")
    # n of N asked: the matrix cells of the community (Getting ready for pick up: 3 to improve, 1 working well of 3)
    assert "Getting ready for pick up: 3 of 3 asked" in page and "Getting ready for pick up: 1 of 3 asked" in page
    assert page.count("<blockquote") == 3
    for i, ev in enumerate(data.changes, 1):
        page = _section(html, f"change-{ev['id']}")
        assert f"Change {i}: " in page and "Workshop decision:" in page and "Who is missing:" in page
        assert "Both sides:" in page
    first = _section(html, f"change-{data.changes[0]['id']}")
    assert "endorsed at Challenge workshop on 2019-10-02 (12 votes, priority 1); owner: Contract manager" in first
    assert 'data-state="endorsed"' in first
    assert 'data-state="rejected"' in _section(html, f"change-{data.changes[2]['id']}")
    assert "Asked but silent: Family carers and escorts (0 of 1 asked)" in first


def test_quotes_are_not_duplicated_across_coders(decided, tmp_path):
    from elc.coding import CodingSession
    from elc.export.data import collect
    from elc.insights.units import coded_units

    p, data, _ = decided
    copy = _pack.copy_project(p, tmp_path)
    units = coded_units(copy)
    session = CodingSession(copy, "bob")
    twice = units.head(4)
    for u in twice.itertuples():  # a second coder codes the same spans with the same codes
        session.apply(int(u.source_id), int(u.start), int(u.end), int(u.code_id), u.valence)
    d = collect(copy)
    copy.close()
    assert len(d.quotes) == len(data.quotes) and d.duplicate_quotes == 4
    assert not d.quotes.duplicated(["source_id", "quote", "code"]).any()
    assert (d.quotes.coder == "alice, bob").sum() == 4


def test_kpi_returns_chart_in_the_html_and_the_workbook(decided, outputs):
    _, data, ids = decided
    html, book, _ = outputs
    kpi = _section(html, "measures")
    assert f'id="kpi-{ids["kpi"]}"' in kpi and "Plotly.newPlot" in kpi and 'data-latest="83.0"' in kpi
    assert "latest 83 (2020-04, 4 months returned); baseline 40, threshold 80: meets the threshold" in kpi
    assert '"staticPlot": true' in kpi  # drawn for print, no interactive-only content
    ws = book["KPI returns"]
    assert len(ws._charts) == 1 and type(ws._charts[0]).__name__ == "LineChart"
    assert len(ws._charts[0].series) == 3  # value, baseline, threshold
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] and re.match(r"\d{4}-\d\d$", str(r[0]))]
    assert [r[:4] for r in rows] == [("2020-01", 45, 40, 80), ("2020-02", 58, 40, 80), ("2020-03", 71.5, 40, 80),
                                     ("2020-04", 83, 40, 80)]


def test_you_said_links_change_evidence_decision_measure(decided, outputs):
    _, data, ids = decided
    said = outputs[2]
    ev = data.changes[0]
    page = _section(said, f"change-{ev['id']}")
    assert "You said" in page and "We decided" in page and "How we will know" in page
    for b in ev["by_community"]:
        assert (f"{b['name']}: {b['participants']} of {b['of']} asked" if b["asked"] else f"{b['name']}: not asked") in page
    assert page.count("<blockquote") == min(2, len(ev["quotes"]))
    assert "endorsed at Challenge workshop on 2019-10-02 (12 votes, priority 1)" in page
    assert f"It brings together: {data.changes[1]['title']}" in page
    assert "latest 83 (2020-04, 4 months returned); baseline 40, threshold 80: meets the threshold" in page
    assert "Plotly.newPlot" in page
    rest = _section(said, "not-yet")
    assert f"<b>{data.changes[2]['title']}</b>" in rest and "rejected at Challenge workshop" in rest


def test_you_said_cli(decided, tmp_path):
    from click.testing import CliRunner

    from elc.cli import main

    p, _, _ = decided
    with p.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    res = CliRunner().invoke(main, ["report", str(p.location), "--you-said", str(tmp_path / "ys.html")])
    assert res.exit_code == 0, res.output
    assert "We decided" in (tmp_path / "ys.html").read_text(encoding="utf-8")
    res = CliRunner().invoke(main, ["report", str(p.location), "--you-said", str(tmp_path / "ys.pdf")])
    assert res.exit_code == 1 and "must be an .html file" in res.output


OXYGEN_TRANSCRIPTS = {
    "O01-user.txt": ("service-users", "Interviewer: How is the supplier getting in touch?\n"
                     "O01: They phoned three times and I missed every call because the number was withheld.\n"
                     "Interviewer: And the engineer?\n"
                     "O01: The engineer who services the concentrator is always on time and very kind.\n"),
    "O02-carer.txt": ("family-carers", "Interviewer: Tell me about the letters.\n"
                      "O02: The letter went to the old address so my mother never knew she had been escalated.\n"),
}
TRANSPORT = re.compile(r"transport|passenger|journey|driver|vehicle|pick[- ]?up|escort|crew|taxi", re.I)


def test_a_spec_for_another_programme_says_nothing_of_transport(tmp_path):
    import docx

    from elc import new_project
    from elc.coding import CodingSession
    from elc.export.spec import write_spec
    from elc.ingest import ImportOptions, import_files
    from elc.insights.changes import add_change

    guide = _pack.REPO / "elc" / "data" / "interview_guides" / "home-oxygen-pep.yaml"
    p = new_project(tmp_path / "oxygen.elc", guide)
    for name, (community, text) in OXYGEN_TRANSCRIPTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert import_files(p, [tmp_path / name], ImportOptions(community=community), deidentify=False).ok
    segs = p.segments(role="participant")
    session = CodingSession(p, "alice")
    for phrase, code, valence in (("missed every call", "Being contacted by the supplier", "to-improve"),
                                  ("always on time", "Concentrator servicing", "working-well"),
                                  ("old address", "The letter to my address", "to-improve")):
        seg = segs[segs.text.str.contains(phrase, regex=False)].iloc[0]
        session.apply(int(seg.source_id), int(seg.start), int(seg.end), p.code_id(code), valence)
    add_change(p, "Reach people before escalation", codes=["Being contacted by the supplier",
                                                             "The letter to my address"])
    md = write_spec(p, tmp_path / "spec.md").read_text(encoding="utf-8")
    text = "\n".join(par.text for par in docx.Document(str(write_spec(p, tmp_path / "spec.docx"))).paragraphs)
    p.close()
    assert "People prescribed oxygen at home" in md and "Reach people before escalation" in md
    assert "including for Family carers of service users" in md
    assert "what People prescribed oxygen at home, Family carers of service users" in md
    for doc in (md, text):
        assert not TRANSPORT.findall(doc), sorted(set(TRANSPORT.findall(doc)))
