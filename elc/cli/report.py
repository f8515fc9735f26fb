"""Insight and output verbs: matrix, report (workbook / HTML), spec (changes: elc.cli.changes)."""

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
@click.option("--by", metavar="ATTRIBUTE", help="Break every row down by a participant attribute (area, age_band, "
              "sex, ethnicity, disability, service), with small counts suppressed.")
def matrix(project, themes, coder, as_json, by):
    """The touchpoint x community insight matrix: participants who said working well / to improve."""
    from elc.insights.matrix import insight_matrix
    from elc.insights.units import interviewed

    p = open_or_fail(project)
    m = insight_matrix(p, kind=("theme", "category") if themes else "touchpoint", coder=coder,
                       communities=interviewed(p, coder))
    if by:
        from elc.insights.breakdown import matrix_by

        _print_breakdown(matrix_by(p, by, kind=("theme", "category") if themes else "touchpoint", coder=coder),
                         as_json)
        return
    if as_json:
        click.echo(json.dumps(json.loads(m.to_json(orient="records")), indent=2))
        return
    comms = list(dict.fromkeys(m.community)) if len(m) else []
    click.echo("cells: ↑working well ↓to improve, participants of N asked (coded interviews whose guide has the "
               "touchpoint); a participant can hold both; 'not asked' = their guide has no such touchpoint")
    coded = {r.community: r.coded for r in m.itertuples()}
    click.echo(f"{'':<42}" + "".join(f"{(k[:11] + ' N=' + str(coded.get(k, 0))):>20}" for k in comms))
    for tp, g in (m.groupby("touchpoint", sort=False) if len(m) else []):
        cells = []
        for r in g.itertuples():
            if not r.asked:
                cells.append(f"{'not asked':>20}" if not r.raised else f"{f'not asked ({r.raised})':>20}")
                continue
            cells.append(f"{f'↑{r.working_well} ↓{r.to_improve} of {r.of}':>20}")
        click.echo(f"{tp[:41]:<42}" + "".join(cells))
    _print_coverage(p, interviewed(p, coder))


def _print_coverage(p, communities=None) -> None:
    from elc.insights.evidence import coverage_notes
    from elc.insights.units import interviewed
    from elc.store.evidence_reads import detection_review_counts

    for line in coverage_notes(interviewed(p) if communities is None else communities, detection_review_counts(p)):
        click.echo(f"note: {line}")


def _print_breakdown(bd, as_json: bool = False) -> None:
    from elc.insights.breakdown import SUPPRESS_BELOW

    table = bd.table()
    if as_json:
        click.echo(json.dumps({"attribute": bd.attribute, "groups": bd.groups, "suppress_below": SUPPRESS_BELOW,
                               "rows": table.to_dict("records")}, indent=2))
        return
    click.echo(f"by {bd.attribute}: ↓to improve ↑working well, participants of N asked in each group (coded "
               f"interviews whose guide asks about it); counts from 1 to {SUPPRESS_BELOW - 1} shown as "
               f"'<{SUPPRESS_BELOW}', and a second cell hidden where the total would reveal one")
    width = max([len(g) for g in bd.groups] + [12]) + 2
    click.echo(f"{'':<44}" + "".join(f"{g[:width - 2]:>{width}}" for g in bd.groups) + f"{'All':>{width}}")
    for row in table.to_dict("records"):
        click.echo(f"{row['row'][:43]:<44}" + "".join(f"{row[g]:>{width}}" for g in bd.groups)
                   + f"{row['All']:>{width}}")


# ---------------------------------------------------------------------------- report / spec
@main.command("report")
@project_argument
@click.option("--xlsx", type=click.Path(dir_okay=False), help="Write the workshop workbook (.xlsx) here.")
@click.option("--html", "html_dir", type=click.Path(file_okay=False), help="Write a self-contained HTML report into this folder.")
@click.option("--you-said", "you_said", type=click.Path(dir_okay=False),
              help="Write the 'you said, we did' report (.html) for participants and the committee.")
@click.option("--coder", help="Only this coder's codings.")
def report(project, xlsx, html_dir, you_said, coder):
    """The workshop pack: an Excel workbook and/or self-contained HTML pages (the pack and its appendix),
    and after the workshop the 'you said, we did' report.

    \b
    elc report nepts.elc --xlsx workshop.xlsx --html pack/
    elc report nepts.elc --you-said you-said.html
    """
    if not xlsx and not html_dir and not you_said:
        raise ElcError("say where to write the pack: --xlsx FILE, --html DIR and/or --you-said FILE.html")
    if you_said and Path(you_said).suffix.lower() != ".html":
        raise ElcError(f"{you_said}: the 'you said, we did' report must be an .html file")
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
        click.echo(f"wrote {Path(html_dir) / name} and {Path(html_dir) / 'appendix.html'}")
    if you_said:
        from elc.export.you_said import write_you_said

        with atomic_path(you_said) as tmp:
            write_you_said(p, tmp, data=data)
        click.echo(f"wrote {you_said}")
    _warn_review(data)
    click.echo(f"in {time.perf_counter() - t0:.1f} s")


def _warn_review(data) -> None:
    for line in data.coverage:
        click.echo(f"note: {line}")
    if data.unreviewed_quotes:
        click.echo(f"warning: {data.unreviewed_quotes} quote(s) used contain de-identification nobody has reviewed "
                   "yet: review them (elc deidentify report PROJECT, or D in the workbench) before sharing", err=True)


@main.command("spec")
@project_argument
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The draft to write: FILE.md or FILE.docx.")
@click.option("--coder", help="Only this coder's codings.")
def spec(project, out, coder):
    """Draft a service specification whose requirements cite their evidence (.md or .docx)."""
    from elc.export.data import collect
    from elc.export.spec import write_spec

    p = open_or_fail(project)
    data = collect(p, coder=coder)
    with atomic_path(out) as tmp:
        write_spec(p, tmp, coder=coder, data=data)
    click.echo(f"wrote {out}")
    _warn_review(data)
