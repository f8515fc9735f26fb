"""The workshop, kpi and requirement verbs through Click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from elc.cli import main

from .conftest import FIXTURE, dump


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_workshop_verbs_record_and_show(sample_path):
    p = sample_path
    assert run("workshop", "new", p, "Challenge workshop", "--date", "2026-03-14", "--by", "alice").exit_code == 0
    r = run("workshop", "attend", p, "Commissioners", "-n", "3", "--organisation", "ICB", "--by", "alice")
    assert r.exit_code == 0 and "3 attendee(s) at workshop 1" in r.output
    assert run("workshop", "attend", p, "carer", "--community", "Family carers and escorts", "-n", "2",
               "--by", "alice").exit_code == 0
    r = run("workshop", "challenge", p, "cell:Journey home|carers", "challenge", "--text", "worse at weekends",
            "--raised-by", "carer", "--by", "alice")
    assert r.exit_code == 0, r.output
    assert run("workshop", "decide", p, "1", "endorsed", "--votes", "9", "--priority", "1", "--by", "alice").exit_code == 0
    assert run("workshop", "decide", p, "3", "merged", "--into", "2", "--by", "alice").exit_code == 0
    r = run("workshop", "decide", p, "Publish a transport charter", "new", "--by", "alice")
    assert r.output.strip() == "change 11: new"
    assert run("workshop", "decide", p, "1", "--owner", "Provider", "--by", "bob").exit_code == 0
    assert run("workshop", "codesign", p, "1", "--who", "carers, control room", "--what", "call script",
               "--by", "alice").exit_code == 0
    out = json.loads(run("workshop", "show", p, "--json").output)
    assert out["total"] == 5 and out["by_role"] == {"commissioner": 3, "carer": 2}
    assert out["states"] == {"endorsed": 1, "candidate": 8, "merged": 1, "new": 1}
    first = out["outcomes"][0]
    assert (first["votes"], first["priority"], first["owner"]) == (9, 1, "Provider")
    text = run("workshop", "show", p).output
    assert "Workshop 1: Challenge workshop, 2026-03-14" in text and "[merged into 2]" in text


def test_errors_are_one_line_without_traceback(sample_path):
    before = dump(sample_path)
    r = run("workshop", "attend", sample_path, "commissioner", "--by", "alice")
    assert r.exit_code == 1 and r.output.strip().startswith("elc: no workshop recorded yet")
    r = run("workshop", "decide", sample_path, "1", "merged", "--by", "alice")
    assert r.exit_code == 1 and r.output.strip() == "elc: a merged change names the change it was merged into"
    r = run("workshop", "attend", sample_path, "Jane Smith", "--workshop", "1", "--by", "alice")
    assert "Traceback" not in r.output and r.exit_code == 1
    assert dump(sample_path) == before


def test_sheet_and_import(sample_path, tmp_path):
    out = tmp_path / "capture.xlsx"
    r = run("workshop", "sheet", sample_path, "--xlsx", out)
    assert r.exit_code == 0 and "10 candidate change(s)" in r.output and out.exists()
    r = run("workshop", "import", sample_path, FIXTURE, "--by", "alice")
    assert r.exit_code == 0, r.output
    assert "imported workshop 1: 10 attendee row(s), 8 challenge(s), 11 decision(s), 1 new change(s)" in r.output
    assert "skipped: Findings not discussed:" in r.output
    r = run("workshop", "import", sample_path, FIXTURE, "--by", "alice")
    assert r.exit_code == 1 and "already imported as workshop 1" in r.output


def test_kpi_list_set_add_rm(sample_path):
    out = json.loads(run("kpi", "list", sample_path, "--json").output)
    assert out and all(k["missing"] == ["baseline", "baseline_source", "baseline_date", "threshold", "data_source",
                                        "frequency", "owner"] for k in out)
    kid = out[0]["id"]
    r = run("kpi", "set", sample_path, kid, "--baseline", "38", "--baseline-source", "provider data",
            "--baseline-date", "2025-12-31", "--threshold", "20", "--better", "lower", "--unit", "%",
            "--data-source", "provider monthly return", "--frequency", "monthly", "--owner", "ICB", "--by", "alice")
    assert r.exit_code == 0 and r.output.strip().endswith("complete"), r.output
    listing = run("kpi", "list", sample_path).output
    assert "baseline=38.0" in listing and "missing: baseline" in listing  # others still missing
    r = run("kpi", "add", sample_path, "Complaints per 1,000 journeys", "--unit", "per 1,000", "--by", "alice")
    assert r.exit_code == 0 and r.output.startswith("added KPI ")
    new = int(r.output.split()[2].rstrip(":"))
    assert run("kpi", "rm", sample_path, new).exit_code == 0
    r = run("kpi", "rm", sample_path, new)
    assert r.exit_code == 1 and f"no KPI with id {new}" in r.output


def test_requirement_list_and_set(sample_path):
    reqs = json.loads(run("requirement", "list", sample_path, "--json").output)
    rid = reqs[0]["id"]
    r = run("requirement", "set", sample_path, rid, "--responsible", "trust", "--detail", "hospital estates",
            "--by", "alice")
    assert r.output.strip() == f"requirement {rid}: trust (hospital estates)"
    assert "[trust (hospital estates)]" in run("requirement", "list", sample_path).output
    r = run("requirement", "set", sample_path, 99999, "--responsible", "trust")
    assert r.exit_code == 1 and "no requirement with id 99999" in r.output
