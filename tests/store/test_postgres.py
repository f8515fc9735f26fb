"""The same project API on PostgreSQL, for teams. Runs when ELC_TEST_PG_URL names a server
(.ci/run starts one when it can); skipped otherwise."""

import os
import uuid

import pytest

import elc
from elc.coding import CodingSession
from elc.ingest import ImportOptions, import_files
from elc.insights.status import status
from tests.conftest import CODEBOOK, GUIDE

BASE = os.environ.get("ELC_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not BASE, reason="no PostgreSQL server (set ELC_TEST_PG_URL)")


@pytest.fixture
def pg_url():
    psycopg = pytest.importorskip("psycopg")
    name = f"elc_{uuid.uuid4().hex[:10]}"
    admin = BASE.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"create database {name}")
    yield BASE.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"drop database {name} with (force)")


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
