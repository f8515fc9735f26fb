"""Helpers shared by the workbench tests."""

from __future__ import annotations

import elc
from elc.coding import CodingSession
from elc.tui.app import make_app
from elc.tui.screens.main import MainScreen
from elc.tui.widgets.transcript import TranscriptView

from .conftest import SIZE, run

__all__ = ["SIZE", "run", "elc", "CodingSession", "make_app", "MainScreen"]

# P07 (source 1) sentences, as the sentencizer splits them:
# 0 Interviewer "Thanks for talking to me."        1 Interviewer "Can you tell me about making the booking?"
# 2 P07 "Um, yeah."  3 P07 "I ring the booking line and you're on hold for ages."
# 4 P07 "Sometimes forty minutes, honestly."       5 Interviewer "And the pick-up itself?"
# 6 P07 "The driver, Dev, he's lovely."  7 P07 "Always has a chat."  8 P07 "But they came at half six ..."
# 9 Wife "He was sat there in his coat from six!"  10 P07 "[laughs] I was."  11 P07 "It's the waiting that gets you."


def main(app) -> MainScreen:
    return app.main_screen


def tv(app) -> TranscriptView:
    return app.main_screen.query_one(TranscriptView)


def sentence_text(app) -> str:
    s = tv(app).sentence
    return tv(app).doc.text[s.start:s.end]


def codings(path, coder="alice"):
    p = elc.open_project(path)
    try:
        return p.codings(coder=coder)
    finally:
        p.close()


async def started(app, pilot):
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    return app.main_screen


async def type_text(pilot, text: str) -> None:
    """Fill the focused Input at once (typing every key costs ~60 ms of Pilot waiting)."""
    from textual.widgets import Input

    field = pilot.app.screen.query_one(Input)
    field.value = text
    await pilot.pause()
