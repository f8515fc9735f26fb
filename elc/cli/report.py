"""Insight and output verbs: matrix, changes, report (workbook / HTML), spec."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from elc.atomic import atomic_dir, atomic_path
from elc.cli._app import main, open_or_fail, project_argument
from elc.errors import ElcError


# ---------------------------------------------------------------------------- matrix
@main.command("matrix")
@project_argument
@click.option("--themes", "themes", is_flag=True, help="Theme codes x community instead of touchpoints.")
@click.option("--coder", help="Only this coder's codings.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON (one record per cell).")
def matrix(project, themes, coder, as_json):
    """The touchpoint x community insight matrix: participants who said working well / to improve."""
    from elc.insights.matrix import insight_matrix

    p = open_or_fail(project)
    m = insight_matrix(p, kind=("theme", "category") if themes else "touchpoint", coder=coder)
    if as_json:
        click.echo(json.dumps(json.loads(m.to_json(orient="records")), indent=2))
        return
    comms = list(dict.fromkeys(m.community)) if len(m) else []
    click.echo("cells: balance  ↑working well ↓to improve (participants; of n interviewed in the column header)")
    inter = {r.community: r.interviewed for r in m.itertuples()}
    click.echo(f"{'':<42}" + "".join(f"{(k[:11] + ' n=' + str(inter.get(k, 0))):>20}" for k in comms))
    for tp, g in (m.groupby("touchpoint", sort=False) if len(m) else []):
        cells = []
        for r in g.itertuples():
            if not r.asked and not r.raised:
                cells.append(f"{'·':>20}")
                continue
            b = "  -  " if r.balance is None or r.balance != r.balance else f"{r.balance:+.2f}"
            cells.append(f"{b + f' ↑{r.working_well} ↓{r.to_improve}':>20}")
        click.echo(f"{tp[:41]:<42}" + "".join(cells))


# ---------------------------------------------------------------------------- changes
def _print_evidence(ev: dict, verbose: bool = True) -> None:
    from elc.insights.evidence import evidence_sentence, strength_label

    click.echo(f"[{ev['id']}] {ev['title']}  ({strength_label(ev)})")
    if ev["owner"]:
        click.echo(f"    owner: {ev['owner']}")
    click.echo(f"    evidence: {evidence_sentence(ev)}")
    if ev["participants"]:
        st = ev["stance"]
        click.echo(f"    stance: {st['to-improve']} to improve, {st['working-well']} working well, {st['mixed']} mixed")
    click.echo(f"    codes: {', '.join(ev['codes']) or '-'}" + (f"; themes: {', '.join(ev['themes'])}" if ev["themes"] else ""))
    if verbose and ev["touchpoints"]:
        click.echo("    touchpoints: " + ", ".join(f"{t['touchpoint']} ({t['participants']})" for t in ev["touchpoints"]))
    for f in ev["flags"]:
        click.echo(f"    ! {f['message']}")
    if verbose:
        for q in ev["quotes"]:
            click.echo(f"    “{q['text']}” ({q['participant']}, {q['community']})")


@main.command("changes")
@project_argument
@click.option("--json", "as_json", is_flag=True, help="Print every change with its evidence as JSON.")
@click.option("--add", "add_title", metavar="TITLE", help="Add a high-impact change with this title.")
@click.option("--link", "link_to", metavar="CHANGE", help="Link codes/themes to this change (id or title).")
@click.option("--unlink", "unlink_from", metavar="CHANGE", help="Remove links from this change (id or title).")
@click.option("--edit", "edit", metavar="CHANGE", help="Edit this change's rationale, owner, measures or title.")
@click.option("--remove", "remove", metavar="CHANGE", help="Delete this change and its links.")
@click.option("--load", "load", type=click.Path(dir_okay=False), help="Load changes from a YAML file.")
@click.option("--code", "codes", multiple=True, metavar="NAME", help="A code (touchpoint or theme) to link; repeatable.")
@click.option("--theme", "themes", multiple=True, metavar="LABEL", help="A theme-run label to link; repeatable.")
@click.option("--title", help="With --edit: the new title.")
@click.option("--rationale", help="Why this change (with --add or --edit).")
@click.option("--owner", help="Who leads it (with --add or --edit).")
@click.option("--measure", "measures", multiple=True, metavar="TEXT", help="A success measure; repeatable.")
@click.option("--requirement", "requirements", multiple=True, metavar="TEXT",
              help="A shall-statement for the specification; repeatable.")
@click.option("--brief", is_flag=True, help="One block per change without quotes.")
def changes(project, as_json, add_title, link_to, unlink_from, edit, remove, load, codes, themes, title, rationale,
            owner, measures, requirements, brief):
    """List high-impact changes with their evidence, or add, link, edit and load them.

    \b
    elc changes nepts.elc                       # each change, its evidence, strength and flags
    elc changes nepts.elc --json
    elc changes nepts.elc --add "Avoid early morning pick-ups" --code "Early morning pick-ups"
    elc changes nepts.elc --link 3 --code "Journey home" --theme "waiting in the lounge"
    elc changes nepts.elc --load corpora/llr-nepts/changes.yaml
    """
    from elc.insights import changes as ch
    from elc.insights.evidence import all_evidence, change_evidence

    actions = [a for a in (add_title, link_to, unlink_from, edit, remove, load) if a]
    if len(actions) > 1:
        raise ElcError("use one of --add, --link, --unlink, --edit, --remove or --load at a time")
    p = open_or_fail(project)
    touched = None
    if add_title:
        touched = ch.add_change(p, add_title, rationale or "", owner or "", measures, codes, themes, requirements)
        click.echo(f"added change {touched}: {add_title}")
    elif link_to:
        n = ch.link_change(p, link_to, codes, themes)
        touched = ch.resolve_change(p, link_to)
        click.echo(f"linked {n} new code/theme(s) to change {touched}")
    elif unlink_from:
        n = ch.unlink_change(p, unlink_from, codes, themes)
        touched = ch.resolve_change(p, unlink_from)
        click.echo(f"removed {n} link(s) from change {touched}")
    elif edit:
        touched = ch.resolve_change(p, edit)
        ch.update_change(p, touched, title=title, rationale=rationale, owner=owner,
                         measures=list(measures) if measures else None,
                         requirements=list(requirements) if requirements else None)
        if codes or themes:
            ch.link_change(p, touched, codes, themes)
        click.echo(f"updated change {touched}")
    elif remove:
        cid = ch.resolve_change(p, remove)
        ch.remove_change(p, cid)
        click.echo(f"removed change {cid}")
        return
    elif load:
        ids = ch.load_changes_file(p, load)
        click.echo(f"loaded {len(ids)} change(s) from {load}")
    elif codes or themes or title or rationale or owner or measures or requirements:
        raise ElcError("--code, --theme, --rationale, --owner, --measure and --requirement go with --add, --link or --edit")
    if touched is not None:
        ev = change_evidence(p, touched)
        if as_json:
            click.echo(json.dumps(ev, indent=2))
        else:
            _print_evidence(ev)
        return
    evs = all_evidence(p)
    if as_json:
        click.echo(json.dumps(evs, indent=2))
        return
    if not evs:
        click.echo("no high-impact changes yet (add one: elc changes PROJECT --add TITLE --code NAME)")
        return
    for ev in evs:
        _print_evidence(ev, verbose=not brief)
        click.echo("")


# ---------------------------------------------------------------------------- report / spec
@main.command("report")
@project_argument
@click.option("--xlsx", type=click.Path(dir_okay=False), help="Write the workshop workbook (.xlsx) here.")
@click.option("--html", "html_dir", type=click.Path(file_okay=False), help="Write a self-contained HTML report into this folder.")
@click.option("--coder", help="Only this coder's codings.")
def report(project, xlsx, html_dir, coder):
    """The workshop pack: an Excel workbook and/or a self-contained HTML report.

    \b
    elc report nepts.elc --xlsx workshop.xlsx --html pack/
    """
    if not xlsx and not html_dir:
        raise ElcError("say where to write the pack: --xlsx FILE and/or --html DIR")
    from elc.export.data import collect

    p = open_or_fail(project)
    t0 = time.perf_counter()
    data = collect(p, coder=coder)
    if xlsx:
        from elc.export.workbook import SHEETS, write_workbook

        with atomic_path(xlsx) as tmp:  # whole or not at all; a full disk is one line
            write_workbook(p, tmp, data=data)
        path = xlsx
        click.echo(f"wrote {path} ({len(SHEETS)} sheets, {len(data.quotes)} quotes, {len(data.changes)} changes)")
    if html_dir:
        from elc.export.html import write_html

        with atomic_dir(html_dir) as tmp:
            name = write_html(p, tmp, data=data).name
        click.echo(f"wrote {Path(html_dir) / name}")
    click.echo(f"in {time.perf_counter() - t0:.1f} s")


@main.command("spec")
@project_argument
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The draft to write: FILE.md or FILE.docx.")
@click.option("--coder", help="Only this coder's codings.")
def spec(project, out, coder):
    """Draft a service specification whose requirements cite their evidence (.md or .docx)."""
    from elc.export.spec import write_spec

    p = open_or_fail(project)
    with atomic_path(out) as tmp:
        write_spec(p, tmp, coder=coder)
    click.echo(f"wrote {out}")
