"""The pseudonym key (the salt hashing names in the pseudonym map) is kept in the owner-only
originals sidecar, not in the project file; older projects are migrated on open (issue 12.7)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from pathlib import Path

import elc
from elc.deid import originals, review
from elc.ingest import ImportOptions, import_files
from tests.conftest import CODEBOOK, GUIDE
from tests.team.deid_workers import blank_nlp, interview


def _import(p, folder: Path, name: str, surname: str):
    f = folder / name
    f.write_text(interview(name.split("-")[0], surname), encoding="utf-8")
    return import_files(p, [f], ImportOptions(community="patients"), nlp=blank_nlp())


def _meta_state(path: Path) -> dict:
    db = sqlite3.connect(path)
    try:
        return json.loads(db.execute("SELECT value FROM meta WHERE key='deid_pseudonyms'").fetchone()[0])
    finally:
        db.close()


def _key(path: Path) -> str | None:
    db = sqlite3.connect(str(path) + ".originals")
    try:
        row = db.execute("SELECT value FROM info WHERE key='pseudonym_key'").fetchone()
        return row[0] if row else None
    finally:
        db.close()


def _tags(p) -> list[str]:
    with p.engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT replacement FROM deid_detections ORDER BY id")]


def test_key_is_in_the_owner_only_sidecar_not_the_project(tmp_path):
    path = tmp_path / "p.elc"
    p = elc.new_project(path, GUIDE, CODEBOOK)
    assert _import(p, tmp_path, "P01-a.txt", "Thornton").ok
    p.close()
    state = _meta_state(path)
    assert "salt" not in state and state["people"]
    key = _key(path)
    assert key and len(key) == 32
    assert key.encode() not in path.read_bytes()
    assert stat.S_IMODE(Path(str(path) + ".originals").stat().st_mode) == 0o600
    with elc.open_project(path) as p:  # the same person in a later import keeps their tag
        assert _import(p, tmp_path, "P02-b.txt", "Thornton").ok
        tags = _tags(p)
    assert len(set(tags)) == 1 and len(tags) == 4


def test_an_older_project_is_migrated_on_open(tmp_path):
    path = tmp_path / "old.elc"
    p = elc.new_project(path, GUIDE, CODEBOOK)
    assert _import(p, tmp_path, "P01-a.txt", "Thornton").ok
    p.close()
    key = _key(path)
    db = sqlite3.connect(path)  # as elc wrote it before: the key inside the project file
    state = _meta_state(path)
    db.execute("UPDATE meta SET value=? WHERE key='deid_pseudonyms'", (json.dumps({**state, "salt": key}),))
    db.commit()
    db.close()
    side = sqlite3.connect(str(path) + ".originals")
    side.execute("DELETE FROM info WHERE key='pseudonym_key'")
    side.commit()
    side.close()
    with elc.open_project(path) as p:
        assert "salt" not in _meta_state(path)
        assert _key(path) == key
        assert _import(p, tmp_path, "P02-b.txt", "Thornton").ok
        assert len(set(_tags(p))) == 1


def test_project_file_alone_refuses_to_mint_new_tags_for_known_people(tmp_path):
    path = tmp_path / "p.elc"
    p = elc.new_project(path, GUIDE, CODEBOOK)
    assert _import(p, tmp_path, "P01-a.txt", "Thornton").ok
    p.close()
    alone = tmp_path / "copy" / "p.elc"
    alone.parent.mkdir()
    shutil.copy(path, alone)
    with elc.open_project(alone) as p:
        report = _import(p, tmp_path, "P02-b.txt", "Thornton")
        assert not report.imported and "pseudonym key is missing" in report.failed[0][1]
        assert len(p.sources()) == 1


def test_after_a_purge_imports_go_on_with_new_tags(tmp_path):
    path = tmp_path / "p.elc"
    p = elc.new_project(path, GUIDE, CODEBOOK)
    assert _import(p, tmp_path, "P01-a.txt", "Thornton").ok
    review.purge_originals(p, "rita")
    assert not originals.sidecar_path(p).exists()
    assert _import(p, tmp_path, "P02-b.txt", "Pendleton").ok
    tags = _tags(p)
    assert len(set(tags)) == 2  # a new person, a new tag: no number used twice
    p.close()


def test_added_names_are_hashed_with_the_key_file_not_a_salt_in_the_project(tmp_path):
    """Issue 12.7: a list of names tested against the project file's hashes finds nothing, because
    the key that hashes reviewers' added names lives in the owner-only key file."""
    path = tmp_path / "p.elc"
    p = elc.new_project(path, GUIDE, CODEBOOK)
    try:
        assert _import(p, tmp_path, "P01-a.txt", "Featherstonehaugh").ok
        review.add_name(p, "alice", "Zebedee Quarrington")
        key = _key(path)
        db = sqlite3.connect(path)
        try:
            entries = json.loads(db.execute("SELECT value FROM meta WHERE key='deid_extra_names'").fetchone()[0])
            salt = db.execute("SELECT value FROM meta WHERE key='deid_name_salt'").fetchone()
        finally:
            db.close()
        assert entries and all("salt" not in e and e.get("keyed") for e in entries)
        assert salt is None and key and key not in path.read_bytes().decode("latin-1")
        # the name is still caught on a later import
        f = tmp_path / "P02-b.txt"
        f.write_text("Interviewer: Who helped?\nP02: Zebedee Quarrington from the ward rang me.\n", encoding="utf-8")
        assert import_files(p, [f], ImportOptions(community="patients"), nlp=blank_nlp()).ok
        stored = p.segments(kind="turn", role="participant")
        assert not stored.text.str.contains("Quarrington").any()
        review.purge_originals(p, "alice")  # the key file goes: names keep working with their key as a salt
        f3 = tmp_path / "P03-c.txt"
        f3.write_text("Interviewer: And then?\nP03: Zebedee Quarrington again.\n", encoding="utf-8")
        assert import_files(p, [f3], ImportOptions(community="patients"), nlp=blank_nlp()).ok
        assert not p.segments(kind="turn", role="participant").text.str.contains("Quarrington").any()
    finally:
        p.close()
