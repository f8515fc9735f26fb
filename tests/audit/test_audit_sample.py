"""The audit on the sample: every number `elc matrix`, `elc changes`, the spec and the workbook
print is recomputed from the tables (tests/audit/recompute.py, no elc code) and must agree."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from tests.audit import recompute as rc

CELL = re.compile(r"↑(\d+) ↓(\d+) of (\d+)|not asked(?: \((\d+)\))?")


@pytest.fixture(scope="module")
def truth(sample_path):
    return rc.load(sample_path)


@pytest.fixture(scope="module")
def data(sample):
    from elc.export.data import collect

    return collect(sample)


def _cli(*args):
    from elc.cli import main

    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res.output


# ---------------------------------------------------------------------------- library
def matrix_mismatches(m, truth) -> list[str]:
    want = rc.matrix(truth)
    bad = []
    for r in m.to_dict("records"):
        w = want[(r["touchpoint"], r["community"])]
        got = {k: (None if k == "of" and not r["asked"] else r[k]) for k in w}
        if got != w:
            bad.append(f"{r['touchpoint']} x {r['community']}: printed {got}, tables say {w}")
    return bad


def test_the_sample_has_the_cases_of_the_issue(truth):
    # an interviewed but uncoded participant, staff and people families, double coding
    assert "P11" in truth.interviewed["patients"] and "P11" not in truth.coded["patients"]
    assert len(truth.coded["drivers"]) and len(truth.coded["patients"])
    assert any(len(c) > 1 for c in truth.coders_of.values())


def test_matrix_counts_recompute(sample, truth):
    from elc.insights.matrix import insight_matrix

    assert matrix_mismatches(insight_matrix(sample), truth) == []


def test_a_wrong_denominator_is_caught(sample, truth):
    """The audit is not vacuous: the old denominator (everyone interviewed) fails it."""
    from elc.insights.matrix import insight_matrix

    m = insight_matrix(sample)
    m["of"] = m["interviewed"]
    assert any("patients" in line for line in matrix_mismatches(m, truth))


def test_touchpoint_totals_recompute(sample, truth):
    from elc.insights.matrix import insight_matrix, touchpoint_totals

    want = rc.touchpoint_totals(truth)
    for r in touchpoint_totals(insight_matrix(sample)).to_dict("records"):
        assert {k: r[k] for k in want[r["touchpoint"]]} == want[r["touchpoint"]], r["touchpoint"]


def test_change_evidence_recomputes(sample, truth):
    from elc.insights.evidence import all_evidence

    for ev, want in zip(all_evidence(sample), rc.change_evidence(truth), strict=True):
        assert ev["title"] == want["title"]
        assert (ev["participants"], ev["valence"]["to-improve"], ev["valence"]["working-well"],
                ev["valence"]["both"], ev["of"]) == (want["participants"], want["to_improve"],
                                                    want["working_well"], want["both"], want["of"]), ev["title"]
        for b in ev["by_community"]:
            w = want["by_community"][b["community"]]
            assert {k: b[k] for k in w} == w, (ev["title"], b["community"])
        # flags only where the data says so
        missing = {f["community"] for f in ev["flags"] if f["flag"] == "missing-voice"}
        assert missing == {k for k, w in want["by_community"].items() if w["asked"] and w["of"] and not w["participants"]}
        not_asked = {f["community"] for f in ev["flags"] if f["flag"] == "not-asked"}
        assert not_asked == {k for k, w in want["by_community"].items() if not w["asked"] and w["interviewed"]}


# ---------------------------------------------------------------------------- what is printed
def test_elc_matrix_prints_the_recomputed_numbers(sample_path, truth):
    out = _cli("matrix", sample_path).splitlines()
    want = rc.matrix(truth)
    comms = [c["key"] for c in truth.communities]
    header = out[1]
    for k in comms:
        assert f"{k[:11]} N={len(truth.coded[k])}" in header
    names = {code["name"][:41]: code["name"] for code in truth.codes.values() if code["kind"] == "touchpoint"}
    rows = 0
    for line in out[2:]:
        name = line[:42].rstrip()
        if name not in names:
            continue
        cells = CELL.findall(line[42:])
        assert len(cells) == len(comms), line
        for k, (ww, ti, of, unasked) in zip(comms, cells):
            w = want[(names[name], k)]
            if w["asked"]:
                assert (int(ww), int(ti), int(of)) == (w["working_well"], w["to_improve"], w["of"]), (name, k)
            else:
                assert not of and int(unasked or 0) == w["raised"], (name, k)
        rows += 1
    assert rows == len(names)
    uncoded = [pid for c in truth.communities for pid in truth.interviewed[c["key"]] - truth.coded[c["key"]]]
    assert f"{len(uncoded)} interview{'s' if len(uncoded) != 1 else ''} not coded yet" in "\n".join(out)
    assert f"{truth.unreviewed} of {truth.detections} de-identification detections not reviewed" in "\n".join(out)


def test_elc_changes_prints_the_recomputed_numbers(sample_path, truth):
    out = _cli("changes", "list", sample_path)
    blocks = re.split(r"\n(?=\[\d+\] )", out.strip())
    names = {c["key"]: c["name"] for c in truth.communities}
    for block, want in zip(blocks, rc.change_evidence(truth), strict=False):
        assert want["title"] in block.splitlines()[0]
        if not want["participants"]:
            continue
        assert f"evidence: {want['participants']} participant" in block
        assert (f"both sides (participants): {want['to_improve']} to improve, {want['working_well']} working well"
                in block)
        for k, w in want["by_community"].items():
            if w["asked"] and w["of"]:
                assert (f"{names[k]}: {w['participants']} of {w['of']} asked (↓{w['to_improve']} to improve, "
                        f"↑{w['working_well']} working well, {w['both']} both)") in block, (want["title"], k)
            if w["asked"] and w["of"] and not w["participants"]:
                assert f"missing voice: {names[k]} (0 of {w['of']} asked raised it)" in block
            if not w["asked"] and w["interviewed"]:
                assert f"not asked: the guide for {names[k]}" in block
                assert f"missing voice: {names[k]}" not in block
    # every "n of N asked" printed anywhere is one the tables give
    allowed = {(w["participants"], w["of"]) for ch in rc.change_evidence(truth) for w in ch["by_community"].values()
               if w["asked"]}
    for n, of in re.findall(r"(\d+) of (\d+) asked", out):
        assert (int(n), int(of)) in allowed or int(n) == 0


def test_spec_prints_the_recomputed_numbers(sample, truth, data, tmp_path):
    from elc.export.spec import write_spec

    text = write_spec(sample, tmp_path / "s.md", data=data).read_text(encoding="utf-8")
    names = {c["key"]: c["name"] for c in truth.communities}
    totals = rc.touchpoint_totals(truth)
    # 1.1: both sides of each touchpoint, out of those asked
    for tp, a, of, b in re.findall(r"^- (.+?): (\d+) of (\d+) asked said it needs to improve; (\d+) of the same", text, re.M):
        assert (int(a), int(of), int(b)) == (totals[tp]["to_improve"], totals[tp]["of"], totals[tp]["working_well"])
    for tp, b, of, a in re.findall(r"^- (.+?): (\d+) of (\d+) asked said it works well; (\d+) of the same", text, re.M):
        assert (int(b), int(of), int(a)) == (totals[tp]["working_well"], totals[tp]["of"], totals[tp]["to_improve"])
    # A.2: each touchpoint x community
    cells = rc.matrix(truth)
    rows = re.findall(r"^\| (.+?) \| (.+?) \| .* \|$", text.split("### A.2")[1].split("### A.3")[0], re.M)
    checked = 0
    for tp, who in rows:
        for name, ti, ww, of in re.findall(r"(?:^|; )(.+?) ↓(\d+) ↑(\d+) of (\d+) asked", who):
            key = next(k for k, v in names.items() if v == name)
            w = cells[(tp, key)]
            assert (int(ti), int(ww), int(of)) == (w["to_improve"], w["working_well"], w["of"]), (tp, name)
            checked += 1
    assert checked
    # A.3 and the evidence notes: "Name n of N asked"
    for ev, want in zip(data.changes, rc.change_evidence(truth)):
        for k, w in want["by_community"].items():
            if w["asked"] and w["participants"]:
                assert (f"{names[k]}: {w['participants']} of {w['of']} asked (↓{w['to_improve']} to improve, "
                        f"↑{w['working_well']} working well)") in text
    # the KPI table no longer repeats interview counts as a "baseline" (issue 16)
    assert "asked raised it (" not in text
    # A.7 lists every flag and every community below target
    risks = text.split("### A.7")[1].split("### A.8")[0]
    for ev in data.changes:
        for f in ev["flags"]:
            assert f["message"] in risks.replace("\\", "")
    for c in truth.communities:
        if c["target_n"] and len(truth.interviewed[c["key"]]) < c["target_n"]:
            assert f"{c['name']}: {len(truth.interviewed[c['key']])} interviewed against a target of {c['target_n']}" in risks
    assert "None flagged" not in risks
    assert f"{truth.unreviewed} of {truth.detections} detections have not been reviewed" in risks


def test_workbook_prints_the_recomputed_numbers(sample, truth, data, tmp_path):
    from openpyxl import load_workbook

    from elc.export.workbook import write_workbook

    book = load_workbook(write_workbook(sample, tmp_path / "w.xlsx", data=data), read_only=True)
    ws = book["Matrix detail"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[1])
    names = {c["name"]: c["key"] for c in truth.communities}
    want = rc.matrix(truth)
    n = 0
    for r in rows[2:]:
        rec = dict(zip(header, r))
        w = want[(rec["Touchpoint"], names[rec["Community"]])]
        assert (rec["Asked"] == "yes") == w["asked"]
        assert (rec["Interviewed"], rec["Coded"], rec["N asked"], rec["Raised"], rec["Working well"],
                rec["To improve"], rec["Both"]) == (w["interviewed"], w["coded"], w["of"], w["raised"],
                                                    w["working_well"], w["to_improve"], w["both"])
        n += 1
    assert n == len(want)
    ws = book["High-impact changes"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[1])
    for r, want_ch in zip(rows[2:], rc.change_evidence(truth), strict=True):
        rec = dict(zip(header, r))
        assert rec["Change"] == want_ch["title"]
        assert (rec["Participants"], rec["To improve"], rec["Working well"]) == (
            want_ch["participants"], want_ch["to_improve"], want_ch["working_well"])
        for c in truth.communities:
            w = want_ch["by_community"][c["key"]]
            assert rec[f"{c['name']}: raised of N asked"] == (f"{w['participants']} of {w['of']}" if w["asked"]
                                                             else "not asked")


def test_breakdown_by_area_recomputes_and_suppresses(sample, truth):
    from elc.insights.breakdown import SUPPRESS_BELOW, changes_by

    bd = changes_by(sample, "area")
    assert len(bd.groups) >= 2
    fam = {i: c["family"] for i, c in truth.codes.items()}
    for ch in truth.changes:
        want = rc.by_attribute(truth, "area", ch["code_ids"], [fam[c] for c in ch["code_ids"]])
        got = bd.rows[bd.rows.row.str.endswith(ch["title"])]
        for r in got.to_dict("records"):
            w = want.get(r["group"], {"of": 0, "to_improve": 0, "working_well": 0})
            assert (r["of"], r["to_improve"], r["working_well"]) == (w["of"], w["to_improve"], w["working_well"])
    printed = bd.table()
    for rec in printed.to_dict("records"):
        for g in bd.groups:
            for num in re.findall(r"(?<![<\d])(\d+)", rec[g]):
                assert int(num) == 0 or int(num) >= SUPPRESS_BELOW, (rec["row"], g, rec[g])
    out = _cli("matrix", sample.location, "--by", "area")
    assert "Rutland" in out and f"<{SUPPRESS_BELOW}" in out


def test_the_rest_of_the_spec_and_workbook(sample, sample_path, truth, data, tmp_path):
    """The group table, the open questions and the workbook's matrix sheet, recomputed too."""
    from openpyxl import load_workbook

    from elc.export.spec import write_spec
    from elc.export.workbook import write_workbook

    text = write_spec(sample, tmp_path / "s.md", data=data).read_text(encoding="utf-8").replace("&lt;", "<")
    fam = {i: c["family"] for i, c in truth.codes.items()}
    groups = sorted({(truth.attributes.get(p) or {}).get("area") or "not recorded"
                     for c in truth.communities for p in truth.coded[c["key"]]})
    area = text.split("**By area:**")[1].split("**By ")[0]
    for i, ch in enumerate(truth.changes, 1):
        want = rc.by_attribute(truth, "area", ch["code_ids"], [fam[c] for c in ch["code_ids"]])
        cols = {k: rc.suppress([want.get(g, {}).get(k, 0) for g in groups]) for k in ("of", "to_improve", "working_well")}
        cells = [f"↓{cols['to_improve'][j]} ↑{cols['working_well'][j]} of {cols['of'][j]}"
                 if want.get(g, {}).get("of") else "not asked" for j, g in enumerate(groups)]
        row = f"| {i}. {ch['title']} | " + " | ".join(cells)
        assert row in area, row
    answers = rc.open_answers(sample_path)
    names = {c["key"]: c["name"] for c in truth.communities}
    for rec in data.open_answers:
        for b in rec["by_community"]:
            assert (b["answered"], b["of"]) == (answers.get((rec["question"], b["community"]), 0),
                                                len(truth.interviewed[b["community"]]))
            assert f"**{names[b['community']]}:** {b['answered']} of {b['of']} answered" in text
    book = load_workbook(write_workbook(sample, tmp_path / "w.xlsx", data=data), read_only=True)
    rows = list(book["Insight matrix"].iter_rows(values_only=True))
    header = list(rows[1])
    cells = rc.matrix(truth)
    for r in rows[2:]:
        if not r or r[0] is None or r[0] not in {c["name"] for c in truth.codes.values()}:
            continue
        rec = dict(zip(header, r))
        for c in truth.communities:
            w = cells[(r[0], c["key"])]
            head = f"{c['name']} (N={len(truth.coded[c['key']])} coded)"
            got = (rec[f"{c['name']}: working well"], rec[f"{c['name']}: to improve"])
            assert got == ((w["working_well"], w["to_improve"]) if w["asked"] else (None, None)), (r[0], c["key"])
            assert head + ": balance" in header
