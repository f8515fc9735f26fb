"""The transcript pane: one Line-API widget for a whole interview.

A 15,000-word transcript is one widget, not thousands: turns are word-wrapped once per width
into ``(turn, start, end)`` line records, each line is rendered to a :class:`Strip` on demand and
cached, and a cursor move or a new coding invalidates and refreshes only the lines it touches.

What is drawn:

- speaker labels styled by role (interviewer text is muted), a blank line between turns;
- coded spans tinted with their code's colour (other coders' codings in a lighter tint);
- a gutter with a cursor bar and, per coding overlapping the line, its valence glyph
  (▲ working well, ▼ to improve, ● neutral; hollow △▽○ for other coders) on its code colour;
- the cursor sentence, a multi-sentence selection, and in word mode the chosen word sub-span;
- a search match, and, when filtered to one code, everything outside its passages dimmed.

The widget holds view state only (cursor, selection, words); it never writes to the project.
"""

from __future__ import annotations

import bisect

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from elc.tui.controller import CodingView, SourceDoc
from elc.tui.widgets.transcript_render import (  # noqa: F401  (wrap, GUTTER: re-exported)
    GUTTER, Line, LineState, cut_points, gutter, overlaps, piece_key, visible_ranges, wrap,
)

SCROLL_MARGIN = 4


