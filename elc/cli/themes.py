"""Themes verb: find themes per community, and record the researcher's decisions about them."""

from __future__ import annotations


import click

from elc.atomic import atomic_path
from elc.cli._app import main, open_or_fail, project_argument


@main.command("themes")
@project_argument
@click.option("--unit", type=click.Choice(["auto", "segments", "coded"]), default="auto", show_default=True,
              help="Model all participant sentences, or only coded passages (auto: coded passages once "
                   "200 or more are coded).")
@click.option("--guided", is_flag=True, help="Seed themes with the interview guide's touchpoint keywords.")
@click.option("--nr-topics", type=int, help="Reduce to at most this many themes.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Write the interactive themes report (opens offline).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write the themes table (theme x community).")
@click.option("--json", "as_json", is_flag=True, help="Print the themes table as JSON.")
@click.option("--rename", nargs=2, type=(int, str), help="Rename theme ID to NAME (latest run).")
@click.option("--merge", "merge_ids", multiple=True, type=int, help="Merge these theme ids (repeat the option).")
@click.option("--split", nargs=2, type=(int, int), help="Split theme ID into K themes.")
@click.option("--discard", type=int, help="Discard theme ID.")
@click.option("--promote", type=int, help="Promote theme ID to a codebook code.")
@click.option("--name", help="Name for --merge or --promote.")
@click.option("--coder", default="elc", show_default=True, help="Who takes the decision.")
@click.option("--refit", is_flag=True, help="Refit the model even when only recording a decision.")
def themes(project, unit, guided, nr_topics, html_path, csv_path, as_json, rename, merge_ids, split, discard,
           promote, name, coder, refit):
    """Themes by stakeholder group (BERTopic on an offline embedding), with researcher decisions.

    Without a decision option, fits themes on the project's participant segments, re-applies
    every stored decision, stores the run and prints themes per community. A decision option
    records the decision and applies it to the stored themes without refitting (it is
    re-applied after every later refit).
    """
    import logging

    from elc.themes import service, write_html_report

    logging.getLogger("BERTopic").setLevel(logging.ERROR)  # its notices are for developers, not users
    p = open_or_fail(project)
    if rename:
        service.add_decision(p, coder, "rename", [rename[0]], rename[1], apply=False)
    if merge_ids:
        service.add_decision(p, coder, "merge", list(merge_ids), name, apply=False)
    if split:
        service.add_decision(p, coder, "split", [split[0]], k=split[1], apply=False)
    if discard is not None:
        service.add_decision(p, coder, "discard", [discard], apply=False)
    if promote is not None:
        d = service.add_decision(p, coder, "promote", [promote], name, apply=False)
        click.echo(f"promoted theme {promote} to code id {d['code_id']}")
    decided = bool(rename or merge_ids or split or discard is not None or promote is not None)
    run = service.latest_run(p) if decided and not refit else None
    if run is not None and "fitted" in run["params"]:
        result = service.apply_stored_decisions(p)  # the stored themes, no refit
    else:
        result = service.run_themes(p, unit=unit, guided=guided, nr_topics=nr_topics)
    from elc.themes import themes_table

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
    t = result.themes_
    t = t[t.theme_id >= 0]
    unit = "coded passages" if getattr(result, "unit_", "") == "coded" else "participant sentences"
    info = result.info_
    fine = info.get("fine_themes")
    click.echo(f"{len(t)} themes from {len(result.assignments_)} {unit} (method: {result.method_}, "
               f"embedder: {info.get('embedder')}"
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
    distinct = result.distinctive_
    click.echo("\nWhat differs between communities (★: over-represented against the others, log-odds z >= 1.96):")
    for community in sorted(result.per_community_.community.unique(), key=str):
        rows = distinct[distinct.community == community]
        names = "; ".join(f"[{r.theme_id}] {r.label} (z {r.log_odds_z:+.1f})" for r in rows.itertuples())
        click.echo(f"  {community}: {names or 'no theme stands out'}")
    if html_path:
        click.echo(f"\nreport: {html_path}")
