"""``elc merge``: offline team coding, the coders' copies merged into one project."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from elc.cli._app import main, project_argument
from elc.errors import ElcError


@main.command("merge")
@project_argument
@click.argument("copies", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--rename", "renames", multiple=True, metavar="PATH=NAME",
              help="Give a code of the copies another name in PROJECT (for a clash); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the merge report as JSON.")
def merge(project, copies, renames, as_json):
    """Merge coders' COPIES of the programme into PROJECT, in one transaction.

    Sources are matched by their text, codes by path (Parent/Child); codings, memos and theme
    decisions are added per coder; nothing in PROJECT is overwritten.

      elc merge team.elc alice.elc bob.elc
      elc merge team.elc bob.elc --rename "Access=Access (transport)"
    """
    from elc.store.merge import merge_projects

    rename = {}
    for item in renames:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ElcError(f"--rename '{item}': expected PATH=NEW NAME")
        rename[old.strip()] = new.strip()
    report = merge_projects(project, list(copies), rename)
    if as_json:
        click.echo(json.dumps({**asdict(report), "ok": report.ok}, indent=2))
        return
    click.echo(f"merged {len(copies)} cop{'y' if len(copies) == 1 else 'ies'} into {project}: "
               f"{report.codings_added} codings added"
               + (f" ({', '.join(f'{c} {n}' for c, n in sorted(report.per_coder.items()))})" if report.per_coder else "")
               + f", {report.codings_duplicate} already there, {len(report.codes_added)} codes added, "
               f"{report.decisions_added} theme decisions added")
    click.echo(f"sources matched: {report.sources_matched}; codes matched: {report.codes_matched}")
    for line in report.sources_missing:
        click.echo(f"not merged (source not in {project}; import it there first): {line}", err=True)
    for line in report.code_conflicts:
        click.echo(f"conflict: {line}", err=True)
    for line in report.conflicts:
        click.echo(f"conflict: {line}", err=True)
    if report.codings_skipped:
        click.echo(f"not merged: {report.codings_skipped} codings on sources or codes above", err=True)
