"""The click group and the shared error handling and options."""

from __future__ import annotations

import sys

import click

from elc.errors import ElcError


def _exit_cleanly_on_sigterm() -> None:
    """``kill`` (SIGTERM) unwinds like Ctrl-C: open transactions roll back and half-written
    outputs' temporary files are removed (elc.atomic), instead of the process vanishing."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum, frame):
    raise KeyboardInterrupt


class ElcGroup(click.Group):
    """Turns ElcError into one line on stderr and a non-zero exit; tracebacks only for bugs.

    ``lazy_commands`` are callables returning more commands by name (the import formats), called
    only when a name is not found or the commands are listed, so plain verbs never pay for them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: list = []

    def _load_lazy(self) -> None:
        while self.lazy_commands:
            for name, command in self.lazy_commands.pop(0)().items():
                self.commands.setdefault(name, command)

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands:
            self._load_lazy()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        self._load_lazy()
        return super().list_commands(ctx)

    def invoke(self, ctx):
        _exit_cleanly_on_sigterm()
        try:
            return super().invoke(ctx)
        except ElcError as exc:
            click.echo(f"elc: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("elc: interrupted (everything committed so far is saved)", err=True)
            sys.exit(130)


@click.group(cls=ElcGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="elc")
def main():
    """elc: Experience-Led Commissioning research for the NHS.

    Code telephone interviews against touchpoints, find themes by stakeholder group, and trace
    every high-impact change to the evidence behind it. Projects are single SQLite files.
    """


project_argument = click.argument("project", type=click.Path(dir_okay=False))


def open_or_fail(path: str):
    """Open a project for this command; it is closed (WAL checkpointed) when the command ends."""
    from elc import open_project

    project = open_project(path)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(project.close)
    return project


class VerbGroup(click.Group):
    """Subcommands (``elc changes add PROJECT ...``) that still accept, for one release, the old
    single-verb form (``elc changes PROJECT --add ...``): arguments that do not start with a
    subcommand go to the hidden ``legacy`` command, which prints one ``deprecated:`` line."""

    legacy = "legacy"

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.legacy, *args]
        return super().parse_args(ctx, args)


def deprecated(new: str) -> None:
    """The one line an old command form prints before it runs as the new one."""
    click.echo(f"deprecated: use {new}", err=True)
