"""Exchange verbs: export (REFI-QDA project/codebook, CSV), import-qdpx, import-qdc."""

from __future__ import annotations

import click

from elc.atomic import atomic_dir, atomic_path
from elc.cli._app import main, open_or_fail, project_argument
from elc.errors import ElcError


@main.command("export")
@project_argument
@click.option("--qdpx", "qdpx", type=click.Path(dir_okay=False),
              help="Write a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder...")
@click.option("--qdc", "qdc", type=click.Path(dir_okay=False), help="Write the codebook as REFI-QDA (.qdc).")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False),
              help="Write codings.csv, segments.csv, participants.csv and codes.csv into this folder.")
def export(project, qdpx, qdc, csv_dir):
    """Export PROJECT's stored (de-identified) text, codes and codings (at least one of --qdpx/--qdc/--csv)."""
    if not (qdpx or qdc or csv_dir):
        raise click.UsageError("say what to export: --qdpx FILE, --qdc FILE and/or --csv DIR")
    p = open_or_fail(project)
    try:
        if qdpx:
            from elc.exchange.refi import export_qdpx

            with atomic_path(qdpx) as tmp:  # whole or not at all; a full disk is one line
                export_qdpx(p, tmp)
            click.echo(f"wrote {qdpx} (REFI-QDA project: {len(p.sources())} source(s), {len(p.codings(with_text=False))} "
                       f"coding(s))")
        if qdc:
            from elc.exchange.refi import export_qdc

            with atomic_path(qdc) as tmp:
                export_qdc(p, tmp)
            click.echo(f"wrote {qdc} (REFI-QDA codebook: {len(p.codes())} code(s))")
        if csv_dir:
            from elc.export.csv_export import export_csv

            with atomic_dir(csv_dir) as tmp:  # a new folder appears with all four files or none
                files = export_csv(p, tmp)
            click.echo(f"wrote {', '.join(f.name for f in files.values())} in {csv_dir}")
    except OSError as exc:
        raise ElcError(f"could not write the export ({exc.strerror or exc}: {exc.filename or ''})") from None
    finally:
        p.close()


@main.command("import-qdpx")
@click.argument("file", type=click.Path(dir_okay=False))
@project_argument
@click.option("--guide", type=click.Path(dir_okay=False),
              help="Interview guide YAML: take the programme, communities and touchpoints from it and merge "
                   "the archive's codes into them by name.")
@click.option("--force", is_flag=True, help="Replace PROJECT if it exists.")
def import_qdpx_cmd(file, project, guide, force):
    """Create PROJECT from a REFI-QDA project FILE (.qdpx) made by elc or another QDA tool."""
    from elc.exchange.refi import import_qdpx

    res = import_qdpx(file, project, guide=guide, force=force)
    click.echo(f"created {project} from {file}: {res.sources} source(s), {res.participants} participant(s), "
               f"{res.users} user(s), {res.codes_added} code(s) added ({res.codes_matched} matched), "
               f"{res.codings} coding(s)")
    _repeated(res.repeated)
    for key in res.communities_added:
        click.echo(f"note: added community '{key}' named in the archive", err=True)
    for warning in res.warnings:
        click.echo(f"note: {warning}", err=True)


@main.command("import-qdc")
@click.argument("file", type=click.Path(dir_okay=False))
@project_argument
@click.option("--coder", default="elc", show_default=True, help="Name recorded in the codebook log.")
def import_qdc_cmd(file, project, coder):
    """Add the codes of a REFI-QDA codebook FILE (.qdc) to PROJECT, reusing the codes it already has."""
    from elc.exchange.refi import import_qdc

    p = open_or_fail(project)
    try:
        res = import_qdc(file, p, coder=coder)
    finally:
        p.close()
    click.echo(f"added {len(res.added)} code(s) from {file}; {len(res.skipped)} already in the project")
    _repeated(res.repeated)
    for old, new in res.renamed:
        click.echo(f"note: code '{old}' has a sibling of the same name; it was added as '{new}'", err=True)


def _repeated(paths: list[str]) -> None:
    """Codes are told apart by their place in the tree: show where a name repeats."""
    if paths:
        click.echo(f"note: {len(paths)} codes share a name with another code; their paths: " + "; ".join(paths),
                   err=True)
