"""High-impact changes: ``elc changes list|add|link|unlink|edit|rm|load``, each a thin call into
:mod:`elc.insights.changes`. The old one-verb form (``elc changes PROJECT --add TITLE``) still
works for one release and says which subcommand replaces it."""

from __future__ import annotations

import json

import click

from elc.cli._app import VerbGroup, deprecated, main, open_or_fail, project_argument
from elc.cli.report import _print_breakdown, _print_coverage
from elc.errors import ElcError

change_argument = click.argument("change", metavar="CHANGE")
_json = click.option("--json", "as_json", is_flag=True, help="Print the change with its evidence as JSON.")
_codes = click.option("--code", "codes", multiple=True, metavar="NAME",
                      help="A code (touchpoint or theme) to link; repeatable.")
_themes = click.option("--theme", "themes", multiple=True, metavar="LABEL", help="A theme-run label to link; repeatable.")
_rationale = click.option("--rationale", help="Why this change.")
_owner = click.option("--owner", help="Who leads it.")
_measures = click.option("--measure", "measures", multiple=True, metavar="TEXT", help="A success measure; repeatable.")
_requirements = click.option("--requirement", "requirements", multiple=True, metavar="TEXT",
                             help="A shall-statement for the specification; repeatable.")
_by = click.option("--by", metavar="ATTRIBUTE", help="Each change's evidence broken down by a participant attribute "
                   "(area, age_band, sex, ethnicity, disability, service), small counts suppressed.")


def _print_evidence(ev: dict, verbose: bool = True) -> None:
    from elc.insights.evidence import evidence_sentence, n_of_n, sides_sentence, strength_label

    click.echo(f"[{ev['id']}] {ev['title']}  ({strength_label(ev)})")
    if ev["owner"]:
        click.echo(f"    owner: {ev['owner']}")
    if verbose and ev["rationale"]:
        label = "why (from the evidence)" if ev["rationale_basis"] == "evidence" else "why (programme team's judgement)"
        click.echo(f"    {label}: {' '.join(ev['rationale'].split())}")
    click.echo(f"    evidence: {evidence_sentence(ev)}")
    if ev["participants"]:
        click.echo(f"    both sides (participants): {sides_sentence(ev)}")
        for b in ev["by_community"]:
            if b["asked"] and b["of"]:
                click.echo(f"      {b['name']}: {n_of_n(b)} (↓{b['to_improve']} to improve, ↑{b['working_well']} "
                           f"working well, {b['both']} both)")
    click.echo(f"    codes: {', '.join(ev['codes']) or '-'}" + (f"; themes: {', '.join(ev['themes'])}" if ev["themes"] else ""))
    if verbose and ev["touchpoints"]:
        click.echo("    touchpoints: " + ", ".join(f"{t['touchpoint']} ({t['participants']})" for t in ev["touchpoints"]))
    for f in ev["flags"]:
        click.echo(f"    ! {f['message']}")
    if verbose:
        for q in ev["quotes"]:
            notes = []
            if q.get("also_for"):
                notes.append("also quoted for change " + ", ".join(str(x) for x in q["also_for"]))
            if q.get("unreviewed"):
                notes.append("contains unreviewed de-identification")
            click.echo(f"    “{q['text']}” ({q['participant']}, {q['community']}; {q['valence']})"
                       + (f" [{'; '.join(notes)}]" if notes else ""))


def _show(p, cid: int, as_json: bool) -> None:
    from elc.insights.evidence import change_evidence

    ev = change_evidence(p, cid)
    if as_json:
        click.echo(json.dumps(ev, indent=2))
    else:
        _print_evidence(ev)


@main.group("changes", cls=VerbGroup)
def changes():
    """High-impact changes with their evidence: list, add, link, unlink, edit, rm, load.

    \b
    elc changes list nepts.elc                  # each change, its evidence, strength and flags
    elc changes list nepts.elc --json
    elc changes add nepts.elc "Avoid early morning pick-ups" --code "Early morning pick-ups"
    elc changes link nepts.elc 3 --code "Journey home" --theme "waiting in the lounge"
    elc changes load nepts.elc corpora/llr-nepts/changes.yaml
    """


@changes.command("list")
@project_argument
@click.option("--json", "as_json", is_flag=True, help="Print every change with its evidence as JSON.")
@click.option("--brief", is_flag=True, help="One block per change without quotes.")
@_by
def list_(project, as_json, brief, by):
    """Every change with its evidence, strength and flags."""
    _list(open_or_fail(project), as_json, brief, by)


def _list(p, as_json: bool, brief: bool, by: str | None) -> None:
    from elc.insights.evidence import all_evidence

    if by:
        from elc.insights.breakdown import changes_by

        _print_breakdown(changes_by(p, by), as_json)
        return
    evs = all_evidence(p)
    if as_json:
        click.echo(json.dumps(evs, indent=2))
        return
    if not evs:
        click.echo("no high-impact changes yet (add one: elc changes add PROJECT TITLE --code NAME)")
        return
    for ev in evs:
        _print_evidence(ev, verbose=not brief)
        click.echo("")
    _print_coverage(p)


