"""The same project API on PostgreSQL, for teams. Runs when ELC_TEST_PG_URL names a server
(.ci/run starts one when it can); skipped otherwise."""

import os

import pytest

import elc
from elc.coding import CodingSession
from elc.ingest import ImportOptions, import_files
from elc.insights.status import status
from tests.conftest import CODEBOOK, GUIDE

BASE = os.environ.get("ELC_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not BASE, reason="no PostgreSQL server (set ELC_TEST_PG_URL)")


def test_project_round_trip_on_postgres(pg_url, transcript, tmp_path):
    p = elc.new_project(pg_url, GUIDE, CODEBOOK)
    report = import_files(p, [transcript], ImportOptions(community="patients"))
    assert report.ok, report.failed
    seg = p.segments(role="participant").iloc[1]
    session = CodingSession(p, "alice")
    cid = session.apply(int(seg.source_id), int(seg.start), int(seg.end), p.code_id("The pick-up"), "to-improve")
    session.set_valence(cid, "working-well")
    assert session.undo()["action"] == "valence"
    again = elc.open_project(pg_url)
    c = again.codings()
    assert list(c.valence) == ["to-improve"] and c.text.iloc[0] == seg.text
    assert status(again)["communities"][0]["participants"] == 1
    assert not again.segments().text.str.contains("07700|0116 496").any()


TWO_CODERS = r'''
import sys
import elc
from elc.coding import CodingSession

url, coder, code = sys.argv[1], sys.argv[2], sys.argv[3]
p = elc.open_project(url)
s = CodingSession(p, coder)
for seg in p.segments(role="participant").itertuples():
    s.apply(int(seg.source_id), int(seg.start), int(seg.end), p.code_id(code), "to-improve")
p.close()
print("coded", flush=True)
'''


def test_team_server_setup_end_to_end_through_the_cli(pg_url, transcript, tmp_path):
    """The README's team setup: create, import, two coders at once (two OS processes), agreement,
    the workshop workbook, status; and an unreachable server is one line without the password."""
    import json
    import subprocess
    import sys

    def run(*args, ok=True):
        out = subprocess.run([sys.executable, "-m", "elc", *map(str, args)], capture_output=True, text=True,
                             timeout=300)
        if ok:
            assert out.returncode == 0, out.stderr[-2000:]
        return out

    run("new", pg_url, "--guide", GUIDE, "--codebook", CODEBOOK)
    run("import", pg_url, transcript, "--community", "patients")
    script = tmp_path / "coder.py"
    script.write_text(TWO_CODERS, encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, str(script), pg_url, coder, code], stdout=subprocess.PIPE, text=True)
             for coder, code in (("alice", "The pick-up"), ("bob", "The pick-up"))]
    assert all(p.wait(timeout=300) == 0 for p in procs)
    agreement = json.loads(run("agreement", pg_url, "--coders", "alice", "bob", "--json").stdout)
    assert agreement["overall"]["percent_agreement"] == 1.0 and agreement["segments"] > 0
    run("report", pg_url, "--xlsx", tmp_path / "workshop.xlsx")
    assert (tmp_path / "workshop.xlsx").stat().st_size > 0
    assert "patients" in run("status", pg_url).stdout
    shown = run("status", pg_url, "--json").stdout
    password = pg_url.split("://", 1)[1].split("@", 1)[0].partition(":")[2]
    assert json.loads(shown)["project"].count("***") == 1 and (not password or f":{password}@" not in shown)
    p = elc.open_project(pg_url)
    try:
        c = p.codings()
        assert sorted(set(c.coder)) == ["alice", "bob"] and c.groupby("coder").size().nunique() == 1
    finally:
        p.close()
    bad = run("status", "postgresql+psycopg://elc:s3cret-pw@127.0.0.1:1/nowhere", ok=False)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "s3cret-pw" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
