"""The workbench's user settings: one YAML file, one settings class (as posting does).

``$ELC_CONFIG`` if set, else ``$XDG_CONFIG_HOME/elc/config.yaml`` (``~/.config/elc/config.yaml``)::

    theme: textual-light          # or textual-dark
    keymap:                       # action id (see the help screen, ?) -> keys, comma-separated
      search: ctrl+f,/
      remove: x
      themes: ctrl+t

A missing file means the defaults. A broken one stops the workbench with one line naming the
file and the problem, never a traceback and never a silently ignored key.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from elc.errors import ElcError
from elc.tui import keymap
from elc.tui.keymap import KeyAction

MAX_BYTES = 256 * 1024
#: Actions bound to a family of keys with one argument each: not rebindable as one action.
FIXED = frozenset({"apply_number", "word_enter", "command_palette"})
KNOWN = ("theme", "keymap")


class SettingsError(ElcError):
    """The settings file is unreadable or names something that does not exist."""


@dataclass(frozen=True)
class Settings:
    keymap: dict[str, tuple[str, ...]] = field(default_factory=dict)  # action id -> keys
    theme: str | None = None
    path: Path | None = None

    def actions(self) -> tuple[KeyAction, ...]:
        """The keymap with the user's keys in place of the defaults (for help and the palette)."""
        return keymap.with_keys(self.keymap)

    def textual_keymap(self) -> dict[str, str]:
        """Binding id -> Textual key string, for :meth:`textual.app.App.set_keymap`."""
        return {action: ",".join(keymap.textual_key(k) for k in keys) for action, keys in self.keymap.items()}


def config_path() -> Path:
    if os.environ.get("ELC_CONFIG"):
        return Path(os.environ["ELC_CONFIG"]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "elc" / "config.yaml"


def _hint(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _keys(path: Path, action: str, value) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = value.split(",") if value.strip() != "," else [","]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = value
    else:
        raise SettingsError(f"{path}: keymap.{action}: keys are text such as 'ctrl+f,/' (not {value!r})")
    keys = tuple(k.strip() for k in parts if k.strip())
    if not keys:
        raise SettingsError(f"{path}: keymap.{action}: no keys given")
    for k in keys:
        if any(ch.isspace() for ch in k):
            raise SettingsError(f"{path}: keymap.{action}: '{k}' is not a key name (no spaces; e.g. ctrl+f)")
    return keys


def _keymap(path: Path, raw) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: keymap: expected action: keys pairs")
    out = {}
    for action, value in raw.items():
        action = str(action)
        if action in FIXED:
            raise SettingsError(f"{path}: keymap.{action}: this action's keys cannot be changed")
        if action not in keymap.BY_ID:
            raise SettingsError(f"{path}: keymap.{action}: no such action{_hint(action, keymap.BY_ID)} "
                                "(the help screen, ?, lists them)")
        out[action] = _keys(path, action, value)
    return out


def load_settings(path: str | Path | None = None) -> Settings:
    """Read the settings file (the defaults when there is none)."""
    path = Path(path) if path is not None else config_path()
    if not path.exists():
        return Settings()
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SettingsError(f"{path}: settings file larger than {MAX_BYTES // 1024} KB")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except SettingsError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the settings file ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise SettingsError(f"{path}:{where} not valid YAML") from None
    if data is None:
        return Settings(path=path)
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected settings such as 'theme:' and 'keymap:'")
    unknown = [str(k) for k in data if k not in KNOWN]
    if unknown:
        raise SettingsError(f"{path}: unknown setting '{unknown[0]}'{_hint(unknown[0], KNOWN)} "
                            f"(settings: {', '.join(KNOWN)})")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise SettingsError(f"{path}: theme: expected a theme name such as textual-light")
    return Settings(keymap=_keymap(path, data.get("keymap")), theme=theme, path=path)
