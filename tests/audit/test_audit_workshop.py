"""The audit after the workshop: decision counts, votes, attendees, each community page's "n of N
asked" and each KPI's latest value, as the pack, the spec and the 'you said, we did' report print
them, recomputed from the tables (tests/audit/recompute.py, no elc code)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.audit import recompute as rc


@pytest.fixture(scope="module")
def decided(sample_path, tmp_path_factory):
    import elc
    from elc.export.data import collect
    from tests.export._record import record_workshop

    folder = tmp_path_factory.mktemp("audit-decided")
    shutil.copy(sample_path, folder / "d.elc")
    for side in sample_path.parent.glob(sample_path.name + ".*"):
        shutil.copy(side, folder / side.name.replace(sample_path.name, "d.elc"))
    p = elc.open_project(folder / "d.elc")
    record_workshop(p)
    data = collect(p)
    with p.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    yield p, data, folder
    p.close()


@pytest.fixture(scope="module")
def printed(decided):
    from elc.export.html import write_html
    from elc.export.spec import write_spec
    from elc.export.you_said import write_you_said

    p, data, folder = decided
    return {"html": write_html(p, folder / "html", data=data).read_text(encoding="utf-8"),
            "spec": write_spec(p, folder / "s.md", data=data).read_text(encoding="utf-8"),
            "said": write_you_said(p, folder / "ys.html", data=data).read_text(encoding="utf-8")}


def test_community_pages_recompute(decided, printed):
    p, data, _ = decided
    truth = rc.load(p.location)
    cells = rc.matrix(truth)
    html = printed["html"]
    checked = 0
    for c in truth.communities:
        start = html.index(f'id="community-{c["key"]}"')
        page = html[start:html.find("<section", start)]
        ww = page.split("<h3>Working well</h3>")[1].split("<h3>To improve</h3>")[0]
        ti = page.split("<h3>To improve</h3>")[1].split("</div></div>")[0]
        for side, block in (("working_well", ww), ("to_improve", ti)):
            for tp, n, of in re.findall(r"<li>(.+?): (\d+) of (\d+) asked</li>", block):
                w = cells[(tp.replace("&amp;", "&"), c["key"])]
                assert (int(n), int(of)) == (w[side], w["of"]), (c["key"], tp, side)
                checked += 1
            # and nothing raised is left off the page
            want = sum(1 for (tp, k), w in cells.items() if k == c["key"] and w["asked"] and w[side])
            assert len(re.findall(r"<li>", block)) == want, (c["key"], side)
    assert checked


def test_decisions_votes_and_attendees_recompute(decided, printed):
    p, data, _ = decided
    latest = rc.decisions(p.location)
    counts = rc.states(p.location)
    html, spec = printed["html"], printed["spec"]
    summary = re.search(r"<b>Changes:</b> (.+?)\.</p>", html).group(1)
    assert {st: int(n) for n, st in re.findall(r"(\d+) (\w+)", summary)} == counts
    annex = spec[spec.index("## Appendix C"):]
    assert f"Attendees by role and community ({rc.attendees_total(p.location)} people)" in annex
    for i, ev in enumerate(data.changes, 1):
        row = next(r for r in annex.splitlines() if r.startswith(f"| {i}. "))
        cols = [c.strip() for c in row.strip("|").split(" | ")]
        want = latest.get(ev["id"])
        assert cols[1] == (want["decision"] if want else "candidate")
        assert cols[3] == ("-" if not want or want["votes"] is None else str(want["votes"]))
        assert cols[4] == ("-" if not want or want["priority"] is None else str(want["priority"]))
        page = html[html.index(f'id="change-{ev["id"]}"'):]
        page = page[:page.find("<section")]
        if want and want["votes"] is not None:
            assert f"({want['votes']} vote{'' if want['votes'] == 1 else 's'}" in page


def test_kpi_latest_values_recompute(decided, printed):
    from openpyxl import load_workbook

    from elc.export.workbook import write_workbook

    p, data, folder = decided
    want = rc.kpi_latest(p.location)
    assert want
    for text in (printed["html"], printed["said"]):
        shown = re.findall(r"latest ([\d.]+) \((\d{4}-\d\d), (\d+) months? returned\); baseline ([\d.]+), "
                           r"threshold ([\d.]+)", text)
        assert shown
        for value, period, n, base, thr in shown:
            k = next(k for k, w in want.items() if w["period"] == period and float(value) == w["value"])
            assert (int(n), float(base), float(thr)) == (want[k]["n"], want[k]["baseline"], want[k]["threshold"])
    for kid, w in want.items():
        assert f'data-kpi="{kid}" data-latest="{w["value"]}"' in printed["html"]
    book = load_workbook(write_workbook(p, folder / "w.xlsx", data=data), read_only=True)
    rows = [r for r in book["KPI returns"].iter_rows(values_only=True) if r and r[0] and re.match(r"\d{4}-\d\d$", str(r[0]))]
    assert len(rows) == sum(w["n"] for w in want.values())
    last = rows[-1]
    kid = max(want)
    assert (last[0], float(last[1])) == (want[kid]["period"], want[kid]["value"])