class TranscriptView(ScrollView, can_focus=True, inherit_bindings=False):
    """Renders one :class:`SourceDoc` with its codings and the coding cursor."""

    COMPONENT_CLASSES = {
        "transcript--interviewer", "transcript--participant", "transcript--other",
        "transcript--interviewer-text", "transcript--cursor", "transcript--selection", "transcript--word",
        "transcript--match", "transcript--dim", "transcript--bar", "transcript--empty",
    }

    DEFAULT_CSS = """
    TranscriptView { overflow-x: hidden; overflow-y: auto; }
    """

    class Changed(Message):
        """The cursor, the selection or the word span changed."""

        def __init__(self, view: "TranscriptView") -> None:
            super().__init__()
            self.view = view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.doc: SourceDoc | None = None
        self.codings: list[CodingView] = []
        self.colours: dict[int, str] = {}
        self.cursor = 0
        self.moves = 0  # bumped on every cursor/selection move: what "still the same place" means
        self.sel_anchor: int | None = None
        self.words: list[tuple[int, int]] = []
        self.word_span: tuple[int, int] | None = None  # indices into self.words
        self.match: tuple[int, int] | None = None
        self.filter_indices: list[int] | None = None  # sentence indices shown when filtered
        self.empty_message = "Open a source from the list on the left (Enter), or press n for the next uncoded sentence."
        self._lines: list[Line] = []
        self._line_a: list[int] = []
        self._by_turn: dict[int, list[CodingView]] = {}
        self._cache: dict[int, Strip] = {}
        self._styles: dict[tuple, Style] = {}
        self._width = 0
        self._visible_set: set[int] | None = None

    # ------------------------------------------------------------------ data in
    def set_document(self, doc: SourceDoc | None, codings: list[CodingView], colours: dict[int, str],
                     cursor: int = 0) -> None:
        self.doc = doc
        self.codings = list(codings)
        self.colours = dict(colours)
        self.filter_indices = None
        self._visible_set = None
        self.match = None
        self.sel_anchor = None
        self.word_span = None
        self.moves += 1
        self.cursor = max(0, min(cursor, len(doc.sentences) - 1)) if doc and doc.sentences else 0
        self._index_codings()
        self._layout()
        self.scroll_to(y=0, animate=False)
        self._scroll_to_cursor(center=True)
        self._changed()

    def set_codings(self, codings: list[CodingView], colours: dict[int, str] | None = None) -> None:
        """New codings (after an action): refresh only the lines whose codings changed."""
        old = {(c.id, c.start, c.end, c.code_id, c.valence, c.coder) for c in self.codings}
        new = {(c.id, c.start, c.end, c.code_id, c.valence, c.coder) for c in codings}
        recolour = colours is not None and colours != self.colours
        self.codings = list(codings)
        if colours is not None:
            self.colours = dict(colours)
        self._index_codings()
        if recolour:
            self._invalidate_all()
        else:
            for _, a, b, *_ in old ^ new:
                self._invalidate_span(a, b)
        self._changed()

    def set_filter(self, sentence_indices: list[int] | None) -> None:
        """Show only the turns holding these sentences (and move only among them)."""
        self.filter_indices = sorted(sentence_indices) if sentence_indices is not None else None
        self._visible_set = set(self.filter_indices) if self.filter_indices is not None else None
        self.sel_anchor = None
        self.word_span = None
        if self.filter_indices and self._visible_set is not None:
            if self.cursor not in self._visible_set:
                after = [i for i in self.filter_indices if i >= self.cursor]
                self.cursor = after[0] if after else self.filter_indices[-1]
        self._layout()
        self._scroll_to_cursor(center=True)
        self._changed()

    def set_match(self, span: tuple[int, int] | None) -> None:
        if self.match:
            self._invalidate_span(*self.match)
        self.match = span
        if span:
            self._invalidate_span(*span)

    # ------------------------------------------------------------------ selection
    @property
    def sentence(self):
        if not self.doc or not self.doc.sentences:
            return None
        return self.doc.sentences[self.cursor]

    def selection_range(self) -> tuple[int, int]:
        if self.sel_anchor is None:
            return self.cursor, self.cursor
        return min(self.sel_anchor, self.cursor), max(self.sel_anchor, self.cursor)

    def segments_span(self) -> tuple[int, int] | None:
        if not self.doc or not self.doc.sentences:
            return None
        i, j = self.selection_range()
        return self.doc.sentences[i].start, self.doc.sentences[j].end

    def selection_span(self) -> tuple[int, int] | None:
        """The character span a code would be applied to."""
        if self.word_span is not None and self.words:
            a, b = self.word_span
            return self.words[a][0], self.words[b][1]
        return self.segments_span()

    @property
    def word_mode(self) -> bool:
        return self.word_span is not None

    def _order(self) -> list[int]:
        if self.filter_indices is not None:
            return self.filter_indices
        return list(range(len(self.doc.sentences))) if self.doc else []

    def _step(self, index: int, delta: int) -> int:
        if self.filter_indices is None:
            n = len(self.doc.sentences) if self.doc else 0
            return max(0, min(n - 1, index + delta)) if n else 0
        order = self.filter_indices
        if not order:
            return index
        pos = bisect.bisect_left(order, index)
        if pos < len(order) and order[pos] == index:
            pos = pos + delta
        elif delta > 0:
            pos = pos + delta - 1
        else:
            pos = pos + delta
        return order[max(0, min(len(order) - 1, pos))]

    def _before_change(self) -> tuple[int, int] | None:
        return self.selection_span()

    def _after_change(self, before: tuple[int, int] | None, center: bool = False) -> None:
        self.moves += 1  # the cursor or selection moved (counted synchronously, unlike Changed messages)
        if before:
            self._invalidate_span(*before)
        after = self.selection_span()
        seg = self.segments_span()
        for span in (after, seg):
            if span:
                self._invalidate_span(*span)
        self._scroll_to_cursor(center=center)
        self._changed()

    def move(self, delta: int) -> None:
        if not self.doc or not self.doc.sentences:
            return
        before = self._before_change()
        self.sel_anchor = None
        self.word_span = None
        self.cursor = self._step(self.cursor, delta)
        self._after_change(before)

    def move_to(self, index: int, center: bool = False) -> None:
        if not self.doc or not self.doc.sentences:
            return
        before = self._before_change()
        self.sel_anchor = None
        self.word_span = None
        index = max(0, min(len(self.doc.sentences) - 1, index))
        if self._visible_set is not None and index not in self._visible_set:
            self.set_filter(None)
        self.cursor = index
        self._after_change(before, center=center)

    def move_to_offset(self, offset: int, center: bool = True) -> None:
        if self.doc:
            self.move_to(self.doc.sentence_at(offset), center=center)

    def extend(self, delta: int, cross_turn: bool = False) -> bool:
        """Grow or shrink the selection a sentence; False (nothing changed) at the edge of the
        anchor's speaker turn unless ``cross_turn``: a selection never takes in another voice by
        accident."""
        if not self.doc or not self.doc.sentences:
            return False
        nxt = self._step(self.cursor, delta)
        if nxt == self.cursor:
            return False
        anchor = self.cursor if self.sel_anchor is None else self.sel_anchor
        sents = self.doc.sentences
        if not cross_turn and sents[nxt].turn != sents[anchor].turn and sents[self.cursor].turn == sents[anchor].turn:
            return False
        before = self._before_change()
        self.sel_anchor = anchor
        self.word_span = None
        self.cursor = nxt
        self._after_change(before)
        return True

    def select_turn(self) -> bool:
        """Select every sentence of the cursor's speaker turn (within the current filter)."""
        if not self.doc or not self.doc.sentences:
            return False
        turn = self.doc.sentences[self.cursor].turn
        members = [i for i in self._order() if self.doc.sentences[i].turn == turn]
        if not members:
            return False
        before = self._before_change()
        self.word_span = None
        self.sel_anchor, self.cursor = members[0], members[-1]
        self._after_change(before)
        return True

    def move_turn(self, delta: int) -> None:
        if not self.doc or not self.doc.sentences:
            return
        order = self._order()
        turn = self.doc.sentences[self.cursor].turn
        if delta > 0:
            nxt = [i for i in order if self.doc.sentences[i].turn > turn]
            target = nxt[0] if nxt else order[-1]
        else:
            first_of_turn = [i for i in order if self.doc.sentences[i].turn == turn]
            if first_of_turn and first_of_turn[0] < self.cursor:
                target = first_of_turn[0]
            else:
                prev = [i for i in order if self.doc.sentences[i].turn < turn]
                if prev:
                    pt = self.doc.sentences[prev[-1]].turn
                    target = [i for i in prev if self.doc.sentences[i].turn == pt][0]
                else:
                    target = order[0]
        self.move_to(target)

    def move_edge(self, last: bool) -> None:
        order = self._order()
        if order:
            self.move_to(order[-1] if last else order[0])

    def page(self, delta: int) -> None:
        if not self.doc or not self._lines:
            return
        height = max(1, self.size.height - 2)
        y = self._line_of(self.doc.sentences[self.cursor].start) + delta * height
        y = max(0, min(len(self._lines) - 1, y))
        line = self._lines[y]
        while line.turn < 0 and 0 < y < len(self._lines) - 1:
            y += 1 if delta > 0 else -1
            line = self._lines[y]
        self.move_to(self.doc.sentence_at(max(line.start, 0)))

    # word mode
    def enter_word_mode(self) -> bool:
        span = self.segments_span()
        if not span or not self.doc:
            return False
        i, j = self.selection_range()
        # the words of the selected sentences only: never a speaker label between two turns
        words = [w for k in range(i, j + 1) for w in self.doc.words(self.doc.sentences[k].start,
                                                                    self.doc.sentences[k].end)]
        if not words:
            return False
        before = self._before_change()
        self.words = words
        self.word_span = (0, len(words) - 1)
        self._after_change(before)
        return True

    def move_word(self, which: str, delta: int) -> None:
        if self.word_span is None:
            if not self.enter_word_mode():
                return
        before = self._before_change()
        assert self.word_span is not None  # enter_word_mode() chose a word
        a, b = self.word_span
        last = len(self.words) - 1
        if which == "start":
            a = max(0, min(last, a + delta))
            b = max(a, b)
        else:
            b = max(0, min(last, b + delta))
            a = min(a, b)
        self.word_span = (a, b)
        self._after_change(before)

    def clear_selection(self) -> bool:
        """Drop word mode, then the multi-sentence selection; False when there was nothing to clear."""
        if self.word_span is None and self.sel_anchor is None:
            return False
        before = self._before_change()
        if self.word_span is not None:
            self.word_span = None
        else:
            self.sel_anchor = None
        self._after_change(before)
        return True

    def _changed(self) -> None:
        self.post_message(self.Changed(self))

    # ------------------------------------------------------------------ layout
    def _text_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width
        return max(10, width - GUTTER - 1)

    def _layout(self) -> None:
        self._cache.clear()
        self._lines = []
        self._line_a = []
        doc = self.doc
        if doc is None or not self.size.width:  # not laid out yet: on_resize will do it
            self._width = 0
            self.virtual_size = Size(self.size.width, 0)
            self.refresh()
            return
        width = self._text_width()
        self._width = width
        shown_turns = None
        if self._visible_set is not None:
            shown_turns = {doc.sentences[i].turn for i in self._visible_set}
        lines = self._lines
        line_a = self._line_a
        for t in doc.turns:
            if shown_turns is not None and t.index not in shown_turns:
                continue
            if lines:
                lines.append(Line(-1, lines[-1].end, lines[-1].end))
                line_a.append(lines[-1].start)
            for a, b in wrap(doc.text, t.start, t.end, width):
                lines.append(Line(t.index, a, b))
                line_a.append(a)
        self.virtual_size = Size(self.size.width, len(lines))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self.doc is not None and self._text_width() != self._width:
            self._layout()
            self._scroll_to_cursor(center=True)
            self._changed()

    def _line_of(self, offset: int) -> int:
        i = bisect.bisect_right(self._line_a, offset) - 1
        i = max(0, min(i, len(self._lines) - 1))
        while i > 0 and self._lines[i].turn < 0:
            i -= 1
        return i

    def _lines_of(self, start: int, end: int) -> range:
        if not self._lines:
            return range(0)
        return range(self._line_of(start), self._line_of(max(start, end - 1)) + 1)

    def _invalidate_span(self, start: int, end: int) -> None:
        rows = self._lines_of(start, end)
        if not rows:
            return
        for y in rows:
            self._cache.pop(y, None)
        self.refresh_lines(rows.start, len(rows))

    def _invalidate_all(self) -> None:
        self._cache.clear()
        self.refresh()

    def _scroll_to_cursor(self, center: bool = False) -> None:
        if not self.doc or not self.doc.sentences or not self._lines:
            return
        s = self.doc.sentences[self.cursor]
        rows = self._lines_of(s.start, s.end)
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0:
            return
        top = int(self.scroll_y)
        margin = min(SCROLL_MARGIN, max(0, (height - len(rows)) // 2))
        if center:
            target = max(0, rows.start - max(0, (height - len(rows)) // 3))
        elif rows.start < top + margin:
            target = max(0, rows.start - margin)
        elif rows.stop > top + height - margin:
            target = min(rows.stop - height + margin, rows.start - margin)
        else:
            return
        self.scroll_to(y=max(0, target), animate=False)

    def line_at(self, y: int) -> Line | None:
        y = y + int(self.scroll_y)
        return self._lines[y] if 0 <= y < len(self._lines) else None

    def on_click(self, event: events.Click) -> None:
        line = self.line_at(event.y)
        if line is None or line.turn < 0 or not self.doc:
            return
        offset = min(max(line.start, line.start + event.x - GUTTER), max(line.start, line.end - 1))
        index = self.doc.sentence_at(offset)
        if event.shift:
            before = self._before_change()
            if self.sel_anchor is None:
                self.sel_anchor = self.cursor
            self.word_span = None
            self.cursor = index
            self._after_change(before)
        else:
            self.move_to(index)
        self.focus()

    # ------------------------------------------------------------------ rendering
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()

    def _index_codings(self) -> None:
        by_turn: dict[int, list[CodingView]] = {}
        if self.doc:
            starts = [t.start for t in self.doc.turns]
            for c in self.codings:
                i = max(0, bisect.bisect_right(starts, c.start) - 1)
                while i < len(self.doc.turns) and self.doc.turns[i].start < c.end:
                    if self.doc.turns[i].end > c.start:
                        by_turn.setdefault(i, []).append(c)
                    i += 1
        for v in by_turn.values():
            v.sort(key=lambda c: (c.start, -(c.end - c.start), c.id))
        self._by_turn = by_turn

    def _base_bg(self) -> Color:
        base = self.rich_style
        return Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)

    def _component(self, name: str) -> Style:
        """A component class as a Rich style, translucent colours composited over the pane."""
        key = ("component", name)
        style = self._styles.get(key)
        if style is None:
            st = self.get_component_styles(name)
            bg = self._base_bg()
            bgcolor = None
            if st.has_rule("background") and st.background.a > 0:
                bgcolor = bg + st.background
            color = None
            if st.has_rule("color") and st.color.a > 0:
                under = bgcolor or bg
                color = under + (under.get_contrast_text(st.color.a) if st.color.auto else st.color)
            style = Style(color=color.rich_color if color else None,
                          bgcolor=bgcolor.rich_color if bgcolor else None) + st.text_style
            self._styles[key] = style
        return style

    def _style(self, key: tuple) -> Style:
        style = self._styles.get(key)
        if style is not None:
            return style
        role_kind, label, colour, own, sel, dim, match = key
        base = self.rich_style
        bg = self._base_bg()
        style = base
        if label:
            style += self._component(f"transcript--{role_kind}")
        elif role_kind == "interviewer":
            style += self._component("transcript--interviewer-text")
        if colour:
            tint = bg.blend(Color.parse(colour), 0.38 if own else 0.2)
            style += Style(bgcolor=tint.rich_color)
            if not own:
                style += Style(underline=True)
        if dim:
            style += self._component("transcript--dim")
        if sel == "cursor":
            style += self._component("transcript--cursor")
            if colour:
                style += Style(underline=True)
        elif sel == "selection":
            style += self._component("transcript--selection")
            if colour:
                style += Style(underline=True)
        elif sel == "word":
            style += self._component("transcript--word")
        if match:
            style += self._component("transcript--match")
        self._styles[key] = style
        return style

    def _marker_style(self, colour: str) -> Style:
        key = ("marker", colour)
        style = self._styles.get(key)
        if style is None:
            c = Color.parse(colour)
            fg = Color(0, 0, 0) if c.brightness > 0.55 else Color(255, 255, 255)
            style = self.rich_style + Style(bgcolor=c.rich_color, color=fg.rich_color, bold=True)
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + int(self.scroll_y)
        if self.doc is None or not self._lines:
            if self.doc is None:
                import textwrap

                lines = textwrap.wrap(self.empty_message, max(10, width - 4))
                if 1 <= y <= len(lines):
                    return Strip([Segment("  " + lines[y - 1], self.rich_style + self._component("transcript--empty"))]
                                 ).adjust_cell_length(width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._cache.get(index)
        if strip is None or strip.cell_length != width:
            strip = self._build_line(self._lines[index], width)
            self._cache[index] = strip
        return strip

    def _build_line(self, line: Line, width: int) -> Strip:
        base = self.rich_style
        if line.turn < 0 or self.doc is None:
            return Strip.blank(width, base)
        doc = self.doc
        turn = doc.turns[line.turn]
        a, b = line.start, line.end
        codings = [c for c in self._by_turn.get(line.turn, ()) if c.start < max(b, a + 1) and c.end > a]
        state = LineState(self.segments_span(), self.selection_span(), self.word_span is not None, self.match,
                          self.colours)
        segs = gutter(codings, a, overlaps(state.seg_span, a, b), base, self._component("transcript--bar"),
                      self._marker_style, self.colours)
        dim = visible_ranges(doc, turn, self._visible_set)
        spans = [*((c.start, c.end) for c in codings), state.seg_span, state.sel_span, self.match, *(dim or ())]
        points = cut_points(a, b, turn.body_start, spans)
        for x0, x1 in zip(points, points[1:]):
            if x1 > x0:
                segs.append(Segment(doc.text[x0:x1], self._style(piece_key(turn, codings, dim, state, x0, x1))))
        return Strip(segs).adjust_cell_length(width, base)
