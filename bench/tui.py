"""Coding workbench speed, measured through Textual's Pilot.

Builds a sample project in a temporary folder (one ~15,000-word interview plus 40 ordinary ones,
imported with de-identification off and a blank spaCy sentencizer, so the bench is about the UI),
then measures:

- open: from ``make_app`` to the main screen showing the big transcript (median of 3 runs);
- move: key press to the cursor moved and every pane updated (``j``), median and p95;
- key to stored: from pressing a number key (the key event sent to the app) to the coding committed
  in SQLite by ``CodingSession.apply``, over 200 codings (each checked from a separate connection),
  median and p95.

Targets: open < 1 s, median key-to-stored < 50 ms. Run: ``.venv/bin/python bench/tui.py``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

GUIDE = REPO / "interview_guides" / "llr-nepts.yaml"
CODEBOOK = REPO / "codebooks" / "llr-nepts.yaml"
SIZE = (140, 40)

INTERVIEW = """[00:00:03] Interviewer: Thanks for talking to me. Can you tell me about making the booking?
[00:00:09] {pid}: Um, yeah. I ring the booking line and you're on hold for ages. Sometimes forty minutes, honestly.
It's the same every week, they ask the same questions about my mobility as if they've never met me.
[00:01:02] Interviewer: And the pick-up itself?
[00:01:05] {pid}: The driver, Dev, he's lovely. Always has a chat. But they came at half six in the morning
for a ten o'clock appointment at the Royal. I was sat in my coat from six, waiting by the window.
Wife: He was, he was sat there in his coat from six!
[00:02:40] Interviewer: What happens after the appointment, getting home?
[00:02:46] {pid}: That's the worst part. You wait in the discharge lounge, no food, no drink, and nobody tells you
anything. Last time I waited four hours and missed my tablets. The nurses were kind but they didn't know either.
[00:04:10] Interviewer: If you could change one thing, what would it be?
[00:04:15] {pid}: Just tell me when they're coming. A text, a phone call, anything. I don't mind waiting if I know.
"""


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def build(folder: Path) -> tuple[Path, int, int]:
    import spacy

    from elc import new_project
    from elc.ingest import ImportOptions, import_files

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    path = folder / "bench.elc"
    project = new_project(path, GUIDE, CODEBOOK, overwrite=True)
    words_one = len(INTERVIEW.split())
    repeats = -(-15_700 // words_one)  # just over 15,000 words once stored (timestamps dropped)
    big = folder / "P01-long-interview.txt"
    blocks = []
    for i in range(repeats):
        blocks.append(INTERVIEW.format(pid="P01").replace("the booking line", f"the booking line ({i + 1})"))
    big.write_text("".join(blocks), encoding="utf-8")
    files = [(big, "patients")]
    communities = ["patients", "carers", "drivers", "nhs-staff", "provider-staff"]
    for i in range(40):
        pid = f"Q{i + 2:02d}"
        f = folder / f"{pid}-interview.txt"
        f.write_text(INTERVIEW.format(pid=pid).replace("forty minutes", f"{i + 2} minutes"), encoding="utf-8")
        files.append((f, communities[i % len(communities)]))
    for f, community in files:
        report = import_files(project, [f], ImportOptions(community=community), deidentify=False, nlp=nlp)
        assert report.ok and report.imported, report.failed
    big_id = int(project.sources().iloc[0].id)
    words = len(project.source_text(big_id).split())
    project.close()
    return path, big_id, words


async def measure(path: Path, big_id: int, n_codings: int = 200) -> dict:
    from elc.tui.app import make_app

    # open: make_app -> main screen rendered with the big transcript
    opens = []
    for _ in range(3):
        t0 = time.perf_counter()
        app = make_app(path, "bench", source=big_id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.main_screen.doc.id == big_id
            opens.append(time.perf_counter() - t0)
    app = make_app(path, "bench", source=big_id)
    db = sqlite3.connect(str(path))

    def stored() -> int:
        return db.execute("select count(*) from codings where coder = 'bench' and active = 1").fetchone()[0]

    moves: list[float] = []
    move_cpu: list[float] = []
    idle_cpu: list[float] = []
    jumps: list[float] = []
    key_to_stored: list[float] = []
    key_to_screen: list[float] = []
    code_cpu: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        import gc

        gc.freeze()  # what `elc code` does once the screen is up (here the 4th app of the process)
        screen = app.main_screen
        transcript = screen.transcript
        n_sentences = len(transcript.doc.sentences)
        # movement: j, timed from the key event to the detail pane showing the new sentence
        for _ in range(10):  # Pilot's own cost of a key press (an unbound key), for reference
            c0 = time.process_time()
            await pilot.press("f12")
            idle_cpu.append(time.process_time() - c0)
        for _ in range(100):
            before = transcript.cursor
            t0, c0 = time.perf_counter(), time.process_time()
            await pilot.press("j")
            assert transcript.cursor == min(before + 1, n_sentences - 1)
            moves.append(time.perf_counter() - t0)
            move_cpu.append(time.process_time() - c0)
        t0 = time.perf_counter()
        await pilot.press("G")
        jumps.append(time.perf_counter() - t0)
        await pilot.press("g")
        # key to stored: from sending the key event to CodingSession.apply having committed
        committed: list[float] = []
        apply = app.wb.session.apply

        def timed_apply(*args, **kwargs):
            cid = apply(*args, **kwargs)
            committed.append(time.perf_counter())
            return cid

        app.wb.session.apply = timed_apply
        for i in range(n_codings):
            await pilot.press("j")
            want = stored() + 1
            t0, c0 = time.perf_counter(), time.process_time()
            await pilot.press(str(1 + i % 9))
            t_idle = time.perf_counter()
            code_cpu.append(time.process_time() - c0)
            assert stored() == want  # committed: visible to another connection
            key_to_stored.append(committed[-1] - t0)
            key_to_screen.append(t_idle - t0)
        assert stored() == n_codings
    db.close()
    return {"open": opens, "move": moves, "move_cpu": move_cpu, "idle_cpu": idle_cpu, "jump": jumps,
            "stored": key_to_stored, "screen": key_to_screen, "code_cpu": code_cpu, "sentences": n_sentences}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="elc-bench-tui-") as tmp:
        t0 = time.perf_counter()
        path, big_id, words = build(Path(tmp))
        built = time.perf_counter() - t0
        r = asyncio.run(measure(path, big_id))
    ms = lambda xs, q: percentile(xs, q) * 1000  # noqa: E731
    print(f"sample project: one source of {words:,} words ({r['sentences']:,} sentences) + 40 sources "
          f"(built in {built:.1f} s)")
    print(f"open project -> main screen with the long transcript: median {statistics.median(r['open']):.2f} s "
          f"(runs: {', '.join(f'{x:.2f}' for x in r['open'])})   target < 1 s")
    print(f"move one sentence (j): CPU {ms(r['move_cpu'], .5):.1f} ms median, {ms(r['move_cpu'], .95):.1f} ms p95 "
          f"(a key bound to nothing costs {ms(r['idle_cpu'], .5):.1f} ms under Pilot); wall incl. Pilot's idle "
          f"wait {ms(r['move'], .5):.0f} ms median")
    print(f"jump to the end of the long transcript (G): {r['jump'][0] * 1000:.0f} ms wall incl. Pilot's idle wait")
    print(f"key press -> coding stored in SQLite, over {len(r['stored'])} codings: "
          f"median {ms(r['stored'], .5):.1f} ms, p95 {ms(r['stored'], .95):.1f} ms   target median < 50 ms")
    print(f"a coding key press in all (commit, transcript, panes, repaint): CPU {ms(r['code_cpu'], .5):.1f} ms "
          f"median, {ms(r['code_cpu'], .95):.1f} ms p95; wall incl. Pilot's idle wait {ms(r['screen'], .5):.0f} ms")
    ok = statistics.median(r["open"]) < 1.0 and percentile(r["stored"], .5) < 0.05
    print("targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    main()
