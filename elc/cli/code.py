"""The coding verb: ``elc code PROJECT [--coder NAME]`` opens the Textual coding workbench."""

from __future__ import annotations

import click

from elc.cli._app import main, project_argument


@main.command("code")
@project_argument
@click.option("--coder", envvar="ELC_CODER", help="Your coder name (default: $ELC_CODER or your login name). "
              "You see only your own codings unless you press o.")
@click.option("--source", type=int, help="Open this source id first.")
@click.option("--others", "show_others", is_flag=True, help="Start with other coders' codings shown.")
@click.option("--light", is_flag=True, help="Start in the light theme (t toggles).")
@click.option("--live-suggestions/--no-live-suggestions", "live", default=True, show_default=True,
              help="Refit code suggestions in the background every few codings (scikit-learn).")
def code(project, coder, source, show_others, light, live):
    """Code PROJECT's transcripts in the keyboard-first terminal workbench (press ? for keys)."""
    from elc.tui.app import run_app

    run_app(project, coder, live_suggestions=live, show_others=show_others, source=source,
            theme="textual-light" if light else None)
