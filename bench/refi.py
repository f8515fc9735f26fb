"""REFI-QDA import (``elc import-qdpx``) time and peak memory against ``elc import`` of the same words.

    .venv/bin/python bench/refi.py [--words 200000] [--files 50]

The bench writes a synthetic interview programme of about ``--words`` words (plain-text
transcripts, Interviewer/participant turns; deterministic), then runs, each in its own process
so peak RSS is the process's own (``os.wait4``):

1. baseline: ``elc import PROJECT FILES...`` (the default path: de-identification on), and, for
   reference, the same with ``--no-deidentify``;
2. the project is coded (two coders, valence, memos) and exported with ``elc export --qdpx``;
3. ``elc import-qdpx`` of that archive into a new project.

It prints seconds and peak RSS of each, and the ratio import-qdpx / elc import. Targets
(issue 18): ratio <= 2, peak RSS < 1 GB.

With ``--unlabelled`` it instead builds, by hand, a .qdpx in the shape an NVivo export of two long
documents has (two text sources of half the words each, no speaker labels, a few codings) and
compares its import with ``elc import`` of the same two texts.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from elc import new_project, open_project  # noqa: E402
from elc.coding import CodingSession  # noqa: E402

GUIDE = REPO / "interview_guides" / "llr-nepts.yaml"

SUBJECTS = ["the driver", "the crew", "my husband", "the booking line", "the hospital", "the taxi", "my daughter",
            "the ambulance", "the receptionist", "the control room", "the wheelchair", "the escort"]
VERBS = ["waited for", "rang", "helped", "forgot", "collected", "cancelled", "explained", "delayed", "lifted",
         "phoned", "missed", "reassured"]
OBJECTS = ["us at the door", "the appointment", "him for two hours", "the clinic", "my mum", "the transport",
           "everyone in the queue", "the paperwork", "the early pick-up", "her at the main entrance"]
TAILS = ["and nobody told us why", "which was a relief", "again last week", "before the clinic closed",
         "without any warning", "as they always do", "and I was frightened", "so we were late again"]
QUESTIONS = ["How did the booking go?", "What happened on the day?", "How did that make you feel?",
             "What would have made it better?", "Can you tell me more about the journey home?"]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


def write_corpus(folder: Path, words: int, files: int, seed: int = 7) -> tuple[list[Path], int]:
    rng = random.Random(seed)
    per_file = max(200, words // files)
    paths, total = [], 0
    for i in range(files):
        pid = f"P{i + 1:03d}"
        lines, n = [], 0
        while n < per_file:
            q = rng.choice(QUESTIONS)
            answer = " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
            lines += [f"Interviewer: {q}", f"{pid}: {answer}", ""]
            n += len(q.split()) + len(answer.split()) + 1
        path = folder / f"{pid}-call.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
        total += sum(len(line.split()) for line in lines)
    return paths, total


def write_unlabelled(folder: Path, words: int, seed: int = 11) -> tuple[list[Path], Path, int]:
    """Two long unlabelled documents as .txt files and as a hand-built .qdpx holding them."""
    import zipfile

    rng = random.Random(seed)
    paths, sources, total = [], [], 0
    for i in range(2):
        lines, n = [], 0
        while n < words // 2:
            line = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
            lines.append(line)
            n += len(line.split())
        text = "\n".join(lines) + "\n"
        total += n
        path = folder / f"document-{i + 1}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        guid = f"7C2E3B70-4B3D-4C5B-9F63-2D7F9A5E4C0{i + 1}"
        start = text.index(lines[3])
        sel = (f'<PlainTextSelection guid="D1B2C3D4-0000-4000-8000-00000000000{i + 1}" startPosition="{start}" '
               f'endPosition="{start + len(lines[3])}" creatingUser="A1B2C3D4-0000-4000-8000-000000000001" '
               f'creationDateTime="2024-06-03T09:00:00Z"><Coding guid="E1B2C3D4-0000-4000-8000-00000000000{i + 1}" '
               f'creatingUser="A1B2C3D4-0000-4000-8000-000000000001"><CodeRef '
               f'targetGUID="B1B2C3D4-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>')
        sources.append((guid, text, f'<TextSource guid="{guid}" name="Document {i + 1}" '
                                    f'plainTextPath="internal://{guid}.txt">{sel}</TextSource>'))
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Long documents" '
           'origin="NVivo 14"><Users><User guid="A1B2C3D4-0000-4000-8000-000000000001" name="KO"/></Users>'
           '<CodeBook><Codes><Code guid="B1B2C3D4-0000-4000-8000-000000000001" name="Delays" isCodable="true"/>'
           '</Codes></CodeBook><Sources>' + "".join(s for _, _, s in sources) + "</Sources></Project>")
    archive = folder / "long.qdpx"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        for guid, text, _ in sources:
            zf.writestr(f"Sources/{guid}.txt", text)
    return paths, archive, total


def run(args: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one ``elc`` command in its own process.

    CPU seconds (user + system) are the steadier figure on a shared machine."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "elc", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"elc {' '.join(args[:2])} failed: {err.strip()[-500:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def code(project_path: Path, every: int = 4) -> int:
    """Two coders code every ``every``-th participant sentence (valence and memos included)."""
    p = open_project(project_path)
    codes = [int(c) for c in p.codes()[lambda d: d.kind != "category"].id[:12]]
    sessions = [CodingSession(p, "alice"), CodingSession(p, "bob")]
    segs = p.segments(role="participant", with_text=False)
    n = 0
    for i, seg in enumerate(segs.iloc[::every].itertuples()):
        who = sessions[i % 2]
        valence = ("working-well", "to-improve", "neutral")[i % 3]
        who.apply(int(seg.source_id), int(seg.start), int(seg.end), codes[i % len(codes)], valence,
                  memo="follow up with the provider" if i % 10 == 0 else "")
        n += 1
        if i % 5 == 0:  # a second code on the same span by the same coder
            who.apply(int(seg.source_id), int(seg.start), int(seg.end), codes[(i + 1) % len(codes)], "neutral")
            n += 1
    p.close()
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--files", type=int, default=50)
    ap.add_argument("--no-reference", action="store_true", help="skip the --no-deidentify reference run")
    ap.add_argument("--unlabelled", action="store_true", help="two long unlabelled documents, NVivo-shaped")
    opts = ap.parse_args()
    if opts.unlabelled:
        return unlabelled(opts.words)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "corpus").mkdir()
        files, words = write_corpus(tmp / "corpus", opts.words, opts.files)
        print(f"corpus: {len(files)} transcripts, {words:,} words")
        rows = []
        if not opts.no_reference:
            new_project(tmp / "raw.elc", GUIDE).close()
            rows.append(("elc import --no-deidentify (reference)",
                         *run(["import", str(tmp / "raw.elc"), "--no-deidentify", *map(str, files)])))
        new_project(tmp / "base.elc", GUIDE).close()
        base = run(["import", str(tmp / "base.elc"), *map(str, files)])
        rows.append(("elc import (baseline)", *base))
        n = code(tmp / "base.elc")
        exported = run(["export", str(tmp / "base.elc"), "--qdpx", str(tmp / "base.qdpx")])
        rows.append((f"elc export --qdpx ({n:,} codings)", *exported))
        imported = run(["import-qdpx", str(tmp / "base.qdpx"), str(tmp / "copy.elc")])
        rows.append(("elc import-qdpx", *imported))
        q = open_project(tmp / "copy.elc")
        assert len(q.codings(with_text=False)) == n, "the import lost codings"
        q.close()
        size = (tmp / "base.qdpx").stat().st_size / 1e6
    print(f"archive: {size:.1f} MB")
    print(f"{'run':44s} {'wall s':>8s} {'CPU s':>8s} {'peak RSS MB':>12s}")
    for name, seconds, cpu, rss in rows:
        print(f"{name:44s} {seconds:8.1f} {cpu:8.1f} {rss:12.0f}")
    print(f"import-qdpx / elc import: wall {imported[0] / base[0]:.2f}x, CPU {imported[1] / base[1]:.2f}x "
          f"(target <= 2); import-qdpx peak RSS {imported[2]:.0f} MB (target < 1024)")


def unlabelled(words: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files, archive, total = write_unlabelled(tmp, words)
        print(f"two unlabelled documents, {total:,} words")
        new_project(tmp / "base.elc", GUIDE).close()
        base = run(["import", str(tmp / "base.elc"), *map(str, files)])
        imported = run(["import-qdpx", str(archive), str(tmp / "copy.elc")])
    print(f"{'run':44s} {'wall s':>8s} {'CPU s':>8s} {'peak RSS MB':>12s}")
    for name, (seconds, cpu, rss) in (("elc import (baseline)", base), ("elc import-qdpx", imported)):
        print(f"{name:44s} {seconds:8.1f} {cpu:8.1f} {rss:12.0f}")
    print(f"import-qdpx / elc import: wall {imported[0] / base[0]:.2f}x, CPU {imported[1] / base[1]:.2f}x "
          f"(target <= 2); import-qdpx peak RSS {imported[2]:.0f} MB (target < 1024)")


if __name__ == "__main__":
    main()
