"""De-identification review on a file project and on PostgreSQL alike: the originals kept apart
(a sidecar file, or the reviewers-only ``elc_originals`` schema), a wrong replacement restored,
the report; and on PostgreSQL a coder's role without the grant codes but cannot read them.
The PostgreSQL cases run when ELC_TEST_PG_URL names a server."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import select

import elc
from elc.coding import CodingSession
from elc.deid import originals as orig
from elc.deid import review
from elc.ingest import ImportOptions, import_files
from elc.store import schema as s
from tests.conftest import CODEBOOK, GUIDE
from tests.store.conftest import admin_url

CALL = """Interviewer: Hello, is that Edna? Thanks for talking to me about the transport.
P11: Yes love. My daughter Zelda tried the booking line, 0116 496 0123, and waited forty minutes.
Interviewer: And where do you live now?
P11: At Kestrel Grange, the care home. The driver, Kev, is lovely. He speaks Gujarati with me.
"""


@pytest.fixture(scope="module")
def blank():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _import(project, folder, text, nlp, name="P11-call.txt"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return import_files(project, [path], ImportOptions(community="patients"), nlp=nlp)


@pytest.fixture(params=["file", "postgresql"])
def target(request, tmp_path):
    if request.param == "file":
        return str(tmp_path / "review.elc")
    return request.getfixturevalue("pg_url")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "elc", *map(str, args)], capture_output=True, text=True,
                          check=False, timeout=300)


def test_the_same_review_on_a_file_and_on_postgresql(target, tmp_path, blank):
    p = elc.new_project(target, GUIDE, CODEBOOK)
    try:
        assert _import(p, tmp_path, CALL, blank).ok
        # a wrong replacement: an ordinary word added as a name turns into a person tag
        assert review.add_name(p, "alice", "Gujarati").detection_ids
        assert "Gujarati" not in p.source_text(1)
        assert [n["name"] for n in orig.kept_names(p)] == ["Gujarati"]
        df = review.detections(p)
        wrong = [int(i) for i in df[df.original == "Gujarati"].id]
        assert wrong and set(df.original) >= {"Edna", "Kev", "Gujarati", "0116 496 0123"}
        review.reject(p, "alice", wrong)
        p._texts.clear()
        assert "He speaks Gujarati with me" in p.source_text(1)
        assert review.allow(p, "alice", "Kev").detection_ids
        assert "The driver, Kev, is lovely" in p.source_text(1)
        rep = review.report(p)
        assert rep["originals"]["keep"] and rep["originals"]["originals"] >= 4 and "Kev" in rep["allow_list"]
        with p.engine.connect() as c:  # the key is kept apart, never in the data the team reads
            state = json.loads(c.execute(select(s.meta.c.value).where(s.meta.c.key == "deid_pseudonyms")).scalar())
        assert "salt" not in state and state["people"]
        out = _cli("deidentify", "report", target)
        assert out.returncode == 0, out.stderr
        assert "originals: kept in" in out.stdout and "allow-list (project): Gujarati, Kev" in out.stdout
        review.purge_originals(p, "alice")
        assert orig.status(p)["originals"] == 0 and not orig.status(p)["keep"]
        (phone,) = [int(i) for i in review.detections(p).query("label == 'PHONE'").id]
        with pytest.raises(orig.OriginalsError, match="purged"):
            review.reject(p, "alice", [phone])
    finally:
        p.close()


@pytest.fixture
def coder_url(pg_url):
    """A login role granted the public schema only (a coder), in the test's database."""
    import psycopg

    role = f"coder_{uuid.uuid4().hex[:8]}"
    db = pg_url.rsplit("/", 1)[1]
    admin = admin_url(pg_url)
    with psycopg.connect(admin_url(pg_url.rsplit("/", 1)[0] + "/postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'coder-pw'")
    yield admin, pg_url.replace("elc:elc@", f"{role}:coder-pw@", 1), role
    with psycopg.connect(admin_url(pg_url.rsplit("/", 1)[0] + "/postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (force)")
        conn.execute(f"DROP ROLE {role}")


def test_a_role_without_the_grant_codes_but_cannot_read_the_originals(coder_url, tmp_path, blank):
    import psycopg

    admin, url, role = coder_url
    owner_url = admin.replace("postgresql://", "postgresql+psycopg://", 1)
    p = elc.new_project(owner_url, GUIDE, CODEBOOK)
    assert _import(p, tmp_path, CALL, blank).ok
    (phone,) = [int(i) for i in review.detections(p).query("label == 'PHONE'").id]
    p.close()
    with psycopg.connect(admin, autocommit=True) as conn:
        for grant in ("USAGE ON SCHEMA public", "SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public",
                      "USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public"):
            conn.execute(f"GRANT {grant} TO {role}")
    coder = elc.open_project(url)
    try:
        seg = coder.segments(role="participant").iloc[0]
        CodingSession(coder, "carol").apply(int(seg.source_id), int(seg.start), int(seg.end),
                                            coder.code_id("The pick-up"), "to-improve")
        assert list(coder.codings().coder) == ["carol"]
        for attempt in (lambda: review.detections(coder), lambda: review.reject(coder, "carol", [phone]),
                        lambda: orig.originals_for(coder, [phone]), lambda: orig.kept_names(coder)):
            with pytest.raises(orig.OriginalsError, match="may not read the originals"):
                attempt()
        assert "may not read" in review.report(coder)["originals"]["error"]
        # importing writes originals (and needs the pseudonym key), so a coder cannot import
        failed = _import(coder, tmp_path, CALL.replace("Edna", "Maud"), blank, name="P12-call.txt")
        assert not failed.imported and "elc_originals" in failed.failed[0][1]
    finally:
        coder.close()
    out = _cli("deidentify", "reject", url, phone, "--reviewer", "carol")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "elc_originals" in out.stderr
    # the owner (a reviewer) still restores it
    with elc.open_project(owner_url) as owner:
        review.reject(owner, "alice", [phone])
        assert "0116 496 0123" in owner.source_text(1)
