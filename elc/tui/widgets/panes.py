"""The side panes: sources list, codebook, segment detail, and the status line.

Each pane renders records handed to it by the screen (from :mod:`elc.tui.controller`) and posts
a message when the user picks something; none of them touches the project.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from elc.tui.controller import (
    OTHER_GLYPH, PROGRESS_GLYPH, VALENCE_GLYPH, VALENCE_LABEL, CodeView, CodingView, Sentence, SourceDoc, SourceRow,
)
from elc.tui.widgets.picklist import Item, PickList

COMMUNITY_SHORT = 8


def add_swatch(text: Text, colour: str | None, width: int = 2) -> None:
    """A block of the code's colour (reads on light and dark backgrounds alike), then a space."""
    text.append(" " * width, style=f"on {colour}" if colour else "")
    text.append(" ")


class SourcesPane(Vertical):
    """Sources (one per interview) with participant id, community and share coded."""

    class Open(Message):
        def __init__(self, source_id: int) -> None:
            super().__init__()
            self.source_id = source_id

    def compose(self) -> ComposeResult:
        yield Static("", id="sources-filter", classes="pane-title")
        yield PickList(id="sources-list")

    def on_mount(self) -> None:
        self.border_title = "Sources"
        self.rows: list[SourceRow] = []
        self.current: int | None = None

    @staticmethod
    def prompt(row: SourceRow, current: bool) -> Text:
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(PROGRESS_GLYPH[row.status] + " ", style="bold")
        t.append(f"{row.label[:6]:<6}", style="bold underline" if current else "bold")
        t.append(f" {(row.community or '-')[:COMMUNITY_SHORT]:<{COMMUNITY_SHORT}}", style="italic")
        t.append(f"{round(row.share * 100):>3}%")
        return t

    def _items(self) -> list[Item]:
        return [Item(str(r.id), self.prompt(r, r.id == self.current)) for r in self.rows]

    def set_rows(self, rows: list[SourceRow], current: int | None, community: str | None, progress: str) -> None:
        self.rows = list(rows)
        self.current = current
        lst = self.query_one("#sources-list", PickList)
        lst.set_items(self._items(), highlight_id=lst.highlighted_id or (str(current) if current else None))
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append("C ", style="bold")
        label.append("community ", style="italic")
        label.append(community or "all", style="bold")
        label.append("\nP ", style="bold")
        label.append("progress ", style="italic")
        label.append(progress, style="bold")
        self.query_one("#sources-filter", Static).update(label, layout=False)
        self.border_subtitle = f"{len(rows)} shown"

    def update_row(self, row: SourceRow) -> None:
        for i, r in enumerate(self.rows):
            if r.id == row.id:
                self.rows[i] = row
                self.query_one("#sources-list", PickList).replace_item(
                    i, Item(str(row.id), self.prompt(row, row.id == self.current)))
                return

    def set_current(self, source_id: int) -> None:
        self.current = source_id
        self.query_one("#sources-list", PickList).set_items(self._items(), highlight_id=str(source_id))

    def on_pick_list_selected(self, event: PickList.Selected) -> None:
        event.stop()
        self.post_message(self.Open(int(event.item_id)))


class CodebookPane(Vertical):
    """The family's touchpoints in journey order, then the theme codes as a tree, with counts."""

    class Chosen(Message):
        def __init__(self, code_id: int) -> None:
            super().__init__()
            self.code_id = code_id

    def compose(self) -> ComposeResult:
        yield PickList(id="codebook-list")

    def on_mount(self) -> None:
        self.border_title = "Codebook"
        self.border_subtitle = "1-9 · Enter applies"
        self._key: tuple | None = None

    def set_codes(self, codes: list[CodeView], family: str | None, on_segment: set[int] | frozenset = frozenset()
                  ) -> None:
        key = (tuple(codes), family, frozenset(on_segment))
        if key == self._key:
            return
        self._key = key
        items: list[Item] = []
        section = None
        for c in codes:
            kind = ("touchpoint" if c.kind == "touchpoint" else "theme") if c.depth == 0 else section
            if kind != section:
                title = f"Touchpoints · {family}" if kind == "touchpoint" and family else (
                    "Touchpoints" if kind == "touchpoint" else "Themes")
                items.append(Item(None, Text(title, style="bold"), disabled=True))
                section = kind
            t = Text(no_wrap=True, overflow="ellipsis")
            t.append(f"{c.number} " if c.number else "  ", style="bold")
            t.append("  " * c.depth)
            add_swatch(t, c.colour)
            t.append(c.name, style="bold" if c.id in on_segment else "")
            if c.count:
                t.append(f" {c.count}", style="dim")
            if c.id in on_segment:
                t.append(" ✓")
            items.append(Item(str(c.id), t))
        self.query_one("#codebook-list", PickList).set_items(items)

    def on_pick_list_selected(self, event: PickList.Selected) -> None:
        event.stop()
        self.post_message(self.Chosen(int(event.item_id)))


