"""De-identification verb: deidentify (finish, review and report de-identification)."""

from __future__ import annotations

import json
import sys

import click

from elc.cli._app import main, open_or_fail, project_argument

LABEL_CHOICES = ("PERSON", "CUSTOM", "NHS_NUMBER", "PHONE", "POSTCODE", "EMAIL", "DOB", "ADDRESS", "LOCATION",
                 "ORG")


def _default_reviewer() -> str:
    from elc.coding.actions import default_coder

    return default_coder("")


def _print_report(rep: dict, project: str) -> None:
    click.echo(f"de-identification of {project}")
    st = rep["by_status"]
    click.echo(f"detections: {rep['detections']}"
               + (f"  ({', '.join(f'{k} {v}' for k, v in st.items())})" if st else ""))
    if rep["by_label"]:
        click.echo("per label:  " + ", ".join(f"{k} {v}" for k, v in rep["by_label"].items()))
    if rep["by_entity"]:
        click.echo("per entity:")
        for e in rep["by_entity"]:
            statuses = " ".join(f"{k} {e[k]}" for k in ("auto", "accepted", "rejected", "added") if e.get(k))
            click.echo(f"  {e['entity'][:28]:<29}{e['label']:<12}{e['n']:>5}   {statuses}")
    pending = rep["pending_sources"]
    if pending:
        listed = ", ".join(f"{x['id']} {x['name']}" for x in pending[:8]) + (" ..." if len(pending) > 8 else "")
        click.echo(f"sources not yet de-identified: {len(pending)} ({listed}) -> run 'elc deidentify {project}'")
    else:
        click.echo("sources not yet de-identified: none")
    o = rep["originals"]
    if o.get("error"):
        click.echo(f"originals: {o['error']}")
    elif o.get("purged"):
        click.echo(f"originals: purged on {str(o['purged'].get('ts', ''))[:10]} by {o['purged'].get('reviewer')}; "
                   f"{'kept again for new detections' if o.get('keep') else 'not kept'}"
                   + (f" ({o.get('originals', 0)} since)" if o.get("exists") else ""))
    elif o.get("path") is None:
        click.echo("originals: not kept (a project behind a database URL)")
    elif o.get("keep"):
        click.echo(f"originals: kept in {o['path']} ({o.get('originals', 0)})")
    else:
        click.echo("originals: not kept" + (f" ({o['path']} still holds {o.get('originals', 0)})" if o.get("exists")
                                            else ""))
    sr = rep.get("sources_reviewed") or {}
    click.echo(f"unreviewed: {rep.get('unreviewed', 0)} of {rep['detections']} detection(s) not yet reviewed; "
               f"sources reviewed: {sr.get('reviewed', 0)} of {sr.get('with_detections', 0)} with detections")
    click.echo(f"names added: {rep['names']} (stored as keyed hashes)")
    click.echo("allow-list (project): " + (", ".join(rep["allow_list"]) if rep["allow_list"] else "none"))


@main.command("deidentify", context_settings={"max_content_width": 100})
@project_argument
@click.option("--report", "show_report", is_flag=True,
              help="Print counts per label, per entity (pseudonym tag) and per status, the sources not yet "
                   "de-identified, and where originals are kept. Changes nothing unless other options are given.")
@click.option("--json", "as_json", is_flag=True, help="With --report: print the report as JSON.")
@click.option("--add-name", "names", multiple=True, metavar="NAME",
              help="A name the detector must always catch (repeatable). Remaining occurrences in every source "
                   "are replaced now and on every later import; the project keeps only a keyed hash of it.")
@click.option("--label", default="PERSON", show_default=True, metavar="LABEL",
              help="Label for --add-name and --add-span: " + ", ".join(LABEL_CHOICES) + " (PERSON and CUSTOM get "
                   "a numbered pseudonym such as [Person 3]; the others a typed tag such as [organisation]).")
@click.option("--allow", "allows", multiple=True, metavar="TERM",
              help="A term the analysis needs and that is never replaced (repeatable): a language, a service, a "
                   "public place. Its current replacements are restored where originals are kept.")
@click.option("--accept", "accepts", multiple=True, type=int, metavar="ID",
              help="Confirm detection ID (repeatable). Accepting a rejected detection replaces it again.")
@click.option("--reject", "rejects", multiple=True, type=int, metavar="ID",
              help="Undo detection ID (repeatable): its original text is restored from the originals file and "
                   "the exact term is allow-listed for later imports. Refused if the original is not kept.")