@changes.command("add")
@project_argument
@click.argument("title")
@_codes
@_themes
@_rationale
@_owner
@_measures
@_requirements
@_json
def add(project, title, codes, themes, rationale, owner, measures, requirements, as_json):
    """Add a change titled TITLE at the end of the list, linked to --code and --theme."""
    from elc.insights import changes as ch

    p = open_or_fail(project)
    cid = ch.add_change(p, title, rationale or "", owner or "", measures, codes, themes, requirements)
    click.echo(f"added change {cid}: {title}")
    _show(p, cid, as_json)


@changes.command("link")
@project_argument
@change_argument
@_codes
@_themes
@_json
def link(project, change, codes, themes, as_json):
    """Link codes and themes to CHANGE (an id, a title or a unique prefix of one)."""
    _relink(project, change, codes, themes, as_json, unlink=False)


@changes.command("unlink")
@project_argument
@change_argument
@_codes
@_themes
@_json
def unlink(project, change, codes, themes, as_json):
    """Remove links to codes and themes from CHANGE."""
    _relink(project, change, codes, themes, as_json, unlink=True)


def _relink(project, change, codes, themes, as_json, unlink: bool) -> None:
    from elc.insights import changes as ch

    if not codes and not themes:
        raise ElcError(f"say what to {'unlink' if unlink else 'link'}: --code NAME and/or --theme LABEL")
    p = open_or_fail(project)
    n = (ch.unlink_change if unlink else ch.link_change)(p, change, codes, themes)
    cid = ch.resolve_change(p, change)
    click.echo(f"removed {n} link(s) from change {cid}" if unlink else f"linked {n} new code/theme(s) to change {cid}")
    _show(p, cid, as_json)


@changes.command("edit")
@project_argument
@change_argument
@click.option("--title", help="The new title.")
@_rationale
@_owner
@_measures
@_requirements
@_codes
@_themes
@_json
def edit(project, change, title, rationale, owner, measures, requirements, codes, themes, as_json):
    """Edit CHANGE's title, rationale, owner, measures or requirements (given measures and
    requirements replace the old ones); --code and --theme add links."""
    from elc.insights import changes as ch

    p = open_or_fail(project)
    cid = ch.resolve_change(p, change)
    ch.update_change(p, cid, title=title, rationale=rationale, owner=owner,
                     measures=list(measures) if measures else None,
                     requirements=list(requirements) if requirements else None)
    if codes or themes:
        ch.link_change(p, cid, codes, themes)
    click.echo(f"updated change {cid}")
    _show(p, cid, as_json)


@changes.command("rm")
@project_argument
@change_argument
def rm(project, change):
    """Delete CHANGE and its links."""
    from elc.insights import changes as ch

    p = open_or_fail(project)
    cid = ch.resolve_change(p, change)
    ch.remove_change(p, cid)
    click.echo(f"removed change {cid}")


@changes.command("load")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False))
def load(project, file):
    """Load changes from a YAML FILE: matched by title and updated, new ones appended; all or none."""
    from elc.insights import changes as ch

    ids = ch.load_changes_file(open_or_fail(project), file)
    click.echo(f"loaded {len(ids)} change(s) from {file}")


# ---------------------------------------------------------------------------- the old form, for one release
_MODES = {"add_title": "add", "link_to": "link", "unlink_from": "unlink", "edit": "edit", "remove": "rm", "load": "load"}
_FIELD_OPTIONS = ("codes", "themes", "title", "rationale", "owner", "measures", "requirements")


@changes.command("legacy", hidden=True)
@project_argument
@click.option("--json", "as_json", is_flag=True)
@click.option("--add", "add_title")
@click.option("--link", "link_to")
@click.option("--unlink", "unlink_from")
@click.option("--edit", "edit")
@click.option("--remove", "remove")
@click.option("--load", "load", type=click.Path(dir_okay=False))
@_codes
@_themes
@click.option("--title")
@_rationale
@_owner
@_measures
@_requirements
@click.option("--brief", is_flag=True)
@_by
@click.pass_context
def legacy(ctx, project, as_json, brief, by, **kw):
    """``elc changes PROJECT [--add|--link|--unlink|--edit|--remove|--load X]``: the old form."""
    modes = [(opt, value) for opt, value in kw.items() if opt in _MODES and value]
    if len(modes) > 1:
        raise ElcError("use one of --add, --link, --unlink, --edit, --remove or --load at a time")
    fields = {k: kw[k] for k in _FIELD_OPTIONS}
    if not modes:
        if any(fields.values()):
            raise ElcError("--code, --theme, --rationale, --owner, --measure and --requirement go with --add, --link "
                           "or --edit")
        deprecated(f"elc changes list {project}")
        return ctx.invoke(list_, project=project, as_json=as_json, brief=brief, by=by)
    opt, value = modes[0]
    verb = _MODES[opt]
    deprecated(f"elc changes {verb} {project} {value!r} ...")
    cmd = changes.commands[verb]
    args = {**fields, "project": project, {"add": "title", "load": "file"}.get(verb, "change"): value,
            "as_json": as_json}
    return ctx.invoke(cmd, **{k: v for k, v in args.items() if k in {p.name for p in cmd.params}})
