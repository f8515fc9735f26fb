"""The workbench's analysis screens, as data: a new screen is one module and one line here.

Each entry gives the action id (what a user keymap rebinds), its keys, the help text and the
screen module's ``open_from(main)`` function, imported only when the key is pressed. The keymap
turns every entry into a key action calling ``MainScreen.action_open_screen(id)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class ScreenEntry:
    id: str
    keys: tuple[str, ...]
    description: str
    module: str  # a module under elc.tui.screens with ``open_from(main_screen) -> None``


SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry("themes", ("T",), "Themes: the latest run, by community; rename, merge, discard, promote, re-run",
                "themes"),
    ScreenEntry("matrix", ("M",), "Insight matrix: touchpoint × community, to improve vs working well", "matrix"),
    ScreenEntry("changes", ("I",), "High-impact changes and their evidence; link codes", "changes"),
    ScreenEntry("attributes", ("A",), "Participant attributes: area, age band, sex, ethnicity, disability, service",
                "attributes"),
    ScreenEntry("queries", ("Q",), "Queries: code co-occurrence, code × community or attribute, text search (AND OR "
                "NOT, \"phrases\", NEAR/n), saved queries and sets of interviews", "queries"),
    ScreenEntry("compare", ("V",), "Compare coders… (agreement and disagreements)", "compare"),
    ScreenEntry("deid_review", ("D",), "Review de-identification (accept, reject, add names)", "deid_review"),
)

BY_ID = {s.id: s for s in SCREENS}


def open_screen(screen_id: str, main) -> None:
    """Open the analysis screen ``screen_id`` over the main screen ``main``."""
    entry = BY_ID[screen_id]
    import_module(f"elc.tui.screens.{entry.module}").open_from(main)
