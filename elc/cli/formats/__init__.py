"""Export and import formats as registered data: a format is a name, its file suffixes, one
function and its options (as data, made into Click options here), so ``elc export`` and the
``elc import-FORMAT`` verbs are generated from the registry and a new format is one module and
one entry.

Built-in formats are listed in :data:`BUILTIN`; a plugin package adds its own through the Python
entry-point group ``elc.formats`` (the entry names an :class:`Exporter`, an :class:`Importer`, a
sequence of them, or a module with a ``FORMATS`` sequence). A plugin that fails to load, or
whose name is taken, is skipped with one ``note:`` line on stderr; the rest of the CLI works.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

ENTRY_POINT_GROUP = "elc.formats"
BUILTIN = ("elc.cli.formats.refi_project", "elc.cli.formats.refi_codebook", "elc.cli.formats.csv_tables")

_KINDS: dict[str, Any] = {"text": str, "int": int, "path": click.Path(dir_okay=False), "dir": click.Path(file_okay=False)}


@dataclass(frozen=True)
class FormatOption:
    """One option of a format, as data. ``kind``: text, int, path, dir, flag or choice."""

    name: str
    help: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    default: Any = None

    def to_click(self, prefix: str = "") -> click.Option:
        flag = f"--{prefix}{self.name}".replace("_", "-")
        dest = f"{prefix}{self.name}".replace("-", "_")
        if self.kind == "flag":
            return click.Option([flag, dest], is_flag=True, default=bool(self.default), help=self.help)
        kind = click.Choice(self.choices) if self.kind == "choice" else _KINDS[self.kind]
        return click.Option([flag, dest], type=kind, default=self.default, show_default=self.default is not None,
                            help=self.help)


@dataclass(frozen=True)
class Exporter:
    """``write(project, target, options)`` writes the format at ``target`` (a temporary file, or
    a temporary folder when ``suffixes`` is empty) and returns the line to print."""

    name: str
    help: str
    suffixes: tuple[str, ...]
    write: Callable[[Any, Path, Mapping[str, Any]], str]
    options: tuple[FormatOption, ...] = ()

    @property
    def writes_folder(self) -> bool:
        return not self.suffixes


@dataclass(frozen=True)
class Imported:
    """What an import did: the line to print and the notes for stderr."""

    summary: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Importer:
    """``read(file, project, options)``: with ``creates``, ``project`` is the path of the project
    to create; otherwise it is the open project to add to."""

    name: str
    help: str
    suffixes: tuple[str, ...]
    read: Callable[[str, Any, Mapping[str, Any]], Imported]
    creates: bool = False
    options: tuple[FormatOption, ...] = ()


Format = Exporter | Importer


@dataclass
class Registry:
    exporters: dict[str, Exporter] = field(default_factory=dict)
    importers: dict[str, Importer] = field(default_factory=dict)

    def add(self, fmt: Format, origin: str) -> None:
        table: dict[str, Any] = self.exporters if isinstance(fmt, Exporter) else self.importers
        if not isinstance(fmt, Exporter | Importer):
            raise TypeError(f"{origin}: not an elc Exporter or Importer: {fmt!r}")
        if fmt.name in table:
            raise ValueError(f"{origin}: format name '{fmt.name}' is already registered")
        table[fmt.name] = fmt


def _formats_of(obj: Any) -> Iterable[Format]:
    if isinstance(obj, Exporter | Importer):
        return [obj]
    if hasattr(obj, "FORMATS"):
        return list(obj.FORMATS)
    return list(obj)


def _entry_points():
    from importlib.metadata import entry_points

    return entry_points(group=ENTRY_POINT_GROUP)


def load_registry() -> Registry:
    """The built-in formats, then every plugin's (skipping, with a note, those that fail or clash)."""
    reg = Registry()
    builtin = set(BUILTIN)
    for module in BUILTIN:
        for fmt in _formats_of(importlib.import_module(module)):
            reg.add(fmt, module)
    for ep in _entry_points():
        if ep.value.split(":")[0] in builtin and ":" not in ep.value:
            continue  # this package's own entries name the built-ins already loaded
        try:
            for fmt in _formats_of(ep.load()):
                reg.add(fmt, f"format plugin '{ep.name}' ({ep.value})")
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not take the whole CLI down
            click.echo(f"note: {exc}" if isinstance(exc, ValueError | TypeError)
                       else f"note: format plugin '{ep.name}' ({ep.value}) not loaded: {exc}", err=True)
    return reg


_REGISTRY: Registry | None = None


def registry() -> Registry:
    """The registry, loaded once per process on first use (so a plain ``elc status`` never pays for it)."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = load_registry()
    return _REGISTRY


def reset() -> None:
    """Forget the loaded registry (tests that register a format call this before and after)."""
    global _REGISTRY
    _REGISTRY = None


def check_suffix(fmt: Exporter | Importer, path: str) -> None:
    from elc.errors import ElcError

    if fmt.suffixes and Path(path).suffix.lower() not in fmt.suffixes:
        raise ElcError(f"{path}: a {fmt.name} file must end in {' or '.join(fmt.suffixes)}")
