"""Every key of the coding workbench, as data.

One :class:`KeyAction` per action id: its keys, a description, a group (for the help screen and
the command palette) and whether the footer shows it. The main screen's ``BINDINGS``, the help
screen (``?``/F1) and the command palette are all generated from :data:`KEYMAP`, so a key is
changed in exactly one place. Keys use Textual's names (``shift+down``, ``ctrl+z``); printable
characters may be written as themselves (``+``, ``/``, ``?``) and are translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from elc.tui.screens import registry as screens


@dataclass(frozen=True)
class KeyAction:
    id: str
    keys: tuple[str, ...]
    description: str
    group: str
    action: str | None = None  # the Textual action string; defaults to ``id``
    footer: str | None = None  # short label shown in the footer; None hides it
    scope: str = "main"  # main (coding screen) | app (everywhere)
    palette: bool = True  # listed in the command palette
    footer_key: str | None = None  # how the footer shows the keys (default: the first key)

    @property
    def action_name(self) -> str:
        return self.action or self.id


VALENCE_HELP = "Valence: {}, for the next code and the coding just applied or chosen with . ,"
GROUPS = ("Move", "Select", "Code", "Suggestions", "Find", "View", "Codebook", "Analyse", "App")

KEYMAP: tuple[KeyAction, ...] = (
    # Move
    KeyAction("cursor_down", ("down", "j"), "Next sentence", "Move"),
    KeyAction("cursor_up", ("up", "k"), "Previous sentence", "Move"),
    KeyAction("turn_down", ("J", "ctrl+down"), "Next speaker turn", "Move"),
    KeyAction("turn_up", ("K", "ctrl+up"), "Previous speaker turn", "Move"),
    KeyAction("page_down", ("pagedown",), "Page down", "Move", palette=False),
    KeyAction("page_up", ("pageup",), "Page up", "Move", palette=False),
    KeyAction("first", ("home", "g"), "First sentence of the transcript", "Move"),
    KeyAction("last", ("end", "G"), "Last sentence of the transcript", "Move"),
    KeyAction("next_uncoded", ("n",), "Next uncoded participant sentence (across sources)", "Move",
              footer="uncoded"),
    KeyAction("prev_uncoded", ("N",), "Previous uncoded participant sentence", "Move"),
    KeyAction("next_source", ("]",), "Next source in the list", "Move"),
    KeyAction("prev_source", ("[",), "Previous source in the list", "Move"),
    # Select
    KeyAction("extend_down", ("shift+down",), "Extend the selection down a sentence (stops at the speaker's turn; press again to cross)", "Select"),
    KeyAction("extend_up", ("shift+up",), "Extend the selection up a sentence", "Select"),
    KeyAction("select_turn", ("v",), "Select the speaker's whole turn", "Select"),
    KeyAction("word_mode", ("w",), "Word selection: narrow the selection to words", "Select", footer="words"),
    KeyAction("word_enter", ("left", "right"), "Enter word selection (→ also moves its start)", "Select",
              palette=False),
    KeyAction("word_start_left", ("left", "h"), "Word selection: start one word left", "Select",
              footer="word start", footer_key="←→", palette=False),
    KeyAction("word_start_right", ("right", "l"), "Word selection: start one word right", "Select", palette=False),
    KeyAction("word_end_left", ("shift+left", "H"), "Word selection: end one word left", "Select",
              footer="word end", footer_key="⇧←→", palette=False),
    KeyAction("word_end_right", ("shift+right", "L"), "Word selection: end one word right", "Select",
              palette=False),
    KeyAction("clear", ("escape",), "Clear selection, word mode, search highlight or code filter", "Select"),
    # Code
    KeyAction("apply_number", tuple(str(i) for i in range(1, 10)), "Apply code 1-9 (numbers in the codebook pane)",
              "Code", footer="code", palette=False),
    KeyAction("pick_code", ("c", "enter"), "Apply a code chosen by fuzzy search", "Code", footer="pick code"),
    KeyAction("valence_good", ("+",), VALENCE_HELP.format("working well"), "Code",
              footer="valence", footer_key="+-="),
    KeyAction("valence_bad", ("-",), VALENCE_HELP.format("to improve"), "Code"),
    KeyAction("valence_neutral", ("=",), VALENCE_HELP.format("neutral"), "Code"),
    KeyAction("memo", ("m",), "Memo on the selected coding (with none, on the interview)", "Code", footer="memo"),
    KeyAction("memos", ("b",), "Memos: browse and search all; write on the project, interview, participant, code",
              "Code"),
    KeyAction("remove", ("x", "delete"), "Remove the selected coding", "Code", footer="remove"),
    KeyAction("resize", ("ctrl+r",), "Resize the selected coding to the current selection", "Code"),
    KeyAction("next_coding", (".",), "Select the next coding on this segment", "Code"),
    KeyAction("prev_coding", (",",), "Select the previous coding on this segment", "Code"),
    KeyAction("undo", ("ctrl+z", "u"), "Undo your last coding action", "Code", footer="undo"),
    KeyAction("redo", ("ctrl+y", "U"), "Redo", "Code"),
    # Suggestions
    KeyAction("accept_suggestion", ("a",), "Accept the top suggestion for this sentence", "Suggestions"),
    KeyAction("choose_suggestion", ("s",), "Choose a suggestion to accept", "Suggestions"),
    KeyAction("reject_suggestion", ("d",), "Reject (dismiss) the top suggestion", "Suggestions"),
    # Find
    KeyAction("search", ("/",), "Search every transcript", "Find", footer="search"),
    KeyAction("filter_code", ("f",), "Show only passages coded with one code", "Find"),
    KeyAction("clear_filter", ("F",), "Clear the code filter", "Find"),
    KeyAction("retrieve", ("r",), "Retrieve every passage for a code, by community", "Find", footer="retrieve"),
    # View
    KeyAction("toggle_others", ("o",), "Show or hide other coders' codings (blind coding)", "View"),
    KeyAction("community_filter", ("C",), "Sources: cycle the community filter", "View"),
    KeyAction("progress_filter", ("P",), "Sources: cycle the progress filter (uncoded, in progress, done)", "View"),
    KeyAction("toggle_sources", ("ctrl+b",), "Hide or show the sources pane", "View"),
    KeyAction("focus_sources", ("ctrl+s",), "Focus the sources list", "View"),
    KeyAction("focus_codebook", ("ctrl+k",), "Focus the codebook pane", "View"),
    KeyAction("focus_transcript", ("ctrl+t",), "Focus the transcript", "View"),
    # Codebook
    KeyAction("edit_codebook", ("e",), "Edit the codebook (add, rename, move, merge, colour, define)", "Codebook",
              footer="codebook"),
    # Analyse
    *(KeyAction(s.id, s.keys, s.description, "Analyse", action=f"open_screen('{s.id}')")
      for s in screens.SCREENS),
    # App
    KeyAction("help", ("?", "f1"), "Keys and help", "App", action="app.help", footer="help"),
    KeyAction("command_palette", ("ctrl+p",), "Command palette", "App", scope="app", palette=False),
    KeyAction("toggle_theme", ("t",), "Switch between light and dark theme", "App", scope="app"),
    KeyAction("quit", ("q", "ctrl+q"), "Quit (everything is already saved)", "App", action="app.quit",
              footer="quit"),
)

BY_ID = {k.id: k for k in KEYMAP}
# Footer order (Textual shows the focused widget's, then the screen's, then the app's bindings).
FOOTER = ("help", "apply_number", "pick_code", "valence_good", "word_mode", "word_start_left", "word_end_left",
          "memo", "remove", "undo", "next_uncoded", "search", "retrieve", "edit_codebook", "quit")
WORD_ACTIONS = frozenset({"word_start_left", "word_start_right", "word_end_left", "word_end_right"})

KEY_DISPLAY = {
    "down": "↓", "up": "↑", "left": "←", "right": "→", "shift+down": "⇧↓", "shift+up": "⇧↑",
    "shift+left": "⇧←", "shift+right": "⇧→", "ctrl+down": "^↓", "ctrl+up": "^↑", "pagedown": "PgDn",
    "pageup": "PgUp", "escape": "Esc", "enter": "Enter", "delete": "Del", "home": "Home", "end": "End",
    "f1": "F1",
}


def textual_key(key: str) -> str:
    """``+`` -> ``plus``, ``?`` -> ``question_mark`` (Textual's names); names and combinations pass through."""
    if len(key) == 1 and not key.isalnum():
        from textual.keys import _character_to_key

        return _character_to_key(key)
    return key


def display_key(key: str) -> str:
    if key in KEY_DISPLAY:
        return KEY_DISPLAY[key]
    if key.startswith("ctrl+"):
        return "^" + key[5:]
    return key


def keys_text(action: KeyAction) -> str:
    if action.id == "apply_number":
        return "1-9"
    return " ".join(display_key(k) for k in action.keys)


def bindings(scope: str) -> list[Binding]:
    """Textual bindings for one scope, the footer's entries first in :data:`FOOTER` order."""
    out: list[tuple[int, Binding]] = []
    for a in KEYMAP:
        if a.scope != scope or a.id == "command_palette":
            continue
        for i, key in enumerate(a.keys):
            action = a.action_name
            if a.id == "apply_number":
                action = f"apply_number({key})"
            elif a.id == "word_enter":
                action = f"word_enter('{key}')"
            show = a.footer is not None and i == 0
            display = a.footer_key if show and a.footer_key else ("1-9" if a.id == "apply_number" and i == 0 else None)
            rank = FOOTER.index(a.id) if show and a.id in FOOTER else len(FOOTER)
            # One id per action, so a user keymap (``Settings.textual_keymap``) rebinds all its keys;
            # the key families with an argument per key keep one id per key.
            ident = f"{a.id}.{i}" if a.id in ("apply_number", "word_enter") else a.id
            out.append((rank, Binding(textual_key(key), action, a.footer or a.description, show=show,
                                      key_display=display, id=ident)))
    out.sort(key=lambda x: x[0])
    return [b for _, b in out]


def with_keys(overrides: dict[str, tuple[str, ...]]) -> tuple[KeyAction, ...]:
    """The keymap with ``overrides`` (action id -> keys) in place of the default keys."""
    from dataclasses import replace

    return tuple(replace(a, keys=tuple(overrides[a.id]), footer_key=None) if a.id in overrides else a
                 for a in KEYMAP)


def grouped(actions: tuple[KeyAction, ...] = KEYMAP) -> list[tuple[str, list[KeyAction]]]:
    return [(g, [a for a in actions if a.group == g]) for g in GROUPS]
