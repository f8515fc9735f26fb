"""Import throughput against bare spaCy on the same words.

    .venv/bin/python bench/ingest.py [--repeat N] [--no-nhs]

1. The bundled sample transcripts (corpora/llr-nepts), imported N times over (each copy gets a
   unique line so the content hash differs): words/s for the whole import (read, de-identify,
   segment, store) vs bare ``nlp.pipe`` over the same turn texts, and the ratio. Target <= 1.5.
2. The 10,334 real NHS comments (../shared/data/nhs-feedback-phase1, if present) as one CSV
   import, de-identified. Target < 60 s.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from elc import new_project  # noqa: E402
from elc.ingest import ImportOptions, import_files, importer_for  # noqa: E402
from elc.ingest.manifest import read_manifests  # noqa: E402
from elc.nlp import load_nlp, model_name  # noqa: E402

CORPUS = REPO / "corpora" / "llr-nepts"
NHS = REPO.parent / "shared" / "data" / "nhs-feedback-phase1" / "text_data.csv"
GUIDE = REPO / "interview_guides" / "llr-nepts.yaml"


def bare_spacy(nlp, texts) -> float:
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    return time.perf_counter() - t


def transcripts(repeat: int, deidentify: bool):
    nlp = load_nlp()
    manifest = read_manifests(CORPUS)
    files = [CORPUS / f for f in sorted(manifest)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        copies = []
        for r in range(repeat):
            for f in files:
                dst = tmp / f"{r:02d}-{f.name}"
                data = f.read_bytes()
                if f.suffix in (".txt", ".srt"):
                    data += f"\nInterviewer: copy {r}.\n".encode()
                    dst.write_bytes(data)
                elif f.suffix == ".vtt":
                    data += f"\n\n99:00:00.000 --> 99:00:01.000\n<v Interviewer>copy {r}.</v>\n".encode()
                    dst.write_bytes(data)
                else:
                    continue  # docx copies would hash the same; skip rather than edit zips
                copies.append((dst, manifest[f.name]))
        texts = []
        for path, _ in copies:
            for tr in importer_for(path).read(path, ImportOptions()):
                texts.extend(t.text for t in tr.turns)
        words = sum(len(t.split()) for t in texts)
        bare_spacy(nlp, texts[:200])  # warm up
        bare = bare_spacy(nlp, texts)
        project = new_project(tmp / "bench.elc", GUIDE)
        meta = {p.name: m for p, m in copies}
        t = time.perf_counter()
        report = import_files(project, [p for p, _ in copies], deidentify=deidentify, nlp=nlp,
                              metadata_for=lambda p: meta[p.name])
        full = time.perf_counter() - t
        assert report.ok, report.failed[:2]
        project.close()
    return len(copies), words, bare, full


def nhs_comments():
    nlp = load_nlp()
    rows = list(csv.DictReader(open(NHS, newline="", encoding="utf-8")))
    texts = [r["feedback"] for r in rows if r["feedback"].strip()]
    words = sum(len(t.split()) for t in texts)
    bare = bare_spacy(nlp, texts)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "comments.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "feedback"])
            for i, r in enumerate(rows):
                w.writerow([f"N{i:05d}", r["feedback"]])
        project = new_project(tmp / "nhs.elc", GUIDE)
        t = time.perf_counter()
        report = import_files(project, [path], ImportOptions(columns={"text": "feedback", "participant": "id"}),
                              nlp=nlp)
        full = time.perf_counter() - t
        assert report.ok, report.failed
        n_sources = report.imported[0]["sources"]
        project.close()
    return n_sources, words, bare, full


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-nhs", action="store_true")
    args = ap.parse_args()
    print(f"spaCy pipeline: {model_name(load_nlp())}")
    for deid in (True, False):
        n, words, bare, full = transcripts(args.repeat, deid)
        label = "with de-identification" if deid else "without de-identification"
        print(f"sample transcripts x{args.repeat} ({n} files, {words:,} words), {label}:")
        print(f"  bare nlp.pipe   {words / bare:9,.0f} words/s  ({bare:.2f} s)")
        print(f"  elc import      {words / full:9,.0f} words/s  ({full:.2f} s)")
        print(f"  ratio import/bare = {full / bare:.2f}  (target <= 1.5)")
    if args.no_nhs:
        return
    if not NHS.exists():
        print(f"NHS feedback data not found at {NHS}; skipping the 10k-comment import")
        return
    n, words, bare, full = nhs_comments()
    print(f"NHS feedback comments ({n:,} sources, {words:,} words), one CSV, de-identified:")
    print(f"  bare nlp.pipe   {words / bare:9,.0f} words/s  ({bare:.2f} s)")
    print(f"  elc import      {words / full:9,.0f} words/s  ({full:.2f} s)  (target < 60 s)")
    print(f"  ratio import/bare = {full / bare:.2f}")


if __name__ == "__main__":
    main()
