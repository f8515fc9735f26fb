"""KPI and requirement verbs: the specification's measures as editable records, the provider's
monthly returns, and who is responsible for each requirement."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from elc.cli._app import main, open_or_fail, project_argument

_FIELDS = [
    ("measure", str, "The measure."),
    ("unit", str, "%, minutes, per 1,000 journeys ..."),
    ("better", click.Choice(["higher", "lower"]), "Which way is better."),
    ("baseline", float, "Baseline value."),
    ("baseline_source", str, "Where the baseline comes from."),
    ("baseline_date", str, "When the baseline was measured (YYYY-MM-DD or YYYY-MM)."),
    ("threshold", float, "The threshold the provider must meet."),
    ("data_source", str, "Where the monthly figure comes from."),
    ("frequency", str, "monthly, quarterly ..."),
    ("owner", str, "Who reports it."),
]


def _field_options(f, skip=()):
    for name, kind, help_ in reversed(_FIELDS):
        if name not in skip:
            f = click.option(f"--{name.replace('_', '-')}", name, type=kind, help=help_)(f)
    return f


def _fields_but_measure(f):
    return _field_options(f, skip=("measure",))


def _values(kw: dict) -> dict:
    return {k: v for k, v in kw.items() if k in dict((n, 1) for n, _, _ in _FIELDS) and v is not None}


@main.group("kpi")
def kpi():
    """KPIs: list (missing fields flagged), set fields, add, remove, import monthly returns.

    \b
    elc kpi list nepts.elc
    elc kpi set nepts.elc 4 --baseline 38 --baseline-source "provider data" --baseline-date 2025-12 --by alice
    elc kpi returns nepts.elc returns-april.xlsx --by alice
    """


@kpi.command("list")
@project_argument
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_(project, as_json):
    """Every KPI with its fields; missing ones flagged."""
    from elc.store.kpis import kpis

    ks = kpis(open_or_fail(project))
    if as_json:
        click.echo(json.dumps([asdict(k) | {"missing": k.missing} for k in ks], indent=2))
        return
    if not ks:
        click.echo("No KPIs yet (add one with 'elc kpi add', or give changes measures).")
    for k in ks:
        head = f"{k.id}. {k.measure}" + (f"  (change {k.change_id})" if k.change_id is not None else "  (programme)")
        click.echo(head)
        filled = [f"{n}={getattr(k, n)}" for n, _, _ in _FIELDS[1:] if getattr(k, n) not in (None, "")]
        if filled:
            click.echo("   " + "; ".join(filled))
        if k.missing:
            click.echo("   missing: " + ", ".join(k.missing))


@kpi.command("set")
@project_argument
@click.argument("kpi_id", type=int)
@_field_options
@click.option("--change", "change_id", type=int, help="Link it to this change id.")
@click.option("--by", required=True, metavar="NAME", help="Who sets it (recorded).")
def set_(project, kpi_id, change_id, by, **kw):
    """Set fields of KPI_ID."""
    from elc.errors import ElcError
    from elc.store.kpis import update_kpi

    values = _values(kw)
    if change_id is not None:
        values["change_id"] = change_id
    if not values:
        raise ElcError("nothing to set (see 'elc kpi set --help')")
    k = update_kpi(open_or_fail(project), kpi_id, by=by, **values)
    click.echo(f"KPI {k.id}: set {', '.join(sorted(values))}" + (f"; still missing: {', '.join(k.missing)}"
                                                                  if k.missing else "; complete"))


@kpi.command("add")
@project_argument
@click.argument("measure")
@_fields_but_measure
@click.option("--change", "change_id", type=int, help="The change it measures (none: programme-wide).")
@click.option("--by", required=True, metavar="NAME")
def add(project, measure, change_id, by, **kw):
    """Add a KPI measuring MEASURE."""
    from elc.store.kpis import add_kpi

    values = _values(kw)
    kid = add_kpi(open_or_fail(project), measure, change_id, by=by, **values)
    click.echo(f"added KPI {kid}: {measure}")


@kpi.command("rm")
@project_argument
@click.argument("kpi_id", type=int)
def rm(project, kpi_id):
    """Remove KPI_ID (refused while it has returns)."""
    from elc.store.kpis import remove_kpi

    remove_kpi(open_or_fail(project), kpi_id)
    click.echo(f"removed KPI {kpi_id}")


@kpi.command("returns")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--by", default="", metavar="NAME", help="Who imports it (recorded).")
def returns(project, file, by):
    """Import the provider's monthly returns FILE (CSV or XLSX: kpi, month, value), all or nothing."""
    from elc.exchange.kpi_returns import import_returns

    r = import_returns(open_or_fail(project), file, by)
    click.echo(f"imported {r.added + len(r.replaced)} return(s) from {r.file}: {r.added} new, "
               f"{len(r.replaced)} replaced")
    for kid, month in r.replaced:
        click.echo(f"replaced: KPI {kid} {month} (a corrected return)")
    if r.blank_rows:
        click.echo(f"skipped {r.blank_rows} blank row(s)")
    for line in r.dropped:
        click.echo(f"dropped: {line}")


@main.group("requirement")
def requirement():
    """Requirements (shall-statements) of each change and who is responsible for each."""


@requirement.command("list")
@project_argument
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def req_list(project, as_json):
    """Every requirement, by change, with its responsible party."""
    from elc.store.requirements import requirements_by_change

    by_change = requirements_by_change(open_or_fail(project))
    if as_json:
        click.echo(json.dumps([asdict(r) for rs in by_change.values() for r in rs], indent=2))
        return
    for cid, rs in by_change.items():
        click.echo(f"change {cid}")
        for r in rs:
            who = r.responsible + (f" ({r.responsible_detail})" if r.responsible_detail else "") or "responsible: not set"
            click.echo(f"  {r.id}. {r.text}  [{who}]")


@requirement.command("set")
@project_argument
@click.argument("requirement_id", type=int)
@click.option("--responsible", required=True, type=click.Choice(["provider", "trust", "commissioner", "partner"]))
@click.option("--detail", default="", help="e.g. 'hospital estates'.")
@click.option("--by", default="", metavar="NAME")
def req_set(project, requirement_id, responsible, detail, by):
    """Set who is responsible for REQUIREMENT_ID."""
    from elc.store.requirements import set_responsible

    r = set_responsible(open_or_fail(project), requirement_id, responsible, detail, by)
    click.echo(f"requirement {r.id}: {r.responsible}" + (f" ({r.responsible_detail})" if r.responsible_detail else ""))
