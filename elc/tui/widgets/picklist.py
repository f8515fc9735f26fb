"""A light single-line list for the side panes (sources, codebook).

Textual's OptionList re-renders every visible option when one prompt changes; these panes change
after every coding (counts, progress, ✓ marks), so this list caches one strip per row and repaints
only the rows whose text changed, plus the two rows the highlight moves between.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


def component_style(widget, name: str) -> Style:
    """A component class as a Rich style, translucent colours composited over the widget."""
    from textual.color import Color

    st = widget.get_component_styles(name)
    base = widget.rich_style
    bg = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
    bgcolor = bg + st.background if st.has_rule("background") and st.background.a > 0 else None
    color = None
    if st.has_rule("color") and st.color.a > 0:
        under = bgcolor or bg
        color = under + (under.get_contrast_text(st.color.a) if st.color.auto else st.color)
    return Style(color=color.rich_color if color else None,
                 bgcolor=bgcolor.rich_color if bgcolor else None) + st.text_style


@dataclass(frozen=True)
class Item:
    id: str | None
    text: Text
    disabled: bool = False


class PickList(ScrollView, can_focus=True):
    """Rows of Rich Text; ↑↓ PgUp PgDn Home End move, Enter or a click picks."""

    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "edge(0)", show=False),
        Binding("end", "edge(1)", show=False),
        Binding("enter", "select", show=False),
    ]
    COMPONENT_CLASSES = {"picklist--cursor", "picklist--cursor-blurred", "picklist--disabled"}
    DEFAULT_CSS = """
    PickList { overflow-x: hidden; overflow-y: auto; }
    """

    class Selected(Message):
        def __init__(self, picklist: "PickList", item_id: str) -> None:
            super().__init__()
            self.picklist = picklist
            self.item_id = item_id

        @property
        def control(self) -> "PickList":
            return self.picklist

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.items: list[Item] = []
        self.highlighted: int | None = None
        self._cache: dict[int, Strip] = {}

    # ------------------------------------------------------------------ content
    def set_items(self, items: list[Item], highlight_id: str | None = None) -> None:
        old = self.items
        self.items = list(items)
        if len(old) != len(items):
            self._cache.clear()
            self.virtual_size = Size(self.size.width, len(items))
            self.refresh()
        else:
            for i, (a, b) in enumerate(zip(old, items)):
                if a != b:
                    self._cache.pop(i, None)
                    self.refresh_line(i)
        ids = [it.id for it in self.items]
        want = highlight_id if highlight_id is not None else (
            old[self.highlighted].id if self.highlighted is not None and self.highlighted < len(old) else None)
        if want in ids and not self.items[ids.index(want)].disabled:
            self.highlight(ids.index(want))
        elif self.highlighted is None or self.highlighted >= len(self.items) or self.items[self.highlighted].disabled:
            self.highlight(self._next_enabled(-1, 1))

    def replace_item(self, index: int, item: Item) -> None:
        if 0 <= index < len(self.items) and self.items[index] != item:
            self.items[index] = item
            self._cache.pop(index, None)
            self.refresh_line(index)

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None or self.highlighted >= len(self.items):
            return None
        return self.items[self.highlighted].id

    def index_of(self, item_id: str) -> int | None:
        for i, it in enumerate(self.items):
            if it.id == item_id:
                return i
        return None

    def highlight(self, index: int | None) -> None:
        old = self.highlighted
        if index is not None and not (0 <= index < len(self.items)):
            index = None
        self.highlighted = index
        for i in (old, index):
            if i is not None:
                self._cache.pop(i, None)
                self.refresh_line(i)
        if index is not None:
            self._scroll_into_view(index)

    def _scroll_into_view(self, index: int) -> None:
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0:
            return
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def _next_enabled(self, start: int, step: int) -> int | None:
        i = start + step
        while 0 <= i < len(self.items):
            if not self.items[i].disabled:
                return i
            i += step
        return None

    # ------------------------------------------------------------------ keys and mouse
    def action_move(self, step: int) -> None:
        start = self.highlighted if self.highlighted is not None else (-1 if step > 0 else len(self.items))
        nxt = self._next_enabled(start, step)
        if nxt is not None:
            self.highlight(nxt)

    def action_page(self, step: int) -> None:
        height = max(1, (self.scrollable_content_region.height or self.size.height) - 1)
        start = self.highlighted if self.highlighted is not None else 0
        target = max(0, min(len(self.items) - 1, start + step * height))
        nxt = self._next_enabled(target - step, step) or self._next_enabled(target + step, -step)
        if nxt is not None:
            self.highlight(nxt)

    def action_edge(self, last: int) -> None:
        nxt = self._next_enabled(len(self.items), -1) if last else self._next_enabled(-1, 1)
        if nxt is not None:
            self.highlight(nxt)

    def action_select(self) -> None:
        item_id = self.highlighted_id
        if item_id is not None:
            self.post_message(self.Selected(self, item_id))

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_y)
        if 0 <= index < len(self.items) and not self.items[index].disabled:
            self.highlight(index)
            self.action_select()

    def on_focus(self) -> None:
        if self.highlighted is not None:
            self._cache.pop(self.highlighted, None)
            self.refresh_line(self.highlighted)

    def on_blur(self) -> None:
        self.on_focus()

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.items))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    # ------------------------------------------------------------------ rendering
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        index = y + int(self.scroll_y)
        base = self.rich_style
        if index >= len(self.items) or width <= 0:
            return Strip.blank(max(0, width), base)
        strip = self._cache.get(index)
        if strip is None or strip.cell_length != width:
            strip = self._render_item(index, width, base)
            self._cache[index] = strip
        return strip

    def _render_item(self, index: int, width: int, base: Style) -> Strip:
        item = self.items[index]
        text = item.text.copy()
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(text.render(self.app.console))
        overlay = None
        if item.disabled:
            overlay = component_style(self, "picklist--disabled")
        elif index == self.highlighted:
            overlay = component_style(self, "picklist--cursor" if self.has_focus else "picklist--cursor-blurred")
        segments = [Segment(t, base + (s or Style()) + (overlay or Style())) for t, s, _ in segments
                    if t != "\n"]
        return Strip(segments).adjust_cell_length(width, base)
