"""Themes: ``elc themes run|list|rename|merge|split|discard|promote``. ``run`` fits themes per
community; the decisions are recorded and applied to the stored themes without refitting (and
re-applied after every later refit). The old one-verb form still works for one release."""

from __future__ import annotations

import click

from elc.atomic import atomic_path
from elc.cli._app import VerbGroup, deprecated, main, open_or_fail, project_argument
from elc.errors import ElcError


def _outputs(f):
    """--html, --csv and --json: where every themes verb can write or print the themes it ends with."""
    f = click.option("--json", "as_json", is_flag=True, help="Print the themes table as JSON.")(f)
    f = click.option("--csv", "csv_path", type=click.Path(dir_okay=False),
                     help="Write the themes table (theme x community).")(f)
    return click.option("--html", "html_path", type=click.Path(dir_okay=False),
                        help="Write the interactive themes report (opens offline).")(f)


def _decision(f):
    """--coder and --refit: who decides, and whether to refit instead of applying to the stored themes."""
    f = click.option("--refit", is_flag=True, help="Refit the model instead of applying to the stored themes.")(f)
    return click.option("--coder", default="elc", show_default=True, help="Who takes the decision.")(f)


_fit_options = [
    click.option("--unit", type=click.Choice(["auto", "segments", "coded"]), default="auto", show_default=True,
                 help="Model all participant sentences, or only coded passages (auto: coded passages once "
                      "200 or more are coded)."),
    click.option("--guided", is_flag=True, help="Seed themes with the interview guide's touchpoint keywords."),
    click.option("--nr-topics", type=int, help="Reduce to at most this many themes."),
]


def _fit_opts(f):
    for option in reversed(_fit_options):
        f = option(f)
    return f


@main.group("themes", cls=VerbGroup)
def themes():
    """Themes by stakeholder group (BERTopic on an offline embedding), with researcher decisions.

    \b
    elc themes run nepts.elc --html themes.html --csv themes.csv   # fit, re-apply decisions, store
    elc themes list nepts.elc                                      # the stored themes, no refit
    elc themes rename nepts.elc 3 "Waiting for the journey home"   # applies at once, no refit
    elc themes merge nepts.elc 4 7 --name "Getting home"
    elc themes promote nepts.elc 2 --name "Lounge waits"           # becomes a codebook code
    """


@themes.command("run")
@project_argument
@_fit_opts
@_outputs
def run(project, unit, guided, nr_topics, html_path, csv_path, as_json):
    """Fit themes on the participants' words, re-apply every stored decision, store the run and
    print the themes per community."""
    from elc.themes import service

    _quiet()
    _show(service.run_themes(open_or_fail(project), unit=unit, guided=guided, nr_topics=nr_topics),
          html_path, csv_path, as_json)


@themes.command("list")
@project_argument
@_outputs
def list_(project, html_path, csv_path, as_json):
    """The latest run's themes with every decision applied, without refitting."""
    p = open_or_fail(project)
    _require_run(p, project)
    _show(_decided(p, refit=False), html_path, csv_path, as_json)


@themes.command("rename")
@project_argument
@click.argument("theme_id", metavar="ID", type=int)
@click.argument("name")
@_decision
@_outputs
def rename(project, theme_id, name, coder, refit, **out):
    """Rename theme ID to NAME."""
    _decide(project, coder, refit, out, "rename", [theme_id], name)


@themes.command("merge")
@project_argument
@click.argument("theme_ids", metavar="ID ID...", nargs=-1, required=True, type=int)
@click.option("--name", help="Name of the merged theme.")
@_decision
@_outputs
def merge(project, theme_ids, name, coder, refit, **out):
    """Merge themes ID ID... into one."""
    _decide(project, coder, refit, out, "merge", list(theme_ids), name)


@themes.command("split")
@project_argument
@click.argument("theme_id", metavar="ID", type=int)
@click.argument("k", type=int)
@_decision
@_outputs
def split(project, theme_id, k, coder, refit, **out):
    """Split theme ID into K themes."""
    _decide(project, coder, refit, out, "split", [theme_id], k=k)


@themes.command("discard")
@project_argument
@click.argument("theme_id", metavar="ID", type=int)
@_decision
@_outputs
def discard(project, theme_id, coder, refit, **out):
    """Discard theme ID (its passages become unthemed)."""
    _decide(project, coder, refit, out, "discard", [theme_id])


@themes.command("promote")
@project_argument
@click.argument("theme_id", metavar="ID", type=int)
@click.option("--name", help="Name of the new code (default: the theme's label).")
@_decision
@_outputs
def promote(project, theme_id, name, coder, refit, **out):
    """Promote theme ID to a codebook code."""
    _decide(project, coder, refit, out, "promote", [theme_id], name)


def _quiet() -> None:
    import logging

    logging.getLogger("BERTopic").setLevel(logging.ERROR)  # its notices are for developers, not users


def _require_run(p, project: str) -> None:
    from elc.themes import service

    if service.latest_run(p) is None:
        raise ElcError(f"{project}: no themes yet; run 'elc themes run {project}' first")