@click.option("--add-span", "spans", multiple=True, nargs=3, type=int, metavar="SOURCE START END",
              help="Replace characters START..END of source SOURCE (stored-text offsets) with a pseudonym.")
@click.option("--keep-originals/--no-keep-originals", "keep", default=None,
              help="Keep (default for new projects) or stop keeping the originals of new detections.")
@click.option("--purge-originals", is_flag=True,
              help="Delete the originals file for good and stop keeping originals; recorded in the audit. "
                   "After this no rejection can restore anything.")
@click.option("--accept-source", "accept_sources", multiple=True, type=int, metavar="SOURCE",
              help="Mark source SOURCE reviewed: accept every detection of it not yet reviewed (repeatable).")
@click.option("--places", type=click.Choice(["keep", "generalise", "tag"]), default=None,
              help="What later de-identification does with places and organisations: keep them, generalise "
                   "(default: replace only named providers, known towns and places in an address) or tag all.")
@click.option("--yes", is_flag=True, help="Do not ask before --purge-originals.")
@click.option("--reviewer", default=_default_reviewer, show_default="$ELC_CODER or your login name",
              help="Who makes these decisions (written to the audit trail).")
def deidentify(project, show_report, as_json, names, label, allows, accepts, rejects, spans, keep,
               purge_originals, accept_sources, places, yes, reviewer):
    """De-identify, review and report on PROJECT's identifiers.

    \b
    Without options: de-identify every source imported with --no-deidentify (detect on the stored
    text, replace each identifier with a pseudonym such as [Daughter 1] or [phone], keep existing
    codings aligned, and mark the source de-identified).

    \b
    The project file holds de-identified text only. Unless the project says otherwise, the text
    each replacement hid is kept beside it in PROJECT.originals (readable by you alone), so a
    wrong replacement can be undone with --reject. --purge-originals deletes that file for good.
    On PostgreSQL they are kept in the schema elc_originals, which only granted roles can read.

    \b
    Every decision (--accept, --reject, --add-name, --add-span, --allow) is written to the audit
    trail with --reviewer and the time, and re-applies when more transcripts are imported. Find
    detection ids with --report --json, or review them interactively in the coding UI.

    \b
    Examples:
      elc deidentify nepts.elc                       # de-identify sources imported raw
      elc deidentify nepts.elc --report
      elc deidentify nepts.elc --add-name Edna --add-name "Kestrel Grange" --label ORG
      elc deidentify nepts.elc --allow Gujarati --reject 17 --accept 18 --reviewer alice
      elc deidentify nepts.elc --accept-source 3 --places keep
      elc deidentify nepts.elc --purge-originals
    """
    from elc.deid import review

    p = open_or_fail(project)
    try:
        acted = False
        if keep is not None:
            click.echo(review.set_keep_originals(p, reviewer, keep))
            acted = True
        if places is not None:
            click.echo(review.set_place_policy(p, reviewer, places))
            acted = True
        for source_id in accept_sources:
            click.echo(review.accept_source(p, reviewer, source_id))
            acted = True
        for name in names:
            click.echo(review.add_name(p, reviewer, name, label.upper()))
            acted = True
        for term in allows:
            click.echo(review.allow(p, reviewer, term))
            acted = True
        if accepts:
            click.echo(review.accept(p, reviewer, list(accepts)))
            acted = True
        if rejects:
            click.echo(review.reject(p, reviewer, list(rejects)))
            acted = True
        for source_id, start, end in spans:
            click.echo(review.add_span(p, reviewer, source_id, start, end, label.upper()))
            acted = True
        if purge_originals:
            if not yes and sys.stdin.isatty():
                click.confirm(f"Delete the originals of {project} for good? Rejections will no longer be possible",
                              abort=True)
            click.echo(review.purge_originals(p, reviewer))
            acted = True
        if not acted and not show_report:
            pending = review.pending_sources(p)
            if pending:
                click.echo(f"de-identifying {len(pending)} source(s)...", err=True)
            click.echo(review.deidentify_pending(p, reviewer))
        if show_report:
            rep = review.report(p)
            if as_json:
                click.echo(json.dumps(rep, indent=2, default=str))
            else:
                _print_report(rep, project)
        elif not acted:
            rep = review.report(p)
            st = ", ".join(f"{k} {v}" for k, v in rep["by_status"].items())
            click.echo(f"{rep['detections']} detection(s){' (' + st + ')' if st else ''}, "
                       f"{rep.get('unreviewed', 0)} not yet reviewed; see 'elc deidentify {project} --report'")
    finally:
        p.close()
