"""The codebook editor: add, rename, re-parent, merge, recolour, define and archive codes.

Every edit goes through :class:`elc.coding.Codebook` (committed and logged at once); codings
point at code ids, so renames and moves leave them intact and a merge re-points them.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from elc.domain import PALETTE
from elc.errors import ElcError
from elc.tui.widgets.panes import add_swatch
from elc.tui.controller import CodeView, Workbench
from elc.tui.screens.dialogs import ConfirmScreen, PickerScreen, PromptScreen


def parse_colour(value: str) -> str:
    """'#RRGGBB', a palette number (1-20) or a colour name -> '#RRGGBB'."""
    from textual.color import Color, ColorParseError

    v = value.strip()
    if v.isdigit() and 1 <= int(v) <= len(PALETTE):
        return PALETTE[int(v) - 1]
    try:
        return Color.parse(v).hex6.upper()
    except ColorParseError:
        raise ElcError(f"'{value}' is not a colour (use #RRGGBB, a name like 'teal', or 1-{len(PALETTE)})") from None


class CodebookScreen(Screen[bool]):
    BINDINGS = [
        Binding("escape,q", "close", "back"),
        Binding("a", "add", "add"),
        Binding("A", "add_child", "add sub-code"),
        Binding("r", "rename", "rename"),
        Binding("d", "define", "define"),
        Binding("c", "colour", "colour"),
        Binding("m", "move", "move"),
        Binding("M", "merge", "merge into"),
        Binding("x", "archive", "archive"),
        Binding("u,ctrl+z", "undo", "undo edit"),
    ]

    def __init__(self, wb: Workbench) -> None:
        super().__init__()
        self.wb = wb
        self.changed = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="codebook-editor"):
            yield OptionList(id="editor-list")
            with VerticalScroll(id="editor-detail"):
                yield Static("", id="editor-info")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#editor-list").border_title = "Codebook"
        self.query_one("#editor-detail").border_title = "Code"
        self.reload()
        self.query_one(OptionList).focus()

    # ---------------------------------------------------------------- display
    def reload(self, select: int | None = None) -> None:
        lst = self.query_one(OptionList)
        current = select if select is not None else self.current_id()
        codes = self.wb.all_codes()
        options: list[Option] = []
        section = None
        for c in codes:
            if c.depth == 0:
                sec = f"Touchpoints · {c.family}" if c.kind == "touchpoint" else "Themes"
                if c.kind == "touchpoint" and not c.family:
                    sec = "Touchpoints"
                if sec != section:
                    options.append(Option(Text(sec, style="bold"), disabled=True))
                    section = sec
            t = Text(no_wrap=True, overflow="ellipsis")
            t.append("  " * c.depth)
            add_swatch(t, c.colour)
            t.append(c.name)
            t.append(f"  {c.count}" if c.count else "", style="dim")
            options.append(Option(t, id=str(c.id)))
        lst.set_options(options)
        ids = [o.id for o in options]
        if current is not None and str(current) in ids:
            lst.highlighted = ids.index(str(current))
        else:
            lst.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.show_detail()

    def current_id(self) -> int | None:
        opt = self.query_one(OptionList).highlighted_option
        return int(opt.id) if opt is not None and opt.id else None

    def current(self) -> CodeView | None:
        cid = self.current_id()
        return self.wb.code(cid) if cid is not None else None

    def show_detail(self) -> None:
        c = self.current()
        t = Text()
        if c is None:
            t.append("No code selected.", style="dim")
        else:
            add_swatch(t, c.colour, 3)
            t.append(c.name + "\n", style="bold")
            t.append(f"{c.kind}" + (f" · {c.family}" if c.family else "") + f" · {c.colour}\n", style="dim")
            if c.parent_id:
                parent = self.wb.code(c.parent_id)
                t.append(f"under: {parent.name if parent else c.parent_id}\n", style="dim")
            count = self.wb.counts().get(c.id, 0)
            t.append(f"{count} coding{'s' if count != 1 else ''} ({'all coders' if self.wb.show_others else 'yours'})\n\n")
            t.append(c.definition or "No definition yet (d to define).", style="italic" if c.definition else "dim")
            if c.keywords:
                t.append("\n\nkeywords: ", style="dim")
                t.append(", ".join(c.keywords))
        self.query_one("#editor-info", Static).update(t)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_detail()

    def _run(self, fn, *args, select: int | None = None, message: str | None = None):
        try:
            result = fn(*args)
        except ElcError as exc:
            self.app.notify(str(exc), severity="error", title="Codebook")
            return None
        self.changed = True
        self.reload(select=select if select is not None else (result if isinstance(result, int) and
                                                              fn.__name__ == "add_code" else None))
        if message:
            self.app.notify(message, title="Codebook", timeout=3)
        return result

    # ---------------------------------------------------------------- actions
    def action_add(self, parent: bool = False) -> None:
        parent_code = self.current() if parent else None
        title = f"New code under “{parent_code.name}”" if parent_code else "New theme code"

        def done(name: str | None) -> None:
            if name and name.strip():
                self._run(self.wb.add_code, name.strip(), "theme", parent_code.id if parent_code else None,
                          message=f"added “{name.strip()}”")

        self.app.push_screen(PromptScreen(title, placeholder="code name"), done)

    def action_add_child(self) -> None:
        self.action_add(parent=True)

    def action_rename(self) -> None:
        c = self.current()
        if c is None:
            return

        def done(name: str | None) -> None:
            if name and name.strip() and name.strip() != c.name:
                self._run(self.wb.rename_code, c.id, name.strip(), select=c.id, message=f"renamed to “{name.strip()}”")

        self.app.push_screen(PromptScreen(f"Rename “{c.name}”", c.name), done)

    def action_define(self) -> None:
        c = self.current()
        if c is None:
            return

        def done(text: str | None) -> None:
            if text is not None and text != c.definition:
                self._run(self.wb.define_code, c.id, text.strip(), select=c.id, message="definition saved")

        self.app.push_screen(PromptScreen(f"Definition of “{c.name}”", c.definition,
                                          placeholder="what this code means, when to use it"), done)

    def action_colour(self) -> None:
        c = self.current()
        if c is None:
            return

        def done(value: str | None) -> None:
            if value and value.strip():
                try:
                    colour = parse_colour(value)
                except ElcError as exc:
                    self.app.notify(str(exc), severity="error", title="Codebook")
                    return
                self._run(self.wb.recolour_code, c.id, colour, select=c.id, message=f"colour {colour}")

        palette = Text("palette: ")
        for i, p in enumerate(PALETTE, 1):
            palette.append(f"{i}", style=f"bold {p}")
            add_swatch(palette, p)
        self.app.push_screen(PromptScreen(f"Colour of “{c.name}”", c.colour, placeholder="#RRGGBB",
                                          hint=palette), done)

    def action_move(self) -> None:
        c = self.current()
        if c is None:
            return
        exclude = self.wb.descendants(c.id)

        def done(target) -> None:
            if target is None or isinstance(target, str):
                return
            parent = None if target == 0 else target
            if parent == c.parent_id:
                return
            where = "the top level" if parent is None else f"“{self.wb.code(parent).name}”"
            self._run(self.wb.move_code, c.id, parent, select=c.id, message=f"moved “{c.name}” to {where}")

        self.app.push_screen(PickerScreen(f"Move “{c.name}” under…", self.wb.all_codes(), extra="(top level)",
                                          exclude=exclude, highlight=c.parent_id or 0), done)

    def action_merge(self) -> None:
        c = self.current()
        if c is None:
            return

        def chosen(target) -> None:
            if not isinstance(target, int) or not target:
                return
            into = self.wb.code(target)

            def confirmed(ok: bool | None) -> None:
                if ok:
                    n = self._run(self.wb.merge_code, c.id, target, select=target)
                    if n is not None:
                        self.app.notify(f"merged “{c.name}” into “{into.name}”: {n} codings moved", title="Codebook")

            self.app.push_screen(ConfirmScreen(f"Merge “{c.name}” into “{into.name}”? Its codings move to "
                                               f"“{into.name}” and “{c.name}” is archived."), confirmed)

        self.app.push_screen(PickerScreen(f"Merge “{c.name}” into…", self.wb.all_codes(), exclude={c.id}), chosen)

    def action_archive(self) -> None:
        c = self.current()
        if c is None:
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._run(self.wb.archive_code, c.id, message=f"archived “{c.name}”")

        self.app.push_screen(ConfirmScreen(f"Archive “{c.name}”? (Only codes without codings can be archived; "
                                           "merge the others.)"), confirmed)

    def action_undo(self) -> None:
        """Undo your last codebook edit (rename, move, merge, colour, definition, add)."""
        result = self._run(self.wb.undo_codebook_edit)
        if result is None:
            if self.wb.codebook.last_edit() is None:
                self.app.notify("No codebook edit of yours to undo.", title="Codebook")
            return
        code = self.wb.code(result["code_id"])
        self.app.notify(f"undid the {result['action']} of “{code.name if code else result['code_id']}”",
                        title="Codebook", timeout=3)

    def action_close(self) -> None:
        self.dismiss(self.changed)
