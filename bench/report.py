"""Workshop-pack export at scale: 50,000 coded segments to an xlsx workbook. Target < 15 s.

    .venv/bin/python bench/report.py [--sources 500] [--sentences 100] [--html] [--spec]

Builds a synthetic project directly through the store (bulk inserts; set-up is not timed):
SOURCES interviews x SENTENCES participant sentences, every sentence coded with a touchpoint of
its community's guide and about a third of them with a theme too, the LLR NEPTS changes loaded,
and one theme run. Then times ``elc.export.workbook.write_workbook`` (reading the project,
computing the matrix and every change's evidence, writing the file) and prints the seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from elc import new_project  # noqa: E402
from elc.store import database, schema as s  # noqa: E402

GUIDE = REPO / "interview_guides" / "llr-nepts.yaml"
CODEBOOK = REPO / "codebooks" / "llr-nepts.yaml"
CHANGES = REPO / "corpora" / "llr-nepts" / "changes.yaml"
TARGET_SECONDS = 15.0

WORDS = ("the transport came late again and I waited in the lounge for hours with no food or drink "
         "driver was lovely kind helpful rang ahead to say ten minutes away booking line on hold "
         "early morning pick up window three hours wheelchair ramp escort refused wife dementia "
         "clinic entrance parking taxi home dark tired anxious dialysis session missed appointment").split()
VALENCES = ("to-improve",) * 5 + ("working-well",) * 3 + ("neutral",) * 2


def _sentence(rng: random.Random, i: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 34))
    text = " ".join(words)
    if i % 997 == 0:
        text = '=HYPERLINK("http://example.invalid","x") ' + text  # hostile cells must stay text
    if i % 50 == 0:
        text += " [Driver 3] said"
    return text[0].upper() + text[1:] + "."


def build(path: Path, n_sources: int, n_sentences: int, seed: int = 7):
    rng = random.Random(seed)
    project = new_project(path, GUIDE, CODEBOOK, overwrite=True)
    comms = project.communities()
    codes = project.codes()
    tps = {fam: list(codes[(codes.kind == "touchpoint") & (codes.family == fam)].id) for fam in ("people", "staff")}
    themes = list(codes[codes.kind == "theme"].id)
    weights = [int(t or 1) for t in comms.target_n]
    ts = database.now()
    participants, sources, segments, codings = [], [], [], []
    seg_id = 0
    sentence_no = 0
    for n in range(1, n_sources + 1):
        comm = rng.choices(list(comms.itertuples()), weights=weights)[0]
        pid = f"{comm.key[0].upper()}{n:04d}"
        participants.append({"id": pid, "community_id": int(comm.id), "attributes": "{}", "created_at": ts})
        parts, pos, offset = [], 0, 0
        spans = []
        for _ in range(n_sentences // 5):
            q = "Interviewer: Can you tell me more about that?"
            parts.append(q)
            offset += len(q) + 2
            body = []
            label = f"{pid}: "
            cursor = offset + len(label)
            for _ in range(5):
                sent = _sentence(rng, sentence_no)
                sentence_no += 1
                spans.append((cursor, cursor + len(sent)))
                body.append(sent)
                cursor += len(sent) + 1
            turn = label + " ".join(body)
            parts.append(turn)
            offset += len(turn) + 2
        text = "\n\n".join(parts)
        sources.append({"id": n, "name": f"synthetic-{n}.txt", "participant_id": pid, "content_hash": f"h{n}",
                        "text": text, "format": "txt", "interview_date": f"2019-{1 + n % 9:02d}-{1 + n % 27:02d}",
                        "method": "telephone", "imported_at": ts, "metadata": "{}", "deidentified": 1})
        family_tps = tps[comm.family]
        for a, b in spans:
            seg_id += 1
            segments.append({"id": seg_id, "source_id": n, "kind": "sentence", "position": pos, "start": a, "end": b,
                             "speaker": pid, "role": "participant", "question": "", "lemmas": ""})
            pos += 1
            valence = rng.choice(VALENCES)
            codings.append({"source_id": n, "start": a, "end": b, "code_id": int(rng.choice(family_tps)),
                            "valence": valence, "coder": "bench", "memo": "", "origin": "manual",
                            "created_at": ts, "updated_at": ts, "active": 1})
            if rng.random() < 0.33:
                codings.append({"source_id": n, "start": a, "end": b, "code_id": int(rng.choice(themes)),
                                "valence": valence, "coder": "bench", "memo": "", "origin": "manual",
                                "created_at": ts, "updated_at": ts, "active": 1})
    theme_records = [{"theme_id": t, "label": f"theme {t}", "community": c.key, "share": round(rng.random() / 3, 3),
                      "participants": rng.randint(1, 40), "keywords": rng.sample(WORDS, 5), "quotes": []}
                     for t in range(8) for c in comms.itertuples()]
    assignments = {str(i): rng.randrange(8) for i in range(1, seg_id + 1, 7)}
    with project.engine.begin() as conn:
        conn.execute(s.participants.insert(), participants)
        conn.execute(s.sources.insert(), sources)
        conn.execute(s.segments.insert(), segments)
        conn.execute(s.codings.insert(), codings)
        conn.execute(s.theme_runs.insert().values(ts=ts, method="bench", params="{}",
                                                  themes=json.dumps(theme_records),
                                                  assignments=json.dumps(assignments)))
    from elc.insights.changes import link_change, load_changes_file

    ids = load_changes_file(project, CHANGES)
    link_change(project, ids[0], themes=["theme 1"])
    return project, seg_id, len(codings)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=500)
    ap.add_argument("--sentences", type=int, default=100)
    ap.add_argument("--html", action="store_true", help="Also time the HTML report.")
    ap.add_argument("--spec", action="store_true", help="Also time the specification draft (.docx).")
    args = ap.parse_args()
    from elc.export.workbook import write_workbook

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        project, n_segments, n_codings = build(tmp / "bench.elc", args.sources, args.sentences)
        print(f"set-up: {args.sources} sources, {n_segments} coded segments, {n_codings} codings "
              f"in {time.perf_counter() - t:.1f} s (not timed)")
        t = time.perf_counter()
        path = write_workbook(project, tmp / "bench.xlsx")
        seconds = time.perf_counter() - t
        size = path.stat().st_size / 1e6
        verdict = "ok" if seconds < TARGET_SECONDS else "SLOW"
        print(f"elc report --xlsx: {seconds:.2f} s for {n_segments} coded segments ({size:.1f} MB) "
              f"[target < {TARGET_SECONDS:.0f} s: {verdict}]")
        if args.html:
            from elc.export.html import write_html

            t = time.perf_counter()
            write_html(project, tmp / "html")
            print(f"elc report --html: {time.perf_counter() - t:.2f} s")
        if args.spec:
            from elc.export.spec import write_spec

            t = time.perf_counter()
            write_spec(project, tmp / "spec.docx")
            print(f"elc spec --out .docx: {time.perf_counter() - t:.2f} s")
        project.close()
    return 0 if seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
