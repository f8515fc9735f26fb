"""The audit on generated projects: random communities, coding (on and off each community's
guide, both valences, several coders, some interviews left uncoded), changes and attributes, with
fixed seeds. Every count the matrix, the changes' evidence and the group breakdown give must
equal the independent recomputation from the tables."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.audit import recompute as rc
from tests.audit.test_audit_sample import matrix_mismatches

REPO = Path(__file__).resolve().parents[2]
SENTENCES = ["The driver came at half six and I was ready from five.", "They rang ahead and it worked really well.",
             "I waited three hours in the lounge to go home.", "The crew were kind and helped me with my chair.",
             "Nobody told us when the transport was coming.", "The booking line kept me on hold for forty minutes.",
             "My wife could not travel with me, which upset her.", "The ward was not ready so we waited again."]
AREAS = ["Melton", "Rutland", "Leicester City", "Harborough", None]


def _generate(folder: Path, seed: int):
    from elc import new_project
    from elc.coding import CodingSession
    from elc.ingest import ImportOptions, import_files
    from elc.insights.changes import add_change
    from elc.store.attributes import set_attributes

    rng = random.Random(seed)
    project = new_project(folder / f"gen{seed}.elc", REPO / "interview_guides" / "llr-nepts.yaml",
                          REPO / "codebooks" / "llr-nepts.yaml")
    comms = list(project.communities().key)
    people = []
    for i in range(rng.randint(8, 16)):
        comm = rng.choice(comms[:rng.randint(2, len(comms))])  # some communities may stay empty
        pid = f"{comm[0].upper()}{i + 1:02d}"
        lines = [f"Interviewer: Tell me about it.\n{pid}: " + " ".join(rng.sample(SENTENCES, 3))
                 for _ in range(rng.randint(1, 3))]
        path = folder / f"{pid}-gen.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        people.append((pid, comm, path))
    for pid, comm, path in people:
        report = import_files(project, [path], ImportOptions(community=comm, participant=pid), deidentify=False)
        assert report.ok, report.failed
    codes = project.codes()
    segs = project.segments(role="participant")
    sessions = {c: CodingSession(project, c) for c in ("ann", "bob")}
    for pid, comm, _ in people:
        if rng.random() < 0.2:
            continue  # interviewed, not coded
        mine = segs[segs.participant_id == pid]
        fam = project.communities().set_index("key").family[comm]
        for seg in mine.sample(n=min(len(mine), rng.randint(1, 5)), random_state=rng.randint(0, 10**6)).itertuples():
            pool = codes[(codes.family == fam) | codes.family.isna()] if rng.random() < 0.85 else codes
            code = pool.sample(n=1, random_state=rng.randint(0, 10**6)).iloc[0]
            valence = rng.choice(["to-improve", "working-well", "neutral"])
            sessions[rng.choice(list(sessions))].apply(int(seg.source_id), int(seg.start), int(seg.end),
                                                       int(code.id), valence)
        area = rng.choice(AREAS)
        if area:
            set_attributes(project, pid, {"area": area})
    names = list(codes.name)
    for k in range(rng.randint(1, 4)):
        add_change(project, f"Change {k + 1}", codes=rng.sample(names, rng.randint(1, 3)))
    with project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return project


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_generated_project_recomputes(tmp_path, seed):
    from elc.insights.breakdown import SUPPRESS_BELOW, changes_by, matrix_by
    from elc.insights.evidence import all_evidence
    from elc.insights.matrix import insight_matrix, touchpoint_totals

    project = _generate(tmp_path, seed)
    try:
        truth = rc.load(project.location)
        assert matrix_mismatches(insight_matrix(project, quotes_per_cell=1), truth) == []
        themes = insight_matrix(project, kind=("theme", "category"), quotes_per_cell=0)
        want_t = rc.matrix(truth, kind=("theme", "category"))
        for r in themes.to_dict("records"):
            assert (r["raised"], r["to_improve"], r["working_well"], r["both"]) == tuple(
                want_t[(r["touchpoint"], r["community"])][k] for k in ("raised", "to_improve", "working_well", "both"))
        want_tot = rc.touchpoint_totals(truth)
        for r in touchpoint_totals(insight_matrix(project, quotes_per_cell=0)).to_dict("records"):
            assert {k: r[k] for k in want_tot[r["touchpoint"]]} == want_tot[r["touchpoint"]]
        for ev, want in zip(all_evidence(project, quotes=1), rc.change_evidence(truth), strict=True):
            assert (ev["participants"], ev["valence"]["to-improve"], ev["valence"]["working-well"],
                    ev["valence"]["both"], ev["of"]) == (want["participants"], want["to_improve"],
                                                        want["working_well"], want["both"], want["of"])
            for b in ev["by_community"]:
                w = want["by_community"][b["community"]]
                assert {k: b[k] for k in w} == w
        fam = {i: c["family"] for i, c in truth.codes.items()}
        bd = changes_by(project, "area")
        for ch in truth.changes:
            want = rc.by_attribute(truth, "area", ch["code_ids"], [fam[c] for c in ch["code_ids"]])
            for r in bd.rows[bd.rows.row.str.endswith(ch["title"])].to_dict("records"):
                w = want.get(r["group"], {"of": 0, "to_improve": 0, "working_well": 0})
                assert (r["of"], r["to_improve"], r["working_well"]) == (w["of"], w["to_improve"], w["working_well"])
        for table in (bd.table(), matrix_by(project, "area").table()):
            for rec in table.to_dict("records"):
                for g in bd.groups:
                    cell = rec.get(g) or ""
                    assert all(int(n) == 0 or int(n) >= SUPPRESS_BELOW for n in __import__("re").findall(r"(?<![<\d])(\d+)", cell))
    finally:
        project.close()


def test_suppression_hides_a_cell_a_total_would_reveal():
    from elc.insights.breakdown import suppress_row

    assert suppress_row([12, 3, 9]) == ["12", "<5", "c"]       # 3 hidden; 9 withheld too, or 24-12-9 gives it away
    assert suppress_row([10, 3]) == ["c", "<5"]                 # 10 is withheld, never printed as "<5"
    assert suppress_row([12, 3, 2]) == ["12", "<5", "<5"]      # two hidden already
    assert suppress_row([12, 0, 9]) == ["12", "0", "9"]        # nothing small
    assert suppress_row([3, 7], total_shown=False) == ["<5", "7"]
