"""Import throughput against bare spaCy on the same words.

    .venv/bin/python bench/ingest.py [--repeat N] [--no-nhs]
    .venv/bin/python bench/ingest.py --files layouts [--words 200000] [--no-deidentify]
    .venv/bin/python bench/ingest.py --files a.txt b.docx ...

1. The bundled sample transcripts (corpora/llr-nepts), imported N times over (each copy gets a
   unique line so the content hash differs): words/s for the whole import (read, de-identify,
   segment, store) vs bare ``nlp.pipe`` over the same turn texts, and the ratio. Target <= 1.5.
2. The 10,334 real NHS comments (../shared/data/nhs-feedback-phase1, if present) as one CSV
   import, de-identified. Target < 60 s.
3. ``--files``: the given transcripts, or with ``layouts`` a generated batch of long interviews
   (``--words`` in all, up to 80,000 words per interview) in the layouts people get (otter-style
   .txt and .docx, Word transcribe .docx, Teams .vtt, labelled .txt), written to a temporary
   folder, never to the repository. Prints words/s of ``elc import`` against bare ``nlp.pipe``
   on the same turn texts, and the peak RSS of each, each run in its own fresh process.
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


# --------------------------------------------------------------------------- --files
LONG_LAYOUTS = (  # (layout, suffix, share of the batch's words)
    ("otter-style", ".txt", 0.40), ("otter-style", ".docx", 0.20), ("word-transcribe", ".docx", 0.15),
    ("teams-vtt", ".vtt", 0.15), ("labelled", ".txt", 0.10))
MAX_INTERVIEW_WORDS = 80_000


def _corpus_turns() -> tuple[list[str], list[str]]:
    """Interviewer questions and participant answers of the sample corpus, to build long calls from."""
    questions, answers = [], []
    for f in sorted(CORPUS.iterdir()):
        if f.suffix not in (".txt", ".vtt", ".srt", ".docx"):
            continue
        for tr in importer_for(f).read(f, ImportOptions()):
            for t in tr.turns:
                (questions if (t.speaker or "").lower() in ("interviewer", "int", "r1", "r2", "r3") else answers
                 ).append(t.text)
    return questions, answers


def _long_interview(layout: str, words: int, seed: int, questions, answers) -> list[str]:
    """Lines of one long interview (``words`` words) in ``layout``; the interviewer is "Jane Doe"."""
    import random

    rnd = random.Random(seed)
    lines, n, t, k = [], 0, 0, 0
    participant = f"Speaker {seed % 7 + 1}"
    if layout == "otter-style":
        lines += ["SUMMARY KEYWORDS", "transport, booking, crews", "", "SPEAKERS", f"Jane Doe, {participant}", ""]
    if layout == "teams-vtt":
        lines += ["WEBVTT", ""]
    while n < words:
        for speaker, pool in (("Jane Doe", questions), (participant, answers)):
            text = rnd.choice(pool)
            if pool is answers and rnd.random() < 0.5:
                text += " " + rnd.choice(answers)
            n += len(text.split())
            mm, ss = divmod(t, 60)
            stamp = f"{mm // 60}:{mm % 60:02d}:{ss:02d}" if mm >= 60 else f"{mm}:{ss:02d}"
            if layout == "otter-style":
                lines += [f"{speaker}  {stamp}", text, ""]
            elif layout == "word-transcribe":
                lines += [f"{mm // 60:02d}:{mm % 60:02d}:{ss:02d} {speaker}", text, ""]
            elif layout == "teams-vtt":
                a, b = t, t + 5
                lines += [f"cue-{k}", f"{a // 3600:02d}:{a // 60 % 60:02d}:{a % 60:02d}.000 --> "
                          f"{b // 3600:02d}:{b // 60 % 60:02d}:{b % 60:02d}.000", f"<v {speaker}>{text}</v>", ""]
            else:
                lines.append(f"{'Interviewer' if speaker == 'Jane Doe' else 'Participant'}: {text}")
            t += 5 + len(text.split()) // 3
            k += 1
    return lines


def write_long_batch(folder: Path, total_words: int) -> list[Path]:
    """Long interviews in every layout, ``total_words`` in all, none over 80,000 words."""
    import docx

    questions, answers = _corpus_turns()
    paths = []
    seed = 0
    for layout, suffix, share in LONG_LAYOUTS:
        left = int(total_words * share)
        while left > 0:
            words = min(left, MAX_INTERVIEW_WORDS)
            seed += 1
            lines = _long_interview(layout, words, seed, questions, answers)
            path = folder / f"P{seed:02d}-{layout}{suffix}"
            if suffix == ".docx":
                document = docx.Document()
                for line in lines:
                    document.add_paragraph(line)
                document.save(str(path))
            else:
                path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            paths.append(path)
            left -= words
    return paths


def _child_bare(paths: list[str], queue) -> None:
    import resource

    nlp = load_nlp()
    texts = [t.text for p in paths for tr in importer_for(Path(p)).read(Path(p), ImportOptions()) for t in tr.turns]
    words = sum(len(t.split()) for t in texts)
    bare_spacy(nlp, texts[:200])  # warm up
    secs = bare_spacy(nlp, texts)
    queue.put((words, secs, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _child_import(paths: list[str], folder: str, deidentify: bool, queue) -> None:
    import resource

    nlp = load_nlp()
    bare_spacy(nlp, ["warm up the pipeline."] * 50)
    project = new_project(Path(folder) / "bench-files.elc", GUIDE)
    t = time.perf_counter()
    report = import_files(project, [Path(p) for p in paths], deidentify=deidentify, nlp=nlp)
    secs = time.perf_counter() - t
    project.close()
    summaries = [line for r in report.imported for line in r["summary"]]
    queue.put((report.ok, [m for _, m in report.failed][:2], sum(r["words"] for r in report.imported), secs,
               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, summaries))


def _in_fresh_process(target, *args):
    """Run ``target`` in a new interpreter (spawn), so its peak RSS is its own."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def files_bench(files: list[str], total_words: int, deidentify: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if files == ["layouts"]:
            paths = write_long_batch(Path(tmp), total_words)
            what = f"generated long interviews ({len(paths)} files)"
        else:
            paths = [Path(f) for f in files]
            what = f"{len(paths)} file(s)"
        # bare spaCy before and after the import, the faster run as the baseline: on a shared
        # machine the load changes during a run, and the ratio should not flatter the import
        words, bare1, bare_rss = _in_fresh_process(_child_bare, [str(p) for p in paths])
        ok, failed, spacy_words, full, rss, summaries = _in_fresh_process(
            _child_import, [str(p) for p in paths], tmp, deidentify)
        assert ok, failed
        _, bare2, _ = _in_fresh_process(_child_bare, [str(p) for p in paths])
        bare = min(bare1, bare2)
    label = "with de-identification" if deidentify else "without de-identification"
    print(f"{what}, {words:,} words, {label}:")
    for line in summaries:
        print(f"  {line}")
    print(f"  bare nlp.pipe   {words / bare:9,.0f} words/s  ({bare1:.1f} s before, {bare2:.1f} s after the import; "
          f"peak RSS {bare_rss:,.0f} MB)")
    print(f"  elc import      {words / full:9,.0f} words/s  ({full:.1f} s, peak RSS {rss:,.0f} MB)")
    print(f"  ratio import/bare = {full / bare:.2f}   peak RSS of the import: {rss:,.0f} MB (target < 1 GB)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-nhs", action="store_true")
    ap.add_argument("--files", nargs="+", metavar="FILE",
                    help="Transcripts to import, or 'layouts' for a generated batch of long interviews.")
    ap.add_argument("--words", type=int, default=200_000, help="Words in the generated batch (--files layouts).")
    ap.add_argument("--no-deidentify", action="store_true", help="--files: import without de-identification.")
    args = ap.parse_args()
    if args.files:
        print(f"spaCy pipeline: {model_name(load_nlp())}")
        files_bench(args.files, args.words, not args.no_deidentify)
        return
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