class TextPane(ScrollView, can_focus=False):
    """Scrollable Rich Text, wrapped to the pane; updating it never triggers a screen layout."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = Text()
        self._strips: list[Strip] = []
        self._wrapped_width = -1

    def update(self, text: Text) -> None:
        if text == self.text and self._strips:
            return
        self.text = text
        self._wrap()
        self.refresh()

    def render(self) -> Text:  # for tests and screenshots of the content as plain text
        return self.text

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        self._wrapped_width = width
        if width <= 0:
            self._strips = []
            return
        console = self.app.console
        base = self.rich_style
        lines = self.text.wrap(console, width)
        if len(lines) > self.scrollable_content_region.height and width > 10:
            width -= 1  # leave the scrollbar its column
            lines = self.text.wrap(console, width)
        strips = []
        for line in lines:
            segments = Segment.apply_style(line.render(console), base)
            strips.append(Strip(segments).adjust_cell_length(width, base))
        self._strips = strips
        # a virtual size change costs a screen layout: keep it fixed unless the text outgrows the pane
        height = max(len(strips), self.scrollable_content_region.height)
        if self.virtual_size != Size(width, height):
            self.virtual_size = Size(width, height)

    def on_resize(self) -> None:
        self._wrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._wrap()

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.size.width
        if index < len(self._strips):
            strip = self._strips[index]
            return strip if strip.cell_length == width else strip.adjust_cell_length(width, self.rich_style)
        return Strip.blank(width, self.rich_style)


class DetailPane(TextPane):
    """The selected segment: question answered, codings (valence, memo, coder), suggestions."""

    def on_mount(self) -> None:
        self.border_title = "Segment"

    def show(self, doc: SourceDoc | None, sentence: Sentence | None, span: tuple[int, int] | None,
             n_selected: int, word_mode: bool, codings: list[CodingView], selected: int | None,
             names: dict[int, CodeView], suggestions: list[dict], default_valence: str) -> None:
        t = Text()
        if doc is None or sentence is None:
            t.append("No source open.", style="dim")
            self.update(t)
            return
        _sentence_head(t, doc, sentence, span, n_selected, word_mode)
        _coding_lines(t, doc, sentence, codings, selected, names)
        _suggestion_lines(t, suggestions)
        t.append("\nnext code: ", style="dim")
        t.append(f"{VALENCE_GLYPH[default_valence]} {VALENCE_LABEL[default_valence]}", style="bold")
        self.update(t)


class KeyBar(Widget):
    """The footer of the coding screen: the keymap's footer entries, one line, clickable.

    A single widget rendered from :data:`elc.tui.keymap.FOOTER` (Textual's Footer mounts one widget
    per key and recomposes on every focus change, which costs a fifth of a second at start-up).
    Word-selection keys appear only in word mode.
    """

    COMPONENT_CLASSES = {"keybar--key", "keybar--label"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.word_mode = False
        self._spans: list[tuple[int, int, str]] = []

    def set_word_mode(self, on: bool) -> None:
        if on != self.word_mode:
            self.word_mode = on
            self.refresh()

    def entries(self) -> list[tuple[str, str, str]]:
        from elc.tui import keymap

        out = []
        for action_id in keymap.FOOTER:
            a = keymap.BY_ID[action_id]
            if action_id in keymap.WORD_ACTIONS and not self.word_mode:
                continue
            key = a.footer_key or keymap.keys_text(a).split(" ")[0]
            label = "end words" if action_id == "word_mode" and self.word_mode else (a.footer or "")
            out.append((key, label, a.action_name if a.id != "apply_number" else "pick_code"))
        out.append(("^p", "palette", "app.command_palette"))
        return out

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        label_style = self.get_component_rich_style("keybar--label", partial=True)
        t = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for key, label, action in self.entries():
            start = len(t)
            t.append(f" {key}", style=key_style)
            t.append(f" {label} ", style=label_style)
            self._spans.append((start, len(t), action))
        return t

    async def on_click(self, event) -> None:
        for a, b, action in self._spans:
            if a <= event.x < b:
                await self.screen.run_action(action)
                return


class StatusBar(Widget):
    """One line: coder, source and progress, default valence, blind or not, mode, last action."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()

    def update(self, text: Text) -> None:
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> Text:
        return self.text


