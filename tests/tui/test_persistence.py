"""Everything is committed at once: restart and kill tests, and the CLI."""

from __future__ import annotations

from .helpers import SIZE, codings, make_app, run, started, tv


def test_persistence_across_restart(elc_path):
    async def first():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            await pilot.press("1", "minus", "j", "w", "right", "4", "m")
            app.screen.query_one("TextArea").text = "on hold"
            await pilot.press("ctrl+s")
            await pilot.press("q")
        assert not app.is_running

    async def second():
        app = make_app(elc_path, "alice", source=1)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            seen = screen.wb.codings(1)
            assert {(screen.wb.code(c.code_id).name, c.valence, c.memo) for c in seen} == {
                ("Making the booking", "to-improve", ""), ("The pick-up", "to-improve", "on hold")}
            assert len(tv(app)._by_turn[1]) == 2  # drawn in the transcript
            await pilot.press("u")  # undo works across the restart: the memo goes
            assert set(codings(elc_path).memo) == {""}

    run(first())
    run(second())


KILL_SCRIPT = r'''
import asyncio, os, signal, sys
from elc.tui.app import make_app

async def main():
    app = make_app(sys.argv[1], "killer")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("1", "minus", "j", "shift+down", "2", "J", "J", "w", "right", "4", "plus")
        await pilot.press("m")
        app.screen.query_one("TextArea").text = "said before the kill"
        await pilot.press("ctrl+s")
        await pilot.press("j", "3", "u")  # an undone coding must stay undone
        print("coded", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
'''


def test_codings_survive_a_kill(elc_path, tmp_path):
    import signal
    import subprocess
    import sys

    script = tmp_path / "kill_me.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), str(elc_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert "coded" in proc.stdout
    df = codings(elc_path, "killer")
    got = sorted(zip(df.code, df.valence, df.memo, df.text))
    assert got == sorted([
        ("Making the booking", "to-improve", "", "Um, yeah."),
        ("Getting ready for pick up", "to-improve", "",
         "I ring the booking line and you're on hold for ages. Sometimes forty minutes, honestly."),
        ("The pick-up", "working-well", "said before the kill", "driver, Dev, he's lovely."),
    ])


def test_cli_code_command(elc_path, monkeypatch):
    from click.testing import CliRunner

    from elc.cli import main
    from elc.tui.app import ElcApp

    ran = {}

    def fake_run(self, *a, **k):
        ran["coder"] = self.wb.coder
        ran["others"] = self.wb.show_others
        ran["source"] = self.start_source
        ran["theme"] = self.start_theme

    monkeypatch.setattr(ElcApp, "run", fake_run)
    result = CliRunner().invoke(main, ["code", str(elc_path), "--coder", "carol", "--source", "2", "--others",
                                       "--light"])
    assert result.exit_code == 0, result.output
    assert ran == {"coder": "carol", "others": True, "source": 2, "theme": "textual-light"}
    monkeypatch.setenv("ELC_CODER", "dana")
    result = CliRunner().invoke(main, ["code", str(elc_path)])
    assert result.exit_code == 0 and ran["coder"] == "dana"
    result = CliRunner().invoke(main, ["code", str(elc_path.parent / "missing.elc")])
    assert result.exit_code == 1 and "no such project" in result.output
    assert "Code PROJECT" in CliRunner().invoke(main, ["code", "--help"]).output
    result = CliRunner().invoke(main, ["code", str(elc_path), "--source", "99"])
    assert result.exit_code == 1 and "no source with id 99 (source ids: 1-4)" in result.output


def test_cli_live_suggestions_are_wired_to_the_hook(elc_path, monkeypatch):
    from click.testing import CliRunner

    import elc.suggest.live as live
    from elc.cli import main
    from elc.tui.app import ElcApp

    seen = {}

    class FakeLive:
        def __init__(self, project_path, coder=None, every=5, on_update=None):
            seen["init"] = (project_path, coder)
            self.on_update = on_update

        def start(self):
            seen["started"] = True
            return self

        def notify(self, *event):
            seen.setdefault("notified", []).append(event)

        def close(self):
            seen["closed"] = True

    def fake_run(self, *a, **k):
        seen["hook"] = self.on_coding

    monkeypatch.setattr(live, "LiveSuggestions", FakeLive)
    monkeypatch.setattr(ElcApp, "run", fake_run)
    result = CliRunner().invoke(main, ["code", str(elc_path), "--coder", "erin", "--live-suggestions"])
    assert result.exit_code == 0, result.output
    assert seen["init"] == (str(elc_path), "erin") and seen["started"] and seen["closed"]
    assert seen["hook"].__self__.__class__ is FakeLive  # on_coding is the refit scheduler's notify


def test_suggestions_updated_refreshes_the_detail_pane(elc_path):
    from .test_screens import add_suggestions

    async def go():
        app = make_app(elc_path, "alice")
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(app, pilot)
            assert "Suggestions" not in str(screen.query_one("DetailPane").text)
            add_suggestions(elc_path, [(1, 2, "Making the booking", 0.7, None)])
            app.suggestions_updated(1)
            await pilot.pause()
            assert "70%" in str(screen.query_one("DetailPane").text)
    run(go())
