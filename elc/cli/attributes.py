"""Participant attributes and programme fields: ``elc attributes``, ``elc programme``."""

from __future__ import annotations

import json

import click

from elc.cli._app import main, open_or_fail, project_argument
from elc.errors import ElcError


@main.command("attributes")
@project_argument
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Import attributes from a CSV with a "
              "'participant' column and attribute columns (all rows or none).")
@click.option("--set", "assignments", nargs=2, multiple=True, metavar="PARTICIPANT KEY=VALUE",
              help="Set one attribute of one participant (empty value clears it); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the attributes as JSON.")
def attributes(project, csv_path, assignments, as_json):
    """Participant attributes for equality breakdowns: area, age_band, sex, ethnicity, disability, service.

    \b
    elc attributes nepts.elc                          # list them
    elc attributes nepts.elc --csv attributes.csv
    elc attributes nepts.elc --set P07 area=Melton --set P07 service=dialysis
    elc matrix nepts.elc --by area                    # then break the evidence down
    """
    from elc.store.attributes import ATTRIBUTES, import_attributes_csv, participant_attributes, set_attributes

    p = open_or_fail(project)
    if csv_path:
        n = import_attributes_csv(p, csv_path)
        click.echo(f"set attributes of {n} participant(s) from {csv_path}")
    for pid, pair in assignments:
        if "=" not in pair:
            raise ElcError(f"--set {pid} {pair}: expected KEY=VALUE, e.g. area=Melton")
        key, value = pair.split("=", 1)
        got = set_attributes(p, pid, {key: value})
        click.echo(f"{pid}: " + ", ".join(f"{k}={v if v is not None else '(cleared)'}" for k, v in got.items()))
    if csv_path or assignments:
        return
    df = participant_attributes(p)
    if as_json:
        click.echo(json.dumps(df.to_dict("records"), indent=2))
        return
    click.echo(f"{'participant':<12}{'community':<16}" + "".join(f"{a:<16}" for a in ATTRIBUTES))
    for r in df.to_dict("records"):
        click.echo(f"{r['participant_id']:<12}{str(r['community'] or '-'):<16}"
                   + "".join(f"{str(r[a] or '-')[:15]:<16}" for a in ATTRIBUTES))


@main.command("programme")
@project_argument
@click.option("--options-considered", help="The options the programme considered (for the specification's appendix).")
@click.option("--council-priorities", help="How the proposal fits the council's priorities (for the appendix).")
def programme(project, options_considered, council_priorities):
    """Programme fields the committee asks about; without options, print them."""
    from elc.insights.programme_fields import FIELDS, programme_fields, set_programme_fields

    p = open_or_fail(project)
    if options_considered is not None or council_priorities is not None:
        set_programme_fields(p, options_considered=options_considered, council_priorities=council_priorities)
    got = programme_fields(p)
    for key, label in FIELDS.items():
        click.echo(f"{label}: {got.get(key) or '[not recorded]'}")