def _sentence_head(t: Text, doc: SourceDoc, sentence: Sentence, span: tuple[int, int] | None, n_selected: int,
                   word_mode: bool) -> None:
    """Who speaks, where (sentence n/N, the time), what is selected and the question answered."""
    turn = doc.turns[sentence.turn]
    t.append(sentence.speaker or "?", style="bold")
    t.append(f" · {sentence.role}", style="dim")
    t.append(f" · sentence {sentence.index + 1}/{len(doc.sentences)}", style="dim")
    if turn.ts_start is not None:
        secs = int(turn.ts_start)
        t.append(f" · {secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}", style="dim")
    t.append("\n")
    if word_mode and span:
        words = " ".join(doc.text[span[0]:span[1]].split())
        if len(words) > 140:
            words = words[:90] + " … " + words[-40:]
        t.append("words: ", style="dim")
        t.append(f"“{words}”\n", style="italic")
    elif n_selected > 1:
        t.append(f"{n_selected} sentences selected\n", style="italic")
    if sentence.question and sentence.role != "interviewer":
        t.append("Q ", style="bold")
        q = sentence.question if len(sentence.question) < 160 else sentence.question[:157] + "…"
        t.append(q + "\n", style="italic dim")


def _coding_lines(t: Text, doc: SourceDoc, sentence: Sentence, codings: list[CodingView], selected: int | None,
                  names: dict[int, CodeView]) -> None:
    """Each coding on the segment: glyph, code, the excerpt when it is not the whole sentence, valence,
    coder, origin and memo; the selected one marked."""
    t.append("\nCodings", style="bold underline")
    if not codings:
        t.append("  none yet\n", style="dim")
    else:
        t.append(f"  {len(codings)}\n", style="dim")
    for i, c in enumerate(codings):
        code = names.get(c.code_id)
        glyph = (VALENCE_GLYPH if c.own else OTHER_GLYPH)[c.valence]
        t.append("▸ " if i == selected else "  ", style="bold")
        t.append(glyph + " ", style=code.colour if code else "")
        t.append(code.name if code else f"code {c.code_id}", style="bold" if i == selected else "")
        t.append("\n    ")
        if (c.start, c.end) != (sentence.start, sentence.end):
            excerpt = " ".join(doc.text[c.start:c.end].split())
            if len(excerpt) > 48:
                excerpt = excerpt[:30] + " … " + excerpt[-14:]
            t.append(f"“{excerpt}” ", style="italic")
        t.append(VALENCE_LABEL[c.valence], style="dim")
        if not c.own:
            t.append(f" · by {c.coder}", style="italic")
        if c.origin == "suggestion":
            t.append(" · suggested", style="dim")
        t.append("\n")
        if c.memo:
            t.append(f"    memo: {c.memo}\n", style="italic")


def _suggestion_lines(t: Text, suggestions: list[dict]) -> None:
    """The top five suggestions with their probability (nothing when there are none)."""
    if suggestions:
        t.append("\nSuggestions", style="bold underline")
        t.append("  a accept · s choose · d reject\n", style="dim")
        for j, sg in enumerate(suggestions[:5]):
            t.append("  ")
            t.append(f"{sg['probability']:.0%}".rjust(4), style="bold" if j == 0 else "")
            t.append(" ")
            add_swatch(t, sg.get("colour"))
            t.append(sg["code"])
            if sg.get("valence"):
                t.append(f"  {VALENCE_GLYPH.get(sg['valence'], '')}", style="dim")
            t.append("\n")