def _record(p, coder: str, action: str, ids: list[int], name: str | None = None, k: int = 2) -> None:
    from elc.themes import service

    d = service.add_decision(p, coder, action, ids, name, k=k, apply=False)
    if action == "promote":
        click.echo(f"promoted theme {ids[0]} to code id {d['code_id']}")


def _decided(p, refit: bool, **fit):
    """The stored themes with every decision applied; a refit (with ``fit``) when asked or when
    none is stored."""
    from elc.themes import service

    _quiet()
    run = None if refit else service.latest_run(p)
    if run is not None and "fitted" in run["params"]:
        return service.apply_stored_decisions(p)
    return service.run_themes(p, **fit)


def _decide(project: str, coder: str, refit: bool, out: dict, action: str, ids: list[int],
            name: str | None = None, k: int = 2) -> None:
    p = open_or_fail(project)
    _record(p, coder, action, ids, name, k)
    _show(_decided(p, refit), **out)


def _show(result, html_path=None, csv_path=None, as_json=False) -> None:
    from elc.themes import themes_table, write_html_report

    table = themes_table(result)
    if csv_path:
        from elc.export.safety import safe_cell

        with atomic_path(csv_path) as tmp:  # whole or not at all
            table.map(safe_cell).to_csv(tmp, index=False, encoding="utf-8-sig")
    if html_path:
        with atomic_path(html_path) as tmp:
            write_html_report(result, tmp)
    if as_json:
        click.echo(table.to_json(orient="records", indent=2))
        return
    _print_themes(result, table)
    _print_distinctive(result)
    if html_path:
        click.echo(f"\nreport: {html_path}")


def _print_themes(result, table) -> None:
    from elc.themes.embedding import describe_embedder

    t = result.themes_
    t = t[t.theme_id >= 0]
    unit = "coded passages" if getattr(result, "unit_", "") == "coded" else "participant sentences"
    info = result.info_
    fine = info.get("fine_themes")
    click.echo(f"{len(t)} themes from {len(result.assignments_)} {unit} (method: {result.method_}, "
               f"embedder: {info.get('embedder')} = {describe_embedder(info.get('embedder'))}"
               + (f"; {fine} fine themes merged into these" if fine and fine > len(t) else "") + ")")
    for row in t.itertuples():
        sub = table[table.theme_id == row.theme_id]
        voices = ", ".join(f"{r.community} {r.participants}/{r.community_participants}"
                           + (" ★" if r.distinctive else "") for r in sub.itertuples() if r.participants)
        click.echo(f"\n[{row.theme_id}] {row.label}  ({row.size} segments, {row.participants} participants)")
        if list(row.phrases)[1:]:
            click.echo(f"    also: {'; '.join(list(row.phrases)[1:])}")
        click.echo(f"    participants: {voices}")
        tps = ", ".join(f"{k} ({v})" for k, v in list(row.touchpoints.items())[:5])
        click.echo(f"    touchpoints: {tps or 'none coded'}")
        if list(row.subthemes):
            click.echo(f"    sub-themes: {'; '.join(row.subthemes)}")
        for q in list(row.quotes)[:2]:
            click.echo(f"    \"{q}\"")


def _print_distinctive(result) -> None:
    distinct = result.distinctive_
    click.echo("\nWhat differs between communities (★: over-represented against the others, log-odds z >= 1.96):")
    for community in sorted(result.per_community_.community.unique(), key=str):
        rows = distinct[distinct.community == community]
        names = "; ".join(f"[{r.theme_id}] {r.label} (z {r.log_odds_z:+.1f})" for r in rows.itertuples())
        click.echo(f"  {community}: {names or 'no theme stands out'}")


# ---------------------------------------------------------------------------- the old form, for one release
@themes.command("legacy", hidden=True)
@project_argument
@_fit_opts
@_outputs
@click.option("--rename", nargs=2, type=(int, str))
@click.option("--merge", "merge_ids", multiple=True, type=int)
@click.option("--split", nargs=2, type=(int, int))
@click.option("--discard", type=int)
@click.option("--promote", type=int)
@click.option("--name")
@_decision
def legacy(project, unit, guided, nr_topics, html_path, csv_path, as_json, rename, merge_ids, split, discard,
           promote, name, coder, refit):
    """``elc themes PROJECT [--rename ID NAME] [--merge ID ...] ...``: the old form."""
    steps = [(action, ids, label, k) for action, ids, label, k, given in (
        ("rename", [rename[0]] if rename else [], rename[1] if rename else None, 2, bool(rename)),
        ("merge", list(merge_ids), name, 2, bool(merge_ids)),
        ("split", [split[0]] if split else [], None, split[1] if split else 2, bool(split)),
        ("discard", [discard], None, 2, discard is not None),
        ("promote", [promote], name, 2, promote is not None)) if given]
    out = {"html_path": html_path, "csv_path": csv_path, "as_json": as_json}
    p = open_or_fail(project)
    if not steps:
        deprecated(f"elc themes run {project}")
    else:
        deprecated(f"elc themes {steps[0][0]} {project} ...")
    for action, ids, label, k in steps:
        _record(p, coder, action, ids, label, k)
    _show(_decided(p, refit or not steps, unit=unit, guided=guided, nr_topics=nr_topics), **out)
