"""`elc merge`: coders' copies merged into one project, losslessly (issue 10.4)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

import elc
from elc.cli import main
from elc.coding import Codebook, CodingSession


def _code_some(path: Path, coder: str, picks: range, new_code: str | None = None, memo: str = ""):
    with elc.open_project(path) as p:
        segs = p.segments(role="participant", with_text=False)
        codes = list(p.codes().id)
        session = CodingSession(p, coder)
        extra = Codebook(p, coder).add(new_code) if new_code else None
        for i in picks:
            seg = segs.iloc[i % len(segs)]
            code = extra if extra is not None and i % 3 == 0 else int(codes[i % 7])
            cid = session.apply(int(seg.source_id), int(seg.start), int(seg.end), code,
                                ("working-well", "to-improve", "neutral")[i % 3], memo=f"{memo}{i}" if memo else "")
            if i % 5 == 4:
                session.remove(cid)  # removed codings stay out of the merge


def _codings(path: Path) -> set[tuple]:
    """Every active coding as (coder, source text hash, start, end, code path, valence, memo)."""
    db = sqlite3.connect(path)
    try:
        codes = {i: (n, parent) for i, n, parent in db.execute("SELECT id, name, parent_id FROM codes")}

        def code_path(i):
            name, parent = codes[i]
            return name if parent is None else f"{code_path(parent)}/{name}"

        rows = db.execute("SELECT k.coder, s.content_hash, k.start, k.end, k.code_id, k.valence, k.memo "
                          "FROM codings k JOIN sources s ON s.id = k.source_id WHERE k.active = 1").fetchall()
        return {(c, h, a, b, code_path(cid), v, m) for c, h, a, b, cid, v, m in rows}
    finally:
        db.close()


def test_split_code_merge_round_trip_is_lossless(team_path, tmp_path):
    _code_some(team_path, "lead", range(0, 4))  # the team project has some coding already
    copies = {name: tmp_path / f"{name}.elc" for name in ("alice", "bob")}
    for copy in copies.values():
        shutil.copy(team_path, copy)
    _code_some(copies["alice"], "alice", range(0, 20), new_code="Alice: parking", memo="a")
    _code_some(copies["bob"], "bob", range(7, 30), new_code="Bob: escorts")
    expected = _codings(team_path) | _codings(copies["alice"]) | _codings(copies["bob"])

    result = CliRunner().invoke(main, ["merge", str(team_path), str(copies["alice"]), str(copies["bob"])])
    assert result.exit_code == 0, result.output
    assert _codings(team_path) == expected
    assert "codings added (alice " in result.output and "bob " in result.output
    db = sqlite3.connect(team_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    names = {n for (n,) in db.execute("SELECT name FROM codes")}
    assert {"Alice: parking", "Bob: escorts"} <= names
    db.close()

    # merging again adds nothing: everything is a duplicate
    from elc.store.merge import merge_projects

    again = merge_projects(team_path, [copies["alice"], copies["bob"]])
    assert again.codings_added == 0
    assert again.codings_duplicate == len(_codings(copies["alice"])) + len(_codings(copies["bob"]))
    assert _codings(team_path) == expected


def test_clashing_code_is_a_conflict_until_renamed(team_path, tmp_path):
    copy = tmp_path / "bob.elc"
    shutil.copy(team_path, copy)
    with elc.open_project(team_path) as p:
        Codebook(p, "lead").add("Access", kind="category")
    _code_some(copy, "bob", range(0, 6), new_code="Access")  # a theme in bob's copy
    from elc.store.merge import merge_projects

    report = merge_projects(team_path, [copy])
    assert report.code_conflicts and "Access" in report.code_conflicts[0]
    assert report.codings_skipped == 2 and not report.ok
    before = _codings(team_path)
    report = merge_projects(team_path, [copy], rename={"Access": "Access (bob)"})
    assert report.codings_added == 2 and report.codes_added == ["Access (bob)"]
    assert len(_codings(team_path)) == len(before) + 2
    with elc.open_project(team_path) as p:
        kinds = dict(zip(p.codes().name, p.codes().kind))
    assert kinds["Access"] == "category" and kinds["Access (bob)"] == "theme"


def test_same_span_other_valence_is_reported_not_overwritten(team_path, tmp_path):
    copy = tmp_path / "alice.elc"
    shutil.copy(team_path, copy)
    with elc.open_project(team_path) as p:
        seg = p.segments(role="participant").iloc[0]
        code = int(p.codes().id.iloc[0])
        CodingSession(p, "alice").apply(int(seg.source_id), int(seg.start), int(seg.end), code, "to-improve")
    with elc.open_project(copy) as p:
        CodingSession(p, "alice").apply(int(seg.source_id), int(seg.start), int(seg.end), code, "working-well")
    result = CliRunner().invoke(main, ["merge", str(team_path), str(copy)])
    assert result.exit_code == 0 and "conflict" in result.output
    with elc.open_project(team_path) as p:
        assert list(p.codings(coder="alice").valence) == ["to-improve"]


def test_unknown_copy_and_self_merge_are_one_line(team_path, tmp_path):
    r = CliRunner().invoke(main, ["merge", str(team_path), str(tmp_path / "nope.elc")])
    assert r.exit_code == 1 and "no such project" in r.output
    r = CliRunner().invoke(main, ["merge", str(team_path), str(team_path)])
    assert r.exit_code == 1 and "being merged into" in r.output
