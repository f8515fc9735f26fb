"""Claims in rationales, participant attributes (CLI and store), breakdowns, open questions."""

import json

import pytest
from click.testing import CliRunner

from tests.insights import _pack


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    import elc

    p = elc.open_project(_pack.shared(tmp_path_factory))
    yield p
    p.close()


def test_typed_claims_are_found_and_placeholders_are_computed():
    from elc.insights.claims import cites_evidence, render_rationale, unchecked_claims

    text = "A short, kept window is the single thing most passengers asked for; 8 of 16 said so, 60% of them."
    assert unchecked_claims(text) == ["the single thing most passengers asked for", "8 of 16", "60%"]
    assert not cites_evidence(text)
    computed = "{to_improve} of the {of} asked said it needs to improve."
    assert cites_evidence(computed) and unchecked_claims(computed) == []
    assert render_rationale(computed, n=5, of=9, ti=4, ww=2, both=1) == "4 of the 9 asked said it needs to improve."
    assert unchecked_claims("A window of several hours keeps passengers housebound.") == []


def test_rationale_is_judgement_unless_it_cites_evidence(project, tmp_path):
    from elc.insights.changes import add_change
    from elc.insights.evidence import change_evidence

    copy = _pack.copy_project(project, tmp_path)
    a = add_change(copy, "Shorter windows", rationale="Most passengers asked for it.", codes=["Getting ready for pick up"])
    b = add_change(copy, "Shorter windows 2", rationale="{to_improve} of {of} asked want it better.",
                   codes=["Getting ready for pick up"])
    ev_a, ev_b = change_evidence(copy, a), change_evidence(copy, b)
    assert ev_a["rationale_basis"] == "judgement"
    assert any(f["flag"] == "unchecked-claim" and "Most passengers" in f["message"] for f in ev_a["flags"])
    assert ev_b["rationale_basis"] == "evidence" and ev_b["rationale"] == "3 of 4 asked want it better."
    copy.close()


def test_quotes_are_not_reused_across_changes_without_saying_so(project):
    from elc.insights.evidence import all_evidence

    seen = {}
    for i, ev in enumerate(all_evidence(project), 1):
        for q in ev["quotes"]:
            if q["text"] in seen:
                assert seen[q["text"]] in q["also_for"]
            seen.setdefault(q["text"], i)


def test_attributes_cli_csv_set_and_refusals(project, tmp_path):
    from elc.cli import main
    from elc.store.attributes import participant_attributes

    from pathlib import Path

    copy = _pack.copy_project(project, tmp_path)
    path = Path(copy.location)
    copy.close()
    csv = tmp_path / "attrs.csv"
    csv.write_text("participant,area,Age band,service used\nP01,Melton,75-84,dialysis\nP02,Rutland,,outpatients\n")
    run = CliRunner().invoke
    res = run(main, ["attributes", str(path), "--csv", str(csv)])
    assert res.exit_code == 0 and "2 participant" in res.output, res.output
    res = run(main, ["attributes", str(path), "--set", "P03", "area=Melton", "--set", "P03", "sex=female"])
    assert res.exit_code == 0, res.output
    import elc

    p = elc.open_project(path)
    got = participant_attributes(p).set_index("participant_id")
    assert got.loc["P01", "area"] == "Melton" and got.loc["P01", "age_band"] == "75-84"
    assert got.loc["P01", "service"] == "dialysis" and got.loc["P02", "age_band"] is None
    assert got.loc["P03", "sex"] == "female"
    p.close()
    for args in (["--set", "P03", "area=john@example.com"], ["--set", "P99", "area=Melton"],
                 ["--set", "P03", "notes=anything"]):
        res = run(main, ["attributes", str(path), *args])
        assert res.exit_code != 0 and len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output
    bad = tmp_path / "bad.csv"
    bad.write_text("participant,area,notes\nP01,Melton,lives at 4 Elm Road\n")
    res = run(main, ["attributes", str(path), "--csv", str(bad)])
    assert res.exit_code != 0 and "bad.csv" in res.output and "notes" in res.output
    bad.write_text("participant,area\nP01,Melton\nP77,Rutland\n")
    res = run(main, ["attributes", str(path), "--csv", str(bad)])
    assert res.exit_code != 0 and "line 3" in res.output
    p = elc.open_project(path)
    assert participant_attributes(p).set_index("participant_id").loc["P01", "area"] == "Melton"
    p.close()
    out = run(main, ["matrix", str(path), "--by", "area", "--json"])
    assert out.exit_code == 0, out.output
    table = json.loads(out.output)
    assert table["attribute"] == "area" and set(table["groups"]) >= {"Melton", "not recorded"}
    for row in table["rows"]:
        for g in table["groups"]:
            assert "1 " not in row[g].replace("of 1", "")  # small counts never printed


def test_programme_fields_fill_the_spec_appendix(project, tmp_path):
    from elc.cli import main
    from elc.export.spec import write_spec

    copy = _pack.copy_project(project, tmp_path)
    path = copy.location
    copy.close()
    res = CliRunner().invoke(main, ["programme", str(path), "--options-considered", "Status quo; in-house fleet",
                                    "--council-priorities", "Healthy ageing strategy"])
    assert res.exit_code == 0 and "Status quo; in-house fleet" in res.output
    import elc

    p = elc.open_project(path)
    text = write_spec(p, tmp_path / "s.md").read_text()
    p.close()
    assert "### A.9 What options were considered?\n\nStatus quo; in-house fleet" in text
    assert "Healthy ageing strategy" in text


def test_markdown_keeps_html_as_text():
    from elc.export.spec import md_escape

    out = md_escape("<script>alert(1)</script> & [x](y)")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out and "\\[x\\]" in out


def test_open_questions_per_community(project):
    from elc.insights.open_questions import open_answers, question_kind
    from elc.insights.units import interviewed

    assert question_kind("What is the one thing you would change?") == "one-thing"
    assert question_kind("What can we improve about the transport service?") == "to-improve"
    got = open_answers(project, interviewed(project))
    assert {r["question"] for r in got} == {q.text for q in project.programme.questions}
    for r in got:
        for b in r["by_community"]:
            assert 0 <= b["answered"] <= b["of"]
