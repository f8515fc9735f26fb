"""Drawing one transcript line: word wrap, the gutter, the cut points inside a line and which
coding, selection, filter and match each piece falls in. Pure functions over the records, so the
widget (:mod:`elc.tui.widgets.transcript`) only caches styles and strips."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from elc.tui.controller import OTHER_GLYPH, VALENCE_GLYPH, CodingView, SourceDoc, Turn

GUTTER = 5  # cursor bar, three coding markers, a space
NO_COLOUR = "#7F7F7F"
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Line:
    turn: int  # -1 for the blank line between turns
    start: int
    end: int


def wrap(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of text[start:end] into (a, b) ranges of at most ``width`` cells."""
    width = max(8, width)
    out: list[tuple[int, int]] = []
    ascii_ = text.isascii()
    from rich.cells import cell_len

    def cells(a: int, b: int) -> int:
        return b - a if ascii_ else cell_len(text[a:b])

    for para_start, para_end in _paragraphs(text, start, end):
        line_start = None
        last_end = para_start  # always set before it is read: the end of the line's last word
        i = para_start
        n = para_end
        while i < n:
            while i < n and text[i] == " ":
                i += 1
            if i >= n:
                break
            j = text.find(" ", i, n)
            j = n if j == -1 else j
            if line_start is None:
                line_start = i
            elif cells(line_start, j) > width:
                out.append((line_start, last_end))
                line_start = i
            while cells(line_start, j) > width:  # a word longer than the line: fold it
                cut = line_start + width
                out.append((line_start, cut))
                line_start = cut
            last_end = j
            i = j
        if line_start is not None:
            out.append((line_start, last_end))
    return out or [(start, start)]


def _paragraphs(text: str, start: int, end: int):
    a = start
    while True:
        nl = text.find("\n", a, end)
        if nl == -1:
            yield a, end
            return
        yield a, nl
        a = nl + 1


def overlaps(span: Span | None, a: int, b: int) -> bool:
    """Whether ``span`` touches the line [a, b) (an empty line still counts its first cell)."""
    return span is not None and span[0] < max(b, a + 1) and a < span[1]


def gutter(codings: Sequence[CodingView], a: int, in_sel: bool, base: Style, bar: Style,
           marker: Callable[[str], Style], colours: dict[int, str]) -> list[Segment]:
    """The cursor bar and up to three coding markers (the valence glyph where the coding starts,
    a rule where it continues; "+" when more than three codings overlap the line)."""
    segs = [Segment("▌" if in_sel else " ", bar + base if in_sel else base)]
    shown = codings if len(codings) <= 3 else codings[:2]
    for c in shown:
        glyph = (VALENCE_GLYPH if c.own else OTHER_GLYPH)[c.valence] if c.start >= a else "│"
        segs.append(Segment(glyph, marker(colours.get(c.code_id, NO_COLOUR))))
    if len(codings) > 3:
        segs.append(Segment("+", base))
    segs.append(Segment(" " * (GUTTER - 1 - min(3, len(codings))), base))
    return segs


def visible_ranges(doc: SourceDoc, turn: Turn, visible: set[int] | None) -> list[Span] | None:
    """The turn's sentences shown by the code filter (None when not filtered: nothing is dimmed)."""
    if visible is None:
        return None
    return [(doc.sentences[i].start, doc.sentences[i].end) for i in range(turn.first, turn.last) if i in visible]


def cut_points(a: int, b: int, body_start: int, spans: Iterable[Span | None]) -> list[int]:
    """Every boundary inside [a, b) where the style may change, sorted."""
    cuts = {a, b}
    if a < body_start < b:
        cuts.add(body_start)
    for span in spans:
        if span:
            cuts.add(min(max(span[0], a), b))
            cuts.add(min(max(span[1], a), b))
    return sorted(cuts)


def innermost(codings: Iterable[CodingView], x0: int, x1: int) -> CodingView | None:
    """The coding that tints [x0, x1): own before others', then the shortest."""
    inner = None
    for c in codings:
        if c.start <= x0 and x1 <= c.end:
            if inner is None or (c.own, -(c.end - c.start)) > (inner.own, -(inner.end - inner.start)):
                inner = c
    return inner


def within(span: Span | None, x0: int, x1: int) -> bool:
    return bool(span and span[0] <= x0 and x1 <= span[1])


def selection_kind(seg_span: Span | None, sel_span: Span | None, word: bool, x0: int, x1: int) -> str | None:
    """How [x0, x1) is selected: the cursor sentence, a sentence selection in word mode, the chosen words."""
    sel = None
    if within(seg_span, x0, x1):
        sel = "selection" if word else "cursor"
    if word and within(sel_span, x0, x1):
        sel = "word"
    return sel


@dataclass(frozen=True, slots=True)
class LineState:
    """What one line is drawn against: the view's spans, filter and colours at the time."""

    seg_span: Span | None
    sel_span: Span | None
    word: bool
    match: Span | None
    colours: dict[int, str]


def piece_key(turn: Turn, codings: Sequence[CodingView], dim: list[Span] | None, state: LineState,
              x0: int, x1: int) -> tuple:
    """The style key (see ``TranscriptView._style``) of the text piece [x0, x1)."""
    inner = innermost(codings, x0, x1)
    colour = state.colours.get(inner.code_id, NO_COLOUR) if inner is not None else None
    own = inner.own if inner is not None else True
    role = turn.role if turn.role in ("interviewer", "participant") else "other"
    sel = selection_kind(state.seg_span, state.sel_span, state.word, x0, x1)
    dimmed = dim is not None and not any(s0 <= x0 and x1 <= s1 for s0, s1 in dim)
    return (role, x0 < turn.body_start, colour, own, sel, dimmed, within(state.match, x0, x1))
