"""Legible on light and dark terminals: every piece of text on the main screen keeps a WCAG contrast
of at least 3:1 against its background, in both themes, with codings, the cursor and word selection."""

from __future__ import annotations

import pytest

from elc.tui.app import make_app

from .helpers import run
from .test_snapshots import coded

MIN_CONTRAST = 3.0


def _luminance(rgb) -> float:
    def channel(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def low_contrast_text(app) -> list[tuple[float, int, str]]:
    strips = app.screen._compositor.render_strips()
    bad = []
    for y, strip in enumerate(strips):
        for seg in strip:
            text, style = seg.text, seg.style
            if style is None or style.color is None or style.bgcolor is None:
                continue
            if not any(ch.isalnum() or ch in "▲▼●△▽○" for ch in text):
                continue
            c = contrast(tuple(style.color.get_truecolor()), tuple(style.bgcolor.get_truecolor()))
            if c < MIN_CONTRAST:
                bad.append((round(c, 2), y, text.strip()[:40]))
    return bad


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_main_screen_text_contrast(elc_path, theme):
    coded(elc_path)

    async def go():
        app = make_app(elc_path, "alice", source=1, theme=theme)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press("J", "J", "J", "j")
            await pilot.pause()
            assert low_contrast_text(app) == []
            await pilot.press("o", "G", "k", "w", "right", "shift+left", "shift+down")
            await pilot.pause()
            assert low_contrast_text(app) == []

    run(go())
