"""Exchange verbs generated from the format registry (:mod:`elc.cli.formats`): ``elc export``
takes one ``--FORMAT PATH`` option per export format (and that format's own options, prefixed
``--FORMAT-``), and each import format is an ``elc import-FORMAT FILE PROJECT`` verb."""

from __future__ import annotations

from typing import Any

import click

from elc.atomic import atomic_dir, atomic_path
from elc.cli import formats
from elc.cli._app import main, open_or_fail, project_argument
from elc.errors import ElcError


class FormatCommand(click.Command):
    """A command whose options come from the format registry, loaded on first use (parse or help)."""

    def __init__(self, *args, format_params, **kwargs):
        super().__init__(*args, **kwargs)
        self._make = format_params
        self._format_params = format_params
        self._own = list(self.params)

    def reset(self) -> None:
        """Back to the command's own parameters; the formats' are read again on next use."""
        self.params = list(self._own)
        self._format_params = self._make

    def get_params(self, ctx):
        if self._format_params is not None:
            self.params = [*self.params, *self._format_params()]
            self._format_params = None
        return super().get_params(ctx)


def _export_params() -> list[click.Parameter]:
    params: list[click.Parameter] = []
    for fmt in formats.registry().exporters.values():
        kind = click.Path(file_okay=False) if fmt.writes_folder else click.Path(dir_okay=False)
        metavar = "DIR" if fmt.writes_folder else "FILE" + "|".join(fmt.suffixes)
        params.append(click.Option([f"--{fmt.name}", f"format_{fmt.name}"], type=kind, metavar=metavar, help=fmt.help))
        params += [opt.to_click(prefix=f"{fmt.name}-") for opt in fmt.options]
    return params


@main.command("export", cls=FormatCommand, format_params=_export_params)
@project_argument
def export(project, **chosen):
    """Export PROJECT's stored (de-identified) text, codes and codings, in at least one format."""
    exporters = formats.registry().exporters
    wanted = [(exporters[k.removeprefix("format_")], path) for k, path in chosen.items()
              if k.startswith("format_") and path]
    if not wanted:
        raise click.UsageError("say what to export: " + ", ".join(
            f"--{f.name} {'DIR' if f.writes_folder else 'FILE'}" for f in exporters.values()))
    for fmt, path in wanted:
        formats.check_suffix(fmt, path)
    p = open_or_fail(project)
    for fmt, path in wanted:
        options = {o.name: chosen.get(f"{fmt.name}_{o.name}".replace("-", "_")) for o in fmt.options}
        click.echo(f"wrote {path} ({_write(fmt, p, path, options)})")


def _write(fmt: formats.Exporter, p, path: str, options: dict[str, Any]) -> str:
    """Whole or not at all: a new file or folder appears complete or not at all; a full disk is one line."""
    try:
        with (atomic_dir(path) if fmt.writes_folder else atomic_path(path)) as tmp:
            return fmt.write(p, tmp, options)
    except OSError as exc:
        raise ElcError(f"could not write the export ({exc.strerror or exc}: {exc.filename or path})") from None


def _import_command(fmt: formats.Importer) -> click.Command:
    def run(file, project, **options):
        target = project if fmt.creates else open_or_fail(project)
        res = fmt.read(file, target, options)
        click.echo(res.summary)
        for note in res.notes:
            click.echo(f"note: {note}", err=True)

    params: list[click.Parameter] = [click.Argument(["file"], type=click.Path(dir_okay=False)),
                                     click.Argument(["project"], type=click.Path(dir_okay=False))]
    params += [opt.to_click() for opt in fmt.options]
    command = click.Command(f"import-{fmt.name}", callback=run, params=params, help=fmt.help)
    command.elc_format = fmt  # type: ignore[attr-defined]
    return command


def import_commands() -> dict[str, click.Command]:
    """``import-FORMAT`` for every registered import format."""
    return {f"import-{name}": _import_command(fmt) for name, fmt in formats.registry().importers.items()}


main.lazy_commands.append(import_commands)


def reload_formats() -> None:
    """Forget the loaded formats; the next use reads the built-ins and the entry points again."""
    formats.reset()
    assert isinstance(export, FormatCommand)
    export.reset()
    for name in [n for n, c in main.commands.items() if getattr(c, "elc_format", None)]:
        del main.commands[name]
    main.lazy_commands[:] = [import_commands]
